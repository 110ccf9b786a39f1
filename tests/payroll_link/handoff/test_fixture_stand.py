"""A whole stand and its mutations written out by hand, from first principles.

The golden files (test_golden.py) pin that a simulator period yields the same bytes run after
run; they are regenerated from the code, so they cannot say the code is right. This fixture
can: every value below is typed in and, where it is derived, worked out in a comment from the
input rows and the rules of docs/pension-numbers.md. A change to the stand that alters a number
fails here until someone shows by hand that the new number is right.

The case: a pension employer paying monthly, October 2026 (31 days), the employer's first
delivered period. Employee 102 is hired on 2026-10-22 at 19 of 38 hours on a full-time salary
of 3100.00 a month; the payroll pays 10 calendar days of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from payroll_link.handoff.build import compose
from payroll_link.handoff.schema import validate
from tests.payroll_link.handoff.synthetic import MONTH, bsn, employee, employer, inputs, settings

HIRED = dt.date(2026, 10, 22)


def rows() -> dict:
    one = employee(102, start=HIRED, hours="19.00", salary="3100.00", address="Dorpsstraat")
    one["address"][0].update(postal_code="7823 nw", country_iso_code="nl", city="Emmen")
    line = one["wage_code_line"][0]
    one["wage_code_line"] = [
        {**line, "code": 1000, "value": Decimal("500.00")},  # 3100.00 × 0.5 × 10 / 31
        {**line, "code": 1100, "value": Decimal("27.14")},   # 19 h × 10 / 7 = 27.142857
        {**line, "code": 2000, "value": Decimal("40.00")},   # 8 % of 500.00
        {**line, "code": 3000, "value": Decimal("12.34")},   # employee premium: not pensionable
    ]
    return one


EXPECTED_STAND = {
    "employee_id": 102,
    "employment_id": 1021,  # synthetic ids: employee × 10 + 1
    "identity": {"personnel_number": 2, "bsn": bsn(102), "initials": "V.",
                 "first_name": "Voornaam102", "prefix": "van", "last_name": "Achternaam102",
                 "birth_date": "1980-05-19", "gender": "female"},  # day 102 % 28 + 1 = 19
    "address": {"street": "Dorpsstraat", "house_number": "102", "house_number_addition": None,
                "postal_code": "7823NW", "city": "Emmen", "country": "NL"},
    "employment": {"start_date": "2026-10-22", "end_date": None, "end_reason": None,
                   "initial_start_date": "2026-10-22", "income_relationship_number": 1,
                   "days_in_service": 10,  # 22..31 October
                   "days_in_period": 31},
    "contract": {"contract_id": 10201, "type": "indefinite", "nature_code": 1,
                 "start_date": "2026-10-22", "end_date": None, "hours_per_week": "19.00",
                 "full_time_hours_per_week": "38.00",
                 "part_time_factor": "0.5000",  # 19 / 38
                 "hours_source": "contract"},
    "salary": {"salary_type": "gross_fulltime", "amount": "3100.00",
               "valid_from": "2026-10-22",  # the salary runs from 2026-01-01, the job later
               "full_time_period_amount": "3100.00",
               "period_amount": "1550.00",  # 3100.00 × 0.5: the contract salary, not pro-rated
               "full_time_annual_amount": "37200.00",  # 3100.00 × 12
               "annual_amount": "18600.00",  # 1550.00 × 12
               "annualisation_factor": 12},
    "pensionable": {"scheme": "asr_pension_standard", "components": [
        {"name": "base_salary", "source": "wage_code", "code": 1000, "amount": "500.00"},
        {"name": "holiday_allowance", "source": "wage_code", "code": 2000, "amount": "40.00"}],
        "period_total": "540.00",  # 500.00 + 40.00; code 3000 is no component
        "annual_total": "6480.00"},  # 540.00 × 12
    "pension_base": {
        "rule": "full_time_capped_minus_franchise_times_part_time", "year": 2026,
        "figures_table": "fiscal", "figures_version": "2026.1",
        "franchise": "19172.00", "maximum": "137800.00",  # 2026 fiscal figures
        "annualisation_factor": 12, "holiday_allowance_rate": "0.0000",
        "period_total": "540.00", "days_in_service": 10, "days_in_period": 31,
        "full_period_total": "1674.00",  # 540.00 × 31 / 10
        "annual_pensionable_salary": "20088.00",  # 1674.00 × 12
        "part_time_factor": "0.5000",
        "full_time_annual_pensionable_salary": "40176.00",  # 20088.00 / 0.5
        "capped_full_time_salary": "40176.00",  # below 137800.00
        "full_time_base": "21004.00",  # 40176.00 − 19172.00
        "base": "10502.00",  # 21004.00 × 0.5
        "excluded": None},
    "svw": {"income_relationship_type": 15, "insured_wao_wia": True, "insured_ww": True,
            "insured_zw": True, "zvw_code": 1, "cao_code": 210, "sector": 11, "risk_group": 1,
            "phase_classification": 0, "influence_obliged_insurance": False},
    "dga": False,
    "partner": None,
    "children": [],
    "quality_warnings": ["contract.type_and_nature_present"],
}
EXPECTED_MUTATIONS = [  # first delivered period: the exchange starts; the hire is in it too
    {"mutation_id": "2026-10.102.1021.exchange_start", "kind": "exchange_start",
     "employee_id": 102, "employment_id": 1021, "personnel_number": 2,
     "effective_date": "2026-10-01", "is_retroactive": False, "old": None,
     "new": {"start_date": "2026-10-22"}},
    {"mutation_id": "2026-10.102.1021.hire", "kind": "hire", "employee_id": 102,
     "employment_id": 1021, "personnel_number": 2, "effective_date": "2026-10-22",
     "is_retroactive": False, "old": None, "new": {"start_date": "2026-10-22"}},
]


def test_stand_and_mutations_equal_the_hand_computed_fixture():
    emp = employer(dga=None)
    period_inputs = inputs(rows(), warnings={102: ("contract.type_and_nature_present",)})
    message, unexplained = compose(period_inputs, emp, MONTH,
                                   "00000000-0000-0000-0000-000000000000", settings(emp), None)
    validate(message)
    assert message["stands"] == [EXPECTED_STAND]
    assert message["mutations"] == EXPECTED_MUTATIONS
    assert message["summary"] == {"stands": 1, "mutations": {"exchange_start": 1, "hire": 1}}
    assert unexplained == 0 and message["message"]["history"] is False
