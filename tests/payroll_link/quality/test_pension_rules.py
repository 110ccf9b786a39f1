"""Warning rules for what a pension administrator builds on: partial-period pay, contract type.

Simulator periods in real PostgreSQL; a defect is staged by editing one staging row and undone.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from payroll_link.quality import load_ruleset
from payroll_link.quality.evaluate import evaluate
from payroll_link.quality.gate import _context
from payroll_link.registry import Dga
from tests.payroll_link.quality.conftest import BAKKERIJ, make_employer

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


@pytest.fixture(scope="module")
def october(extract_module):
    employer = make_employer(2001, dga=Dga(name="Sandra Bakker", employee_number=1))
    return employer, extract_module(employer, BAKKERIJ, 2026, 10)


def rule_outcome(engine, employer, part, rule_id):
    ruleset = load_ruleset("pension")
    (rule,) = [r for r in ruleset.rules if r.id == rule_id]
    context = _context(engine, employer, part.extraction_id, part.period, ruleset)
    (outcome,) = evaluate(engine, [rule], context)
    return outcome


def role_employee(world, role: str) -> int:
    [number] = [n for n, r in world.company(2001).plan.roles.items() if r == role]
    return 2001_0000 + number


def test_a_leaver_paid_a_whole_period_is_flagged(october, sim_world, warehouse_engine):
    employer, part = october
    hire = role_employee(sim_world, "exit:2")  # leaves on 2026-10-04: 4 of 31 days
    outcome = rule_outcome(warehouse_engine, employer, part, "salary.partial_period_pro_rated")
    assert outcome.passed and outcome.evaluated == 1  # pro-rated by calendar days: fine
    # A whole month's pay: the full-time salary of the world × the part-time factor.
    person = sim_world.employee(hire)
    salary = person.timeline.salaries[-1].value * person.timeline.parttime[-1].value
    whole = salary.quantize(Decimal("0.01"))
    keys = {"x": part.extraction_id, "e": hire}
    where = "_extraction_id = :x and employee_id = :e and code = 1000"
    with warehouse_engine.begin() as conn:
        before = conn.execute(text(f"select value from staging.wage_code_line where {where}"),
                              keys).scalar_one()
        assert before < whole
        conn.execute(text(f"update staging.wage_code_line set value = :v where {where}"),
                     {**keys, "v": whole})
    try:
        outcome = rule_outcome(warehouse_engine, employer, part,
                               "salary.partial_period_pro_rated")
    finally:
        with warehouse_engine.begin() as conn:
            conn.execute(text(f"update staging.wage_code_line set value = :v where {where}"),
                         {**keys, "v": before})
    assert outcome.keys == (hire,) and outcome.rule.severity == "warning"


def test_missing_contract_type_or_nature_is_a_warning(october, warehouse_engine):
    employer, part = october
    assert rule_outcome(warehouse_engine, employer, part,
                        "contract.type_and_nature_present").keys == (20010010,)  # the leaver
    keys = {"x": part.extraction_id, "e": 20010004}
    where = "_extraction_id = :x and employee_id = :e"
    with warehouse_engine.begin() as conn:
        before = conn.execute(text(f"select contract_id, employment_type from staging.contract "
                                   f"where {where}"), keys).all()
        conn.execute(text(f"update staging.contract set employment_type = null where {where}"),
                     keys)
    try:
        outcome = rule_outcome(warehouse_engine, employer, part,
                               "contract.type_and_nature_present")
    finally:
        with warehouse_engine.begin() as conn:
            for contract_id, kind in before:
                conn.execute(text(f"update staging.contract set employment_type = :k where "
                                  f"{where} and contract_id = :c"),
                             {**keys, "k": kind, "c": contract_id})
    assert outcome.keys == (20010004, 20010010) and outcome.rule.severity == "warning"
