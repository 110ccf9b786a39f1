"""Handoff configuration: field sets and schemes are data, checked when loaded."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from payroll_link.handoff.config import CONFIG_DIR, load_config
from payroll_link.handoff.errors import HandoffConfigError
from tests.payroll_link.handoff.synthetic import employer


def test_repo_config_resolves_every_demo_employer():
    from payroll_link.registry import load_registry
    from payroll_link.runtime import REPO

    config = load_config()
    for emp in load_registry(REPO / "config" / "employers.yaml").employers:
        settings = config.settings_for(emp)
        assert settings.field_set_name == emp.product
        assert settings.scheme.product == emp.product
    bakkerij = load_registry(REPO / "config" / "employers.yaml").by_id("bakkerij_van_den_berg")
    assert config.settings_for(bakkerij).full_time_hours_per_week == Decimal(38)


def test_unknown_field_in_a_field_set_is_named(tmp_path):
    folder = tmp_path / "handoff"
    shutil.copytree(CONFIG_DIR, folder)
    products = folder / "products.yaml"
    products.write_text(products.read_text().replace("birth_date, gender]",
                                                     "birth_date, gender, shoe_size]", 1))
    with pytest.raises(HandoffConfigError, match=r"pension.identity: unknown field 'shoe_size'"):
        load_config(folder)


def test_unknown_scheme_of_an_employer_is_named(tmp_path):
    folder = tmp_path / "handoff"
    shutil.copytree(CONFIG_DIR, folder)
    (folder / "employers.yaml").write_text(
        "defaults: {full_time_hours_per_week: 40}\nemployers:\n  x_bv: {scheme: nope}\n")
    with pytest.raises(HandoffConfigError, match=r"employers.x_bv.scheme: unknown scheme 'nope'"):
        load_config(folder)


def test_employer_without_settings_gets_the_defaults():
    settings = load_config().settings_for(employer("never_configured"))
    assert settings.full_time_hours_per_week == Decimal(40)
    assert settings.scheme_id == "asr_pension_standard" and settings.hours_wage_code == 1100


def test_a_field_set_must_keep_the_fields_stands_and_mutations_rest_on(tmp_path):
    folder = tmp_path / "handoff"
    shutil.copytree(CONFIG_DIR, folder)
    products = folder / "products.yaml"
    products.write_text(products.read_text().replace(
        "employment: [start_date, end_date,", "employment: [", 1))
    with pytest.raises(HandoffConfigError, match=r"pension.employment: field 'start_date'"):
        load_config(folder)
