"""Pension base, hand-computed: every expected figure is worked out in the comments, from the
rule in docs/pension-numbers.md and the published figures (franchise 2025 18,475 and 2026
19,172; maximum 137,800), not from the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payroll_link.handoff.errors import HandoffConfigError
from payroll_link.handoff.stand import build_stands
from payroll_link.periods import get_period
from tests.payroll_link.handoff.synthetic import MONTH, employee, employer, inputs, settings

FOUR_WEEK_10 = get_period("four_weekly", 2026, 10)  # 2026-10-05 .. 2026-11-01, 28 days


def paid(rows: dict, salary: str, holiday: str) -> dict:
    """Replace the employee's wage-code lines: 1000 salary and 2000 holiday allowance."""
    first = rows["wage_code_line"][0]
    rows["wage_code_line"] = [{**first, "code": 1000, "value": Decimal(salary)},
                              {**first, "code": 2000, "value": Decimal(holiday)}]
    return rows


def base_of(rows, emp=None, period=MONTH, **options) -> dict:
    emp = emp or employer(dga=None)
    [stand] = build_stands(inputs(rows), emp, period, settings(emp, **options))
    return stand["pension_base"]


def test_part_timer_gets_the_franchise_in_proportion():
    # 19 of 38 hours: factor 0.5000; paid 2464.00 + 8 % holiday 197.12 = 2661.12 a month.
    # annual 2661.12 × 12 = 31933.44; full-time 31933.44 / 0.5 = 63866.88 (below the maximum);
    # 63866.88 − 19172.00 = 44694.88; × 0.5 = 22347.44.
    # (The franchise taken off the part-time annual pay instead would give 12761.44.)
    rows = paid(employee(101, hours="19.00", salary="4928.00"), "2464.00", "197.12")
    base = base_of(rows)
    assert base == {
        "rule": "full_time_capped_minus_franchise_times_part_time", "year": 2026,
        "figures_table": "fiscal", "figures_version": "2026.1",
        "franchise": "19172.00", "maximum": "137800.00", "annualisation_factor": 12,
        "holiday_allowance_rate": "0.0000", "period_total": "2661.12", "days_in_service": 31,
        "days_in_period": 31, "full_period_total": "2661.12",
        "annual_pensionable_salary": "31933.44", "part_time_factor": "0.5000",
        "full_time_annual_pensionable_salary": "63866.88",
        "capped_full_time_salary": "63866.88", "full_time_base": "44694.88",
        "base": "22347.44", "excluded": None}


def test_the_franchise_is_the_one_of_the_periods_year():
    # Same pay in October 2025: 63866.88 − 18475.00 = 45391.88; × 0.5 = 22695.94.
    rows = paid(employee(101, hours="19.00", salary="4928.00"), "2464.00", "197.12")
    base = base_of(rows, period=get_period("monthly", 2025, 10))
    assert (base["franchise"], base["base"]) == ("18475.00", "22695.94")


def test_a_year_without_figures_stops_with_an_error_naming_it():
    with pytest.raises(HandoffConfigError, match=r"no franchise or maximum for 2027"):
        base_of(employee(101), period=get_period("monthly", 2027, 1))


def test_dga_participates_like_anyone_in_the_standard_scheme():
    # DGA (personnel number 1, SrtIV 17), full-time: 9000.00 + 720.00 = 9720.00 a month;
    # annual 116640.00; factor 1; below the maximum; 116640.00 − 19172.00 = 97468.00.
    rows = paid(employee(101, svw_type=17), "9000.00", "720.00")
    base = base_of(rows, employer(dga=1))
    assert (base["annual_pensionable_salary"], base["full_time_base"], base["base"],
            base["excluded"]) == ("116640.00", "97468.00", "97468.00", None)


