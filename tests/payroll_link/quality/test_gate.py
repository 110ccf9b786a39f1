"""The quality gate on simulator periods in real PostgreSQL, through real GX and Data Docs."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from payroll_link.periods import get_period
from payroll_link.quality import (
    QualityGateError,
    QualityStateError,
    enforce,
    load_ruleset,
    validate_period,
)
from payroll_link.quality.evaluate import evaluate
from payroll_link.quality.gate import _context
from payroll_link.quality.ruleset import Rule
from payroll_link.registry import Dga
from tests.payroll_link.quality.conftest import BAKKERIJ, HOEKSTRA, make_employer

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]

# Seeded defect of the dirty profile -> the rule that must flag its employee.
DEFECT_RULES = {
    "invalid_bsn": "identity.bsn_11_proef",
    "missing_birth_date": "identity.birth_date_present",
    "negative_salary": "salary.non_negative",
    "employment_end_before_start": "employment.start_not_after_end",
    "duplicate_personnel_id": "uniqueness.personnel_number",
    "dga_not_flagged": "dga.declared_indication",
    "bad_postcode": "address.postcode",
}


def with_fulltime_hours(ruleset, employer_id: str, like: str):
    """Return the rule set with `employer_id` getting the settings of registry employer `like`."""
    employers = {**ruleset.employers, employer_id: ruleset.settings_for(like)}
    return ruleset.model_copy(update={"employers": employers})


@pytest.fixture(scope="module")
def clean(extract_module, warehouse_engine, docs_dir):
    employer = make_employer(2001, dga=Dga(name="Sandra Bakker", employee_number=1))
    extract_module(employer, BAKKERIJ, 2026, 9)
    part = extract_module(employer, BAKKERIJ, 2026, 10)
    ruleset = with_fulltime_hours(load_ruleset("pension"), employer.employer_id,
                                  "bakkerij_van_den_berg")
    summary = validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                              docs_dir, ruleset=ruleset)
    return employer, part, summary


@pytest.fixture(scope="module")
def dirty(extract_module, warehouse_engine, docs_dir):
    employer = make_employer(2005, dga=Dga(name="Lisa Yılmaz", employee_number=2))
    extract_module(employer, HOEKSTRA, 2026, 9)
    part = extract_module(employer, HOEKSTRA, 2026, 10)
    summary = validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                              docs_dir)
    return employer, part, summary


def flags(engine, quality_run_id: str) -> set[tuple[str, str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(text("select rule_id, severity, employee_id from ops.quality_flag "
                                 "where quality_run_id = :q"), {"q": quality_run_id}).all()
    return {tuple(row) for row in rows}


def test_clean_monthly_period_passes_with_zero_errors(clean, sim_world, warehouse_engine):
    _, _, summary = clean
    assert summary["passed"] and summary["errors"] == 0 and summary["warnings"] == 1
    # The one warning: the employee leaving in the period has no contract in Nmbrs' current-
    # period snapshot, so its stand goes out without contract type and nature code.
    [leaver] = [2001_0000 + n for n, role in sim_world.company(2001).plan.roles.items()
                if role == "exit:2"]
    assert flags(warehouse_engine, summary["quality_run_id"]) == {
        ("contract.type_and_nature_present", "warning", leaver)}
    assert all(rule["evaluated"] > 0 for rule in summary["rules"]), summary["rules"]
    enforce(summary)  # does not raise


def test_clean_four_weekly_income_insurance_period_passes(extract_module, warehouse_engine,
                                                           docs_dir):
    employer = make_employer(2002, frequency="four_weekly", product="income_insurance")
    part = extract_module(employer, BAKKERIJ, 2026, 11)
    ruleset = with_fulltime_hours(load_ruleset("income_insurance"), employer.employer_id,
                                  "van_den_berg_banket")
    summary = validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                              docs_dir, ruleset=ruleset)
    assert summary["errors"] == 0, [r for r in summary["rules"] if r["failed_count"]]
    assert len(summary["rules"]) == len(ruleset.rules)


def test_dirty_period_trips_every_seeded_defect_with_its_rule(dirty, sim_world,
                                                              warehouse_engine):
    defects = sim_world.company(2005).seeded_defects()
    assert set(defects) == set(DEFECT_RULES)
    found = flags(warehouse_engine, dirty[2]["quality_run_id"])
    for defect, employee_id in defects.items():
        assert (DEFECT_RULES[defect], "error", employee_id) in found, defect


def test_dirty_error_flags_hit_only_seeded_defects(dirty, sim_world, warehouse_engine):
    company = sim_world.company(2005)
    defects = company.seeded_defects()
    duplicate = company.employee(defects["duplicate_personnel_id"]).number
    namesake = {e.id for e in company.all_employees() if e.number == duplicate}
    errors = {(rule, employee) for rule, severity, employee in
              flags(warehouse_engine, dirty[2]["quality_run_id"]) if severity == "error"}
    expected = {(DEFECT_RULES[d], e) for d, e in defects.items()}
    expected |= {("uniqueness.personnel_number", e) for e in namesake}
    assert errors == expected


def test_enforce_raises_naming_the_failed_error_rules_and_counts(dirty):
    summary = dirty[2]
    with pytest.raises(QualityGateError) as caught:
        enforce(summary)
    message = str(caught.value)
    assert "7 error rules failed: identity.bsn_11_proef (1), " in message
    assert "uniqueness.personnel_number (2)" in message
    assert dict(caught.value.failed) == {r: 2 if r == "uniqueness.personnel_number" else 1
                                         for r in DEFECT_RULES.values()}


def test_warnings_are_flagged_but_do_not_block(dirty, sim_world, warehouse_engine):
    negative = sim_world.company(2005).seeded_defects()["negative_salary"]
    found = flags(warehouse_engine, dirty[2]["quality_run_id"])
    assert ("salary.change_vs_previous", "warning", negative) in found
    warnings_only = {**dirty[2], "errors": 0, "rules": [
        r for r in dirty[2]["rules"] if r["severity"] == "warning"]}
    enforce(warnings_only)  # does not raise


def test_results_are_stored_per_run_and_rule(dirty, warehouse_engine):
    _, part, summary = dirty
    with warehouse_engine.connect() as conn:
        run = conn.execute(text("select * from ops.quality_run where quality_run_id = :q"),
                           {"q": summary["quality_run_id"]}).mappings().one()
        results = conn.execute(text("select * from ops.quality_result where quality_run_id = "
                                    ":q"), {"q": summary["quality_run_id"]}).mappings().all()
    assert str(run["extraction_id"]) == part.extraction_id and run["finished_at"] is not None
    assert (run["passed"], run["errors"], run["warnings"]) == (False, 7, 2)
    assert run["docs_path"] == summary["docs_index"]
    by_rule = {row["rule_id"]: row for row in results}
    assert set(by_rule) == {rule.id for rule in load_ruleset("pension").rules}
    assert by_rule["identity.bsn_11_proef"]["sample_employee_ids"] == [20050008]
    assert by_rule["uniqueness.bsn"]["failed_count"] == 0
    assert all(row["description_nl"] and row["evaluated"] >= 0 for row in results)


def test_data_docs_exist_and_show_no_bsn_iban_or_amount(dirty, warehouse_engine):
    index = Path(dirty[2]["docs_index"])
    folder = index.parent
    assert index.is_file() and (folder / "gx" / "index.html").is_file()
    pages = [p for p in folder.rglob("*") if p.suffix in (".html", ".json")
             and "static" not in p.parts]
    assert any("validations" in p.parts for p in pages)
    xid = dirty[1].extraction_id
    with warehouse_engine.connect() as conn:
        secrets = conn.execute(text(
            "select bsn from staging.personal_info where _extraction_id = :x union "
            "select iban from staging.bank_account where _extraction_id = :x union "
            "select value::text from staging.salary where _extraction_id = :x and value <> 0"),
            {"x": xid}).scalars().all()
    content = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    leaked = [s for s in secrets if s and s in content]
    assert not leaked, f"{len(leaked)} personal values in Data Docs"


def test_unpublished_extraction_is_refused(dirty, warehouse_engine, docs_dir):
    employer, part, _ = dirty
    with pytest.raises(QualityStateError, match="is not the published extraction"):
        validate_period(warehouse_engine, employer, str(uuid.uuid4()), part.period, docs_dir)


def test_a_custom_sql_rule_is_one_entry(dirty, warehouse_engine):
    employer, part, _ = dirty
    rule = Rule.model_validate({
        "id": "identity.dutch_nationality", "severity": "warning", "check": "sql",
        "query": "select p.employee_id as key, p.nationality_code = :dutch as ok "
                 "from pinfo p join staff s on s.employee_id = p.employee_id",
        "params": {"dutch": 1},
        "description": {"nl": "Nationaliteit is Nederlands.", "en": "Nationality is Dutch."}})
    ruleset = load_ruleset("pension")
    context = _context(warehouse_engine, employer, part.extraction_id,
                       get_period("monthly", 2026, 10), ruleset)
    (outcome,) = evaluate(warehouse_engine, [rule], context)
    assert outcome.evaluated == 22 and outcome.keys == (20050005,)  # the cross-border worker


def test_a_staged_wage_line_differing_from_the_landed_report_is_flagged(dirty, warehouse_engine):
    employer, part, _ = dirty
    ruleset = load_ruleset("pension")
    (rule,) = [r for r in ruleset.rules if r.id == "wage_codes.totals_match_landing"]
    context = _context(warehouse_engine, employer, part.extraction_id, part.period, ruleset)
    line = {"x": part.extraction_id, "e": 20050001, "c": 1000}
    where = "_extraction_id = :x and employee_id = :e and code = :c"
    with warehouse_engine.begin() as conn:
        run_id = conn.execute(text(f"update staging.wage_code_line set value = value + 0.01 "
                                   f"where {where} returning run_id"), line).scalar_one()
    try:
        (outcome,) = evaluate(warehouse_engine, [rule], context)
    finally:
        with warehouse_engine.begin() as conn:
            conn.execute(text(f"update staging.wage_code_line set value = value - 0.01 "
                              f"where {where}"), line)
    assert outcome.keys == (run_id,)
    assert evaluate(warehouse_engine, [rule], context)[0].passed
