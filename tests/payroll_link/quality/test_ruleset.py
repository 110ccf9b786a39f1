"""Rule sets: both products load and validate; a malformed rule is rejected, named."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from payroll_link.quality import RuleSetError, load_ruleset
from payroll_link.quality.checks import CHECKS
from payroll_link.quality.gate import default_docs_root
from payroll_link.quality.ruleset import ruleset_path

PENSION_ONLY = {"address.postcode", "address.house_number", "completeness.address",
                "family.partner_birth_date", "family.child_birth_date"}


def ids(ruleset) -> set[str]:
    return {rule.id for rule in ruleset.rules}


def test_both_products_load_with_version_and_bilingual_descriptions():
    for product in ("pension", "income_insurance"):
        ruleset = load_ruleset(product)
        assert ruleset.product == product and ruleset.version
        assert all(rule.description.nl and rule.description.en for rule in ruleset.rules)


def test_income_insurance_is_pension_without_address_and_family_rules():
    pension, income = load_ruleset("pension"), load_ruleset("income_insurance")
    assert ids(pension) - ids(income) == PENSION_ONLY
    assert ids(income) <= ids(pension)


def test_every_catalogue_check_is_used_by_the_pension_rules():
    assert {rule.check for rule in load_ruleset("pension").rules} == set(CHECKS)


def test_fulltime_hours_default_when_the_registry_gives_none():
    from payroll_link.registry import load_registry
    from payroll_link.runtime import REPO

    ruleset = load_ruleset("pension")
    assert ruleset.settings_for("unknown_employer").fulltime_hours == Decimal(40)
    registry = load_registry(REPO / "config" / "employers.yaml")
    assert registry.by_id("bakkerij_van_den_berg").full_time_hours_per_week == 38


def write_with(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(ruleset_path("pension").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "pension.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def rule(document, rule_id):
    return next(r for r in document["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda d: rule(d, "identity.age_plausible")["params"].pop("max_age"), "missing ['max_age']"),
    (lambda d: rule(d, "identity.age_plausible")["params"].update(min_age="15"),
     "params.min_age must be a number"),
    (lambda d: rule(d, "identity.age_plausible").update(severity="fatal"), "severity"),
    (lambda d: rule(d, "identity.age_plausible").update(check="age_betwen"),
     "check 'age_betwen' is not in the catalogue"),
    (lambda d: rule(d, "identity.age_plausible")["description"].pop("nl"), "description.nl"),
    (lambda d: rule(d, "identity.age_plausible").update(query="select 1"),
     "query and key are only allowed with check: sql"),
])
def test_malformed_rule_is_rejected_naming_rule_and_field(tmp_path, change, reason):
    path = write_with(tmp_path, change)
    with pytest.raises(RuleSetError, match=r"rule \d+ \(identity\.age_plausible\)") as caught:
        load_ruleset(path)
    assert reason in str(caught.value) and caught.value.rule_id == "identity.age_plausible"


def test_duplicate_rule_id_is_rejected(tmp_path):
    path = write_with(tmp_path, lambda d: d["rules"].append(dict(rule(d, "uniqueness.bsn"))))
    with pytest.raises(RuleSetError, match="'uniqueness.bsn' is already used by rule"):
        load_ruleset(path)


def test_custom_sql_rule_with_undefined_placeholder_is_rejected(tmp_path):
    custom = {"id": "contract.written", "severity": "warning", "check": "sql",
              "query": "select c.employee_id as key, c.hours_per_week < :max_hours as ok "
                       "from contracts c",
              "description": {"nl": "Contract is schriftelijk.", "en": "Contract is written."}}
    path = write_with(tmp_path, lambda d: d["rules"].append(custom))
    with pytest.raises(RuleSetError, match=r"contract\.written.*undefined placeholders"):
        load_ruleset(path)


def test_identifier_parameter_outside_its_list_is_rejected(tmp_path):
    path = write_with(tmp_path, lambda d: rule(d, "completeness.svw")["params"].update(
        entity="svw; drop table ops.extraction"))
    with pytest.raises(RuleSetError, match=r"completeness\.svw.*params\.entity must be one of"):
        load_ruleset(path)


def test_unreadable_or_non_yaml_file_names_the_file(tmp_path):
    bad = tmp_path / "pension.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="pension.yaml: not valid YAML"):
        load_ruleset(bad)
    with pytest.raises(RuleSetError, match="cannot read file"):
        load_ruleset(tmp_path / "missing.yaml")


def test_docs_root_comes_from_the_environment_else_the_repo():
    assert default_docs_root({"KOPPELING_DOCS_DIR": "/srv/docs"}) == Path("/srv/docs")
    assert default_docs_root({}).parts[-2:] == (".local", "quality_docs")