def test_dga_outside_a_scheme_that_excludes_dgas_gets_base_zero():
    # asr_pension_base_only: code 1000 only, 8 % holiday on top, no DGAs.
    # annual 9000.00 × 12 × 1.08 = 116640.00; the DGA is excluded: base 0.00.
    rows = paid(employee(101, svw_type=17), "9000.00", "720.00")
    base = base_of(rows, employer(dga=1), scheme="asr_pension_base_only")
    assert (base["period_total"], base["holiday_allowance_rate"],
            base["annual_pensionable_salary"], base["base"], base["excluded"]) == (
        "9000.00", "0.0800", "116640.00", "0.00", "dga")


def test_full_time_salary_above_the_maximum_is_capped():
    # Full-time, 12000.00 + 960.00 = 12960.00 a month; annual 155520.00 > 137800.00;
    # capped 137800.00 − 19172.00 = 118628.00.
    base = base_of(paid(employee(101), "12000.00", "960.00"))
    assert (base["full_time_annual_pensionable_salary"], base["capped_full_time_salary"],
            base["base"]) == ("155520.00", "137800.00", "118628.00")


def test_the_maximum_applies_to_the_full_time_salary_of_a_part_timer():
    # 30.40 of 38 hours: 0.8000. 10400.00 + 832.00 = 11232.00; annual 134784.00 (below the
    # maximum), full-time 134784.00 / 0.8 = 168480.00 -> capped 137800.00;
    # 137800.00 − 19172.00 = 118628.00; × 0.8 = 94902.40.
    base = base_of(paid(employee(101, hours="30.40"), "10400.00", "832.00"))
    assert (base["part_time_factor"], base["capped_full_time_salary"], base["base"]) == (
        "0.8000", "137800.00", "94902.40")


def test_hire_mid_period_is_annualised_from_a_whole_periods_pay():
    # Hired 2026-10-22: in service 22..31 October = 10 of 31 days. Full-time salary 3100.00,
    # paid 3100.00 × 10 / 31 = 1000.00 plus 8 % = 80.00: period_total 1080.00.
    # Whole period 1080.00 × 31 / 10 = 3348.00; annual × 12 = 40176.00;
    # 40176.00 − 19172.00 = 21004.00.
    rows = paid(employee(101, start=dt.date(2026, 10, 22), salary="3100.00"), "1000.00", "80.00")
    base = base_of(rows)
    assert (base["days_in_service"], base["days_in_period"], base["period_total"],
            base["full_period_total"], base["annual_pensionable_salary"], base["base"]) == (
        10, 31, "1080.00", "3348.00", "40176.00", "21004.00")


def test_four_weekly_employee_is_annualised_by_13():
    # 28.50 of 38 hours: 0.7500. 2400.00 + 192.00 = 2592.00 per 4 weeks; × 13 = 33696.00;
    # full-time 33696.00 / 0.75 = 44928.00; − 19172.00 = 25756.00; × 0.75 = 19317.00.
    rows = paid(employee(101, hours="28.50"), "2400.00", "192.00")
    base = base_of(rows, employer(dga=None, frequency="four_weekly"), period=FOUR_WEEK_10)
    assert (base["annualisation_factor"], base["days_in_period"], base["annual_pensionable_salary"],
            base["full_time_annual_pensionable_salary"], base["base"]) == (
        13, 28, "33696.00", "44928.00", "19317.00")


def test_below_the_franchise_the_base_is_zero_never_negative():
    # 0.5 factor, 1000.00 + 80.00 a month: full-time 1080.00 × 12 / 0.5 = 25920.00;
    # 25920.00 − 19172.00 = 6748.00; × 0.5 = 3374.00. At 500.00 + 40.00: 12960.00 full-time,
    # below the franchise: 0.00.
    assert base_of(paid(employee(101, hours="19.00"), "1000.00", "80.00"))["base"] == "3374.00"
    assert base_of(paid(employee(101, hours="19.00"), "500.00", "40.00"))["base"] == "0.00"


def test_income_insurance_scheme_has_no_pension_base():
    emp = employer(product="income_insurance", dga=None)
    assert base_of(employee(101), emp) is None
