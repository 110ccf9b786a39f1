"""Every derived amount of every stand follows from the delivered amounts by the documented rule.

A demo-like run: both demo employers' two latest periods (Bakkerij monthly 2026-09 and 2026-10,
Banket four-weekly 2026-4W10 and 2026-4W11) extracted from the simulator through the warehouse
and built into messages. Each stand is checked against the rules of docs/pension-numbers.md,
recomputed here in plain Decimal arithmetic, and its pensionable components against the
employee's own wage-code lines as published (not against the stand builder).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from payroll_link.handoff.build import compose
from payroll_link.handoff.reader import read_inputs
from payroll_link.handoff.schema import validate

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
CENT = Decimal("0.01")
FIGURES = {2026: (Decimal("19172.00"), Decimal("137800.00"))}  # pension-handoff.md §8
RUNS = {"bakkerij": (2001, "monthly", (9, 10)), "banket": (2002, "four_weekly", (10, 11))}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@pytest.fixture
def messages(request, extract_at, warehouse_engine, handoff_config):
    """Return [(message, published wage-code lines, company component codes)] of the run."""
    out = []
    for fixture, (company_id, frequency, numbers) in RUNS.items():
        emp = request.getfixturevalue(fixture)
        settings, base = handoff_config.settings_for(emp), None
        for number in numbers:
            part, period = extract_at(company_id, frequency, 2026, number)
            inputs = read_inputs(warehouse_engine, emp.employer_id, period.label,
                                 part.extraction_id)
            message, _ = compose(inputs, emp, period, part.extraction_id, settings, base)
            validate(message)
            base = message["stands"]
            company = {row["code"] for row in inputs.rows["company_wage_component"]}
            out.append((message, inputs.rows["wage_code_line"], company))
    return out


def check_salary(salary: dict) -> None:
    times = salary["annualisation_factor"]
    assert times in (12, 13)
    for period_key, annual_key in (("period_amount", "annual_amount"),
                                   ("full_time_period_amount", "full_time_annual_amount")):
        if salary[period_key] is not None:
            assert d(salary[annual_key]) == d(salary[period_key]) * times


def check_pensionable(pensionable: dict, own: dict[int, Decimal], company: set[int],
                      times: int) -> None:
    total = Decimal(0)
    for item in pensionable["components"]:
        assert item["source"] == "wage_code"
        assert item["code"] not in company or item["code"] in own  # never a company setting
        assert d(item["amount"]) == cents(own.get(item["code"], Decimal(0)))
        total += d(item["amount"])
    assert d(pensionable["period_total"]) == total
    assert d(pensionable["annual_total"]) == total * times


def check_base(base: dict, stand: dict) -> None:
    franchise, maximum = FIGURES[base["year"]]
    assert (d(base["franchise"]), d(base["maximum"])) == (franchise, maximum)
    assert base["period_total"] == stand["pensionable"]["period_total"]
    job = stand["employment"]
    assert (base["days_in_service"], base["days_in_period"]) == (job["days_in_service"],
                                                                 job["days_in_period"])
    served, days = base["days_in_service"], base["days_in_period"]
    total = d(base["period_total"])
    whole = total if served == days else cents(total * days / served)
    assert d(base["full_period_total"]) == whole
    annual = cents(whole * base["annualisation_factor"]
                   * (1 + d(base["holiday_allowance_rate"])))
    assert d(base["annual_pensionable_salary"]) == annual
    factor = d(stand["contract"]["part_time_factor"])
    assert d(base["part_time_factor"]) == min(factor, Decimal(1))
    full_time = cents(annual / d(base["part_time_factor"]))
    assert d(base["full_time_annual_pensionable_salary"]) == full_time
    assert d(base["capped_full_time_salary"]) == min(full_time, maximum)
    above = max(Decimal(0), min(full_time, maximum) - franchise)
    assert d(base["full_time_base"]) == above
    assert d(base["base"]) == cents(above * d(base["part_time_factor"]))


def test_every_derived_amount_follows_from_the_delivered_amounts(messages):
    checked = defaultdict(int)
    for message, lines, company in messages:
        own: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for line in lines:
            own[line["employee_id"]][line["code"]] += Decimal(str(line["value"]))
        times = 12 if message["employer"]["frequency"] == "monthly" else 13
        for stand in message["stands"]:
            if stand.get("salary"):
                check_salary(stand["salary"])
                checked["salary"] += 1
            if stand.get("pensionable"):
                check_pensionable(stand["pensionable"], own[stand["employee_id"]], company,
                                  times)
                checked["pensionable"] += 1
            if stand.get("pension_base") and stand["pension_base"]["excluded"] is None:
                check_base(stand["pension_base"], stand)
                checked["pension_base"] += 1
    # All 64 stands have a salary; the 40 pension stands (Bakkerij) carry pensionable amounts
    # and a base (income insurance carries neither).
    stands = sum(len(message["stands"]) for message, *_ in messages)
    pension = sum(len(m["stands"]) for m, *_ in messages if m["message"]["product"] == "pension")
    assert (stands, pension) == (64, 40)
    assert checked == {"salary": 64, "pensionable": 40, "pension_base": 40}


def test_no_company_level_code_reaches_a_stand(messages):
    for message, _lines, company in messages:
        assert company  # the simulator's companies have fixed components (5000, 5010, 5020)
        counted = {item["code"] for stand in message["stands"]
                   for item in (stand.get("pensionable") or {}).get("components", ())}
        assert not counted & company
