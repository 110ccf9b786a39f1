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


@pytest.mark.parametrize("source", ["company_fixed", "company_var"])
def test_a_company_level_component_in_a_scheme_is_refused(tmp_path, source):
    folder = tmp_path / "handoff"
    shutil.copytree(CONFIG_DIR, folder)
    schemes = folder / "schemes.yaml"
    schemes.write_text(schemes.read_text().replace(
        "- {name: holiday_allowance, source: wage_code, code: 2000}",
        "- {name: holiday_allowance, source: wage_code, code: 2000}\n"
        f"      - {{name: fixed_allowance, source: {source}, code: 5010}}", 1))
    with pytest.raises(HandoffConfigError,
                       match=rf"components.2.source: .*'{source}' is a company-level setting"):
        load_config(folder)


def test_the_repo_schemes_count_no_company_level_component():
    for scheme in load_config().schemes.values():
        assert {item.source for item in scheme.components} == {"wage_code"}


def test_scheme_codes_missing_from_the_periods_lines_are_reported():
    from payroll_link.handoff.stand_pay import unused_codes

    scheme = load_config().schemes["asr_pension_standard"]
    lines = [{"code": 1000, "value": 1}, {"code": 1100, "value": 1}]
    assert unused_codes(scheme, lines) == [2000]
    assert unused_codes(scheme, lines + [{"code": 2000, "value": 0}]) == []


def test_a_pension_base_needs_a_known_figures_table(tmp_path):
    folder = tmp_path / "handoff"
    shutil.copytree(CONFIG_DIR, folder)
    schemes = folder / "schemes.yaml"
    schemes.write_text(schemes.read_text().replace("figures: fiscal", "figures: nope", 1))
    with pytest.raises(HandoffConfigError, match=r"pension_base.figures: unknown table 'nope'"):
        load_config(folder)


def test_the_figures_table_holds_the_published_yearly_figures():
    table = load_config().figures["fiscal"]
    assert {year: (row.franchise, row.maximum) for year, row in table.years.items()} == {
        2024: (Decimal(17545), Decimal(137800)), 2025: (Decimal(18475), Decimal(137800)),
        2026: (Decimal(19172), Decimal(137800))}
    assert "S-FIG-PME" in table.source and table.version
