"""Stands from published rows: grain, reference date, hours sources, salary, family, fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payroll_link.handoff.errors import HandoffDataError
from payroll_link.handoff.fields import project
from payroll_link.handoff.stand import build_stands
from payroll_link.periods import get_period
from tests.payroll_link.handoff.synthetic import MONTH, employee, employer, inputs, settings


def one(rows, emp=None, period=MONTH, **options):
    stands = build_stands(rows, emp or employer(), period, settings(emp, **options))
    assert len(stands) == 1
    return stands[0]


def test_one_stand_per_employment_overlapping_the_period_ordered_by_key():
    early = employee(103, start=dt.date(2020, 1, 1), end=dt.date(2026, 9, 30))  # left before
    later = employee(104, start=dt.date(2026, 11, 1))  # hired after the period
    rows = inputs(employee(102), employee(101), early, later)
    stands = build_stands(rows, employer(), MONTH, settings())
    assert [(s["employee_id"], s["employment_id"]) for s in stands] == [(101, 1011), (102, 1021)]


def test_end_date_after_the_period_is_not_shown_yet():
    stand = one(inputs(employee(101, end=dt.date(2026, 11, 15))))
    assert stand["employment"]["end_date"] is None


def test_end_date_inside_the_period_is_the_reference_date():
    rows = employee(101, end=dt.date(2026, 10, 12))
    rows["salary"].append({**rows["salary"][0], "salary_id": 99, "value": Decimal("3500.00"),
                           "start_date": dt.date(2026, 10, 20)})  # after the exit: not valid
    stand = one(inputs(rows))
    assert stand["employment"]["end_date"] == "2026-10-12"
    assert stand["salary"]["amount"] == "3000.00"


def test_part_time_factor_is_contract_hours_over_the_configured_full_time_week():
    stand = one(inputs(employee(101, hours="28.50")))
    assert stand["contract"]["part_time_factor"] == "0.7500"
    assert stand["contract"]["full_time_hours_per_week"] == "38.00"
    assert stand["contract"]["hours_source"] == "contract"


def test_full_time_week_defaults_to_40_hours():
    from payroll_link.handoff.config import load_config

    stand = build_stands(inputs(employee(101, hours="30.00")), employer("unknown_bv"), MONTH,
                         load_config().settings_for(employer("unknown_bv")))[0]
    assert stand["contract"]["part_time_factor"] == "0.7500"
    assert stand["contract"]["full_time_hours_per_week"] == "40.00"


def test_a_contract_starting_after_the_period_falls_back_to_the_schedule():
    rows = employee(101, hours="19.00", contract_start=dt.date(2026, 11, 1))
    rows["schedule"] = [{"employee_id": 101, "start_date": dt.date(2025, 1, 1),
                         **{f"hours_{d}": Decimal("7.60") for d in
                            ("monday", "tuesday", "wednesday", "thursday")},
                         "hours_friday": Decimal("3.80"), "hours_saturday": Decimal(0),
                         "hours_sunday": Decimal(0)}]
    stand = one(inputs(rows))
    assert stand["contract"]["hours_source"] == "schedule"
    assert stand["contract"]["hours_per_week"] == "34.20"
    assert stand["contract"]["contract_id"] is None


def test_without_contract_or_schedule_the_paid_hours_give_the_factor():
    rows = employee(101, contract_start=dt.date(2026, 11, 1))
    rows["wage_code_line"].append({**rows["wage_code_line"][0], "code": 1100,
                                   "value": Decimal("168.29")})  # 38 h × 31 days / 7
    stand = one(inputs(rows))
    assert stand["contract"]["hours_source"] == "wage_code"
    assert stand["contract"]["hours_per_week"] == "38.00"  # 168.29 × 7 / 31 = 38.0010
    assert stand["contract"]["part_time_factor"] == "1.0000"


@pytest.mark.parametrize(("number", "days", "paid", "per_week"), [
    (1, 25, "100.00", "28.00"),    # 2026 P1: 1-25 Jan; 100 h / (25 / 7 weeks) = 28.00
    (5, 28, "100.00", "25.00"),    # a regular 28-day period: 100 / 4 = 25.00
    (13, 32, "100.00", "21.88"),   # 2026 P13: 30 Nov-31 Dec; 100 / (32 / 7) = 21.875
])
def test_paid_hours_per_week_use_the_days_of_four_weekly_periods(number, days, paid, per_week):
    period = get_period("four_weekly", 2026, number)
    assert (period.end - period.start).days + 1 == days
    rows = employee(101, contract_start=dt.date(2027, 1, 1))
    rows["wage_code_line"].append({**rows["wage_code_line"][0], "code": 1100,
                                   "value": Decimal(paid)})
    stand = one(inputs(rows), employer(frequency="four_weekly"), period=period)
    assert stand["contract"]["hours_per_week"] == per_week
    assert stand["employment"]["days_in_period"] == days


def test_hours_of_a_partial_period_are_per_week_in_service():
    # Hired 2026-10-22: 10 of October's 31 days; paid 38 × 10 / 7 = 54.29 h.
    rows = employee(101, start=dt.date(2026, 10, 22), contract_start=dt.date(2026, 11, 1))
    rows["wage_code_line"].append({**rows["wage_code_line"][0], "code": 1100,
                                   "value": Decimal("54.29")})
    stand = one(inputs(rows))
    assert (stand["employment"]["days_in_service"], stand["employment"]["days_in_period"]) == (
        10, 31)
    assert stand["contract"]["hours_per_week"] == "38.00"  # 54.29 × 7 / 10 = 38.003


def test_salary_valid_in_the_period_is_annualised_by_12_monthly_and_13_four_weekly():
    rows = employee(101, salary="3000.00", hours="19.00")
    stand = one(inputs(rows))
    assert stand["salary"] == {
        "salary_type": "gross_fulltime", "amount": "3000.00", "valid_from": "2026-01-01",
        "full_time_period_amount": "3000.00", "period_amount": "1500.00",
        "full_time_annual_amount": "36000.00", "annual_amount": "18000.00",
        "annualisation_factor": 12}
    four = get_period("four_weekly", 2026, 10)
    stand = one(inputs(employee(101, salary="3000.00")), employer(frequency="four_weekly"),
                period=four)
    assert stand["salary"]["annual_amount"] == "39000.00"
    assert stand["salary"]["annualisation_factor"] == 13


def test_hourly_wage_is_turned_into_period_amounts_with_the_contract_hours():
    rows = employee(101, hours="19.00")
    rows["salary"][0].update(salary_type=3, value=Decimal("18.4567"))
    salary = one(inputs(rows))["salary"]
    assert salary["salary_type"] == "gross_hourly" and salary["amount"] == "18.4567"
    assert salary["period_amount"] == "1519.60"  # 18.4567 × 19 × 52/12 = 1519.6017
    # The annual amount follows from the delivered period amount: 1519.60 × 12 = 18235.20
    # (from the unrounded amount it would be 18235.22).
    assert salary["annual_amount"] == "18235.20"
    assert salary["full_time_period_amount"] == "3039.20"  # 18.4567 × 38 × 52/12 = 3039.2033
    assert salary["full_time_annual_amount"] == "36470.40"  # 3039.20 × 12


def test_pensionable_components_are_the_employees_own_wage_codes_only():
    # The company has fixed component 5010 (45.00, see synthetic.inputs): never counted.
    stand = one(inputs(employee(101, salary="3000.00")))
    assert stand["pensionable"]["scheme"] == "asr_pension_standard"
    assert [(c["name"], c["source"], c["code"], c["amount"])
            for c in stand["pensionable"]["components"]] == [
        ("base_salary", "wage_code", 1000, "3000.00"),
        ("holiday_allowance", "wage_code", 2000, "240.00")]  # 3000 × 0.08
    assert stand["pensionable"]["period_total"] == "3240.00"
    assert stand["pensionable"]["annual_total"] == "38880.00"  # 3240.00 × 12
    other = one(inputs(employee(101)), scheme="asr_pension_base_only")
    assert [c["name"] for c in other["pensionable"]["components"]] == ["base_salary"]


def test_a_code_summed_over_runs_is_rounded_per_component_before_the_total():
    rows = employee(101, salary="1000.00")
    rows["wage_code_line"] = [  # two runs: 1000.004 + 0.003 -> 1000.01 (rounded once)
        {**rows["wage_code_line"][0], "run_id": 1, "value": Decimal("1000.004")},
        {**rows["wage_code_line"][0], "run_id": 2, "value": Decimal("0.003")},
        {**rows["wage_code_line"][1], "value": Decimal("80.005")}]  # -> 80.01
    pensionable = one(inputs(rows))["pensionable"]
    assert [c["amount"] for c in pensionable["components"]] == ["1000.01", "80.01"]
    assert pensionable["period_total"] == "1080.02"
    assert pensionable["annual_total"] == "12960.24"  # 1080.02 × 12


def test_dga_is_the_registry_number_or_srtiv_17():
    by_registry = one(inputs(employee(101)), employer(dga=1))  # personnel number 1
    by_svw = one(inputs(employee(105, svw_type=17)), employer(dga=None))
    neither = one(inputs(employee(106)), employer(dga=1))
    assert (by_registry["dga"], by_svw["dga"], neither["dga"]) == (True, True, False)


def test_partner_and_children_only_once_registered_or_born_by_the_reference_date():
    rows = employee(101, partner=True, children=(dt.date(2015, 3, 1), dt.date(2026, 11, 2)))
    rows["partner"][0]["start_date"] = dt.date(2026, 11, 5)
    stand = one(inputs(rows))
    assert stand["partner"] is None
    assert [c["birth_date"] for c in stand["children"]] == ["2015-03-01"]


def test_quality_warnings_of_the_employee_travel_along():
    stand = one(inputs(employee(101), warnings={101: ("DQ13", "DQ14")}))
    assert stand["quality_warnings"] == ["DQ13", "DQ14"]


def test_missing_personal_data_fails_the_period_naming_ids_only():
    rows = employee(101)
    rows["personal_info"] = []
    with pytest.raises(HandoffDataError, match=r"employees \[101\]") as caught:
        build_stands(inputs(rows), employer(), MONTH, settings())
    assert "Voornaam" not in str(caught.value)


def test_income_insurance_field_set_drops_bsn_address_family_and_pension_bases():
    emp = employer(product="income_insurance")
    stand = one(inputs(employee(101, partner=True)), emp)
    shown = project(stand, settings(emp).field_set)
    assert "bsn" not in shown["identity"] and "address" not in shown
    assert not {"partner", "children", "pensionable"} & set(shown)
    assert shown["identity"]["birth_date"] and shown["salary"]["annual_amount"]
    pensioenwet = settings(emp, field_set="income_insurance_pensioenwet").field_set
    assert "bsn" in project(stand, pensioenwet)["identity"]


@pytest.mark.parametrize(("postcode", "country", "sent"), [
    ("7823 nw", "NL", ("7823NW", "NL")),     # DQ4: no space, upper case
    (" 7823NW ", "nl", ("7823NW", "NL")),
    ("7823 NW", None, ("7823NW", "NL")),     # no country: Nmbrs' default, the Netherlands
    ("10115", "de", ("10115", "DE")),        # foreign postcodes go as given
    ("B-1000", "BEL", ("B-1000", None)),     # not an ISO 3166 alpha-2 code: not sent
])
def test_postcode_and_country_go_out_in_the_administrators_form(postcode, country, sent):
    rows = employee(101)
    rows["address"][0].update(postal_code=postcode, country_iso_code=country)
    address = one(inputs(rows))["address"]
    assert (address["postal_code"], address["country"]) == sent
