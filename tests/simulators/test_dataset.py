"""Tests of the Nmbrs simulator's deterministic data set."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from simulators.nmbrs_sim import dutch
from simulators.nmbrs_sim.dataset import World, period_bounds, period_of
from simulators.nmbrs_sim.dataset_plan import DEFECTS
from simulators.nmbrs_sim.world import ALL_OPERATIONS, ASR_TAG, GRANTED_CALLS, WorldConfig

SMALL = (2001, 2002, 2003, 2004, 2005, 2101)
CLOCK = date(2026, 11, 24)


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def _snapshot(world: World, company_id: int) -> list:
    company = world.company(company_id)
    out: list = [company.employees(CLOCK), company.employments(), company.salaries()]
    for run in company.runs(2026, CLOCK):
        out.append(company.wage_code_reports(run["ID"], 2026))
    for employee_id in company.employee_ids():
        e = world.employee(employee_id)
        out += [e.personal_info(CLOCK), e.addresses(CLOCK), e.bank_accounts(11, 2026),
                e.children(), e.partner(), e.contract_current_period(CLOCK),
                e.schedule_current(CLOCK), e.svw_current(CLOCK)]
    return out


@pytest.mark.parametrize("company_id", [2001, 2002, 2005])
def test_two_worlds_are_identical(company_id):
    first, second = World(), World()
    # Touch employees in a different order: generation must not depend on access order.
    second.employee(company_id * 10_000 + 5).personal_info(CLOCK)
    assert _snapshot(first, company_id) == _snapshot(second, company_id)


def test_another_seed_gives_other_people():
    other = World(WorldConfig(seed=1))
    assert _snapshot(other, 2001)[0] != _snapshot(World(), 2001)[0]


def _all_small_employees(world: World):
    for company_id in SMALL:
        for employee_id in world.company(company_id).employee_ids():
            yield world.employee(employee_id)


def test_bsn_checker_accepts_known_vectors_and_rejects_typos():
    for bsn in ("123456782", "249566758", "999999990"):
        assert dutch.bsn_is_valid(bsn)
    rng = random.Random(7)
    for _ in range(200):
        assert dutch.bsn_is_valid(dutch.make_bsn(rng))
        assert not dutch.bsn_is_valid(dutch.make_invalid_bsn(rng))
    assert not dutch.bsn_is_valid("000000000")


def test_bsns_pass_11_proef_except_the_seeded_one(world):
    invalid = world.company(2005).seeded_defects()["invalid_bsn"]
    for employee in _all_small_employees(world):
        bsn = employee.personal_info(CLOCK)["BSN"]
        assert dutch.bsn_is_valid(bsn) is (employee.id != invalid), employee.id


def test_ibans_pass_mod_97_and_bic_matches(world):
    for iban in ("NL91ABNA0417164300", "NL86INGB0002445588", "NL20INGB0001234567"):
        assert dutch.iban_is_valid(iban)
    assert not dutch.iban_is_valid("NL92ABNA0417164300")
    for employee in _all_small_employees(world):
        (account,) = employee.bank_accounts(11, 2026)
        assert dutch.iban_is_valid(account["IBAN"]) and len(account["IBAN"]) == 18
        assert account["BIC"] == dutch.BANKS[account["IBAN"][4:8]]
        assert account["Type"] == "Standaard"


def test_postcodes_valid_except_the_seeded_one(world):
    bad = world.company(2005).seeded_defects()["bad_postcode"]
    for employee in _all_small_employees(world):
        (address,) = employee.addresses(CLOCK)
        if address["CountryISOCode"] != "NL":
            continue
        postcode = address["PostalCode"]
        assert dutch.postcode_is_valid(postcode) is (employee.id != bad), postcode
        if employee.id != bad:
            assert postcode[5:] not in ("SA", "SD", "SS")
            assert 1000 <= int(postcode[:4]) <= 9999


def test_some_employees_live_abroad_and_some_moved(world):
    big = world.company(2006)
    countries = {world.employee(i).addresses(CLOCK)[0]["CountryISOCode"] for i in
                 big.employee_ids()[:300]}
    assert {"NL", "BE", "DE"} <= countries
    moved = [i for i in big.employee_ids()[:100]
             if world.employee(i).addresses(CLOCK) != world.employee(i).addresses(date(2019, 6, 1))]
    assert moved


def test_names_keep_prefixes_apart_and_carry_diacritics(world):
    infos = [e.personal_info(CLOCK) for e in _all_small_employees(world)]
    infos += [world.employee(i).personal_info(CLOCK) for i in world.company(2006).employee_ids()]
    assert {"van", "de", "van der", "van den"} <= {i["Prefix"] for i in infos}
    assert all(i["Prefix"] is None or i["Prefix"] not in i["LastName"] for i in infos)
    assert any(not name.isascii() for name in (i["LastName"] + i["FirstName"] for i in infos))
    for info in infos:
        assert info["Initials"].startswith(info["FirstName"][0] + ".")
        assert info["Gender"] in ("male", "female")


@pytest.mark.parametrize("year", range(2019, 2031))
def test_four_weekly_periods_cover_the_year_without_gaps(year):
    bounds = [period_bounds("four_weekly", year, p) for p in range(1, 14)]
    assert bounds[0][0] == date(year, 1, 1) and bounds[-1][1] == date(year, 12, 31)
    for (_, end), (start, _) in pairwise(bounds):
        assert start == end + timedelta(days=1)
    for start, end in bounds[1:12]:
        assert start.weekday() == 0 and (end - start).days == 27
    for start, end in bounds:
        assert period_of("four_weekly", start) == (year, bounds.index((start, end)) + 1)
        assert period_of("four_weekly", end) == period_of("four_weekly", start)


def test_four_weekly_bounds_2026_and_the_2022_example():
    assert period_bounds("four_weekly", 2026, 1) == (date(2026, 1, 1), date(2026, 1, 25))
    assert period_bounds("four_weekly", 2026, 12) == (date(2026, 11, 2), date(2026, 11, 29))
    assert period_bounds("four_weekly", 2026, 13) == (date(2026, 11, 30), date(2026, 12, 31))
    # pension-handoff.md §5: P1 1-30 Jan, P2 starts 31 Jan, P13 5-31 Dec 2022
    assert period_bounds("four_weekly", 2022, 1) == (date(2022, 1, 1), date(2022, 1, 30))
    assert period_bounds("four_weekly", 2022, 2)[0] == date(2022, 1, 31)
    assert period_bounds("four_weekly", 2022, 13) == (date(2022, 12, 5), date(2022, 12, 31))


def test_monthly_bounds_and_current_periods(world):
    assert period_bounds("monthly", 2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_of("monthly", CLOCK) == (2026, 11)
    assert world.company(2001).current_period(CLOCK) == "2026-11-M"
    assert world.company(2002).current_period(CLOCK) == "2026-12-4W"


def test_runs_only_for_ended_periods_with_a_correction_in_period_3(world):
    company = world.company(2001)
    runs = company.runs(2026, CLOCK)
    regular = [r for r in runs if r["Description"].startswith("Verloning")]
    assert [r["PeriodStart"] for r in regular] == list(range(1, 11))
    (correction,) = [r for r in runs if r["Description"].startswith("Correctierun")]
    assert correction["PeriodStart"] == correction["PeriodEnd"] == 3
    assert len({r["ID"] for r in runs}) == len(runs)
    assert all(r["RunAt"].date() < CLOCK for r in runs)
    reports = company.wage_code_reports(correction["ID"], 2026)
    assert 1 <= len(reports) <= 3
    assert all(abs(line["value"]) < 200 for r in reports for line in r["lines"])
    assert company.runs(2018, CLOCK) == []
    with pytest.raises(KeyError):
        company.wage_code_reports(123, 2026)
    with pytest.raises(KeyError):
        company.wage_code_reports(correction["ID"], 2025)


def test_pay_and_hours_of_a_partial_period_are_pro_rated_by_calendar_days(world):
    # Employee 20010010 leaves on 2026-10-04: in service 4 of October's 31 days.
    company = world.company(2001)
    run = next(r for r in company.runs(2026, CLOCK) if r["PeriodStart"] == 10)
    reports = {r["employeeid"]: {line["code"]: line["value"] for line in r["lines"]}
               for r in company.wage_code_reports(run["ID"], 2026)}
    leaver = world.employee(20010010)
    assert leaver.timeline.employments[-1].end == date(2026, 10, 4)
    salary = leaver.timeline.salaries[-1].value  # full-time salary per month
    factor = leaver.timeline.parttime[-1].value
    cent = Decimal("0.01")
    assert reports[20010010][1000] == (salary * factor * 4 / 31).quantize(cent)
    assert reports[20010010][1100] == (Decimal(38) * factor * 4 / 7).quantize(cent)
    # A whole month in service: the whole salary, and 31 days / 7 weeks of hours.
    stayer = world.employee(20010004)
    whole = stayer.timeline.salaries[-1].value * stayer.timeline.parttime[-1].value
    assert reports[20010004][1000] == whole.quantize(cent)
    assert reports[20010004][1100] == (
        Decimal(38) * stayer.timeline.parttime[-1].value * 31 / 7).quantize(cent)


def test_wage_codes_are_consistent_and_cover_leavers_last_period(world):
    company = world.company(2001)
    run = next(r for r in company.runs(2026, CLOCK) if r["PeriodStart"] == 9)
    reports = company.wage_code_reports(run["ID"], 2026)
    first, last = period_bounds("monthly", 2026, 9)
    paid = {r["employeeid"] for r in reports}
    for employee in company.all_employees():
        employed = employee.timeline.employment_in(first, last) is not None
        assert (employee.id in paid) is employed
    for report in reports:
        lines = {line["code"]: line["value"] for line in report["lines"]}
        assert lines[2000] == (lines[1000] * Decimal("0.08")).quantize(Decimal("0.01"))
        assert lines[4010] == lines[1000] - lines[3000]
        assert 0 <= lines[4000] <= lines[4010]
    filtered = company.wage_code_reports(run["ID"], 2026, wage_code=3000)
    assert {line["code"] for r in filtered for line in r["lines"]} == {3000}


def _window_events(world: World, company_id: int, year: int, period: int) -> set[str]:
    company = world.company(company_id)
    first, last = period_bounds(company.frequency, year, period)
    events = set()
    for employee in company.all_employees():
        timeline = employee.timeline
        if any(first <= job.start <= last for job in timeline.employments):
            events.add("hire")
        if any(job.end and first <= job.end <= last for job in timeline.employments):
            events.add("exit")
        if any(c.start == first for c in timeline.salaries):
            events.add("salary")
        if any(c.start == first for c in timeline.parttime[1:]):
            events.add("parttime")
    return events


@pytest.mark.parametrize("company_id, periods", [
    (2001, (8, 9, 10)), (2002, (9, 10, 11)), (2004, (9, 10, 11)), (2101, (8, 9, 10)),
])
def test_each_window_period_has_hire_exit_salary_and_parttime_change(world, company_id, periods):
    for period in periods:
        assert _window_events(world, company_id, 2026, period) == {
            "hire", "exit", "salary", "parttime"}, period


def test_leavers_of_earlier_periods_are_not_listed(world):
    company = world.company(2001)
    listed = {e["Id"] for e in company.employees(CLOCK)}
    start = period_bounds("monthly", 2026, 11)[0]
    for employee in company.all_employees():
        assert (employee.id in listed) is employee.timeline.active_from(start)
    assert len(listed) < len(company.employee_ids())


def test_rehire_has_two_employments_with_the_first_start_as_initial(world):
    for company_id in (2001, 2002, 2003):
        rows = world.company(company_id).employments()
        (rehire,) = [r for r in rows if len(r["EmployeeEmployments"]) == 2]
        first, second = rehire["EmployeeEmployments"]
        assert first["EndDate"] < second["StartDate"]
        assert second["InitialStartDate"] == first["StartDate"]


def test_dga_carries_the_indication_and_others_are_insured(world):
    for company_id in (2001, 2004):
        company = world.company(company_id)
        for employee in company.all_employees():
            svw = employee.svw_current(CLOCK)
            dga = employee.number == company.dga_employee_number
            assert svw["InfluenceObligedInsurance"] is dga
            assert svw["Wao_Wia"] is svw["Ww"] is svw["Zw"] is (not dga)


def test_seeded_defects_each_sit_in_a_distinct_employee(world):
    company = world.company(2005)
    defects = company.seeded_defects()
    assert set(defects) == set(DEFECTS) and len(set(defects.values())) == len(DEFECTS)
    employee = world.employee
    assert not dutch.bsn_is_valid(employee(defects["invalid_bsn"]).personal_info(CLOCK)["BSN"])
    assert employee(defects["missing_birth_date"]).personal_info(CLOCK)["Birthday"] is None
    salaries = {r["EmployeeId"]: r["EmployeeSalaries"] for r in company.salaries()}
    negative = salaries[defects["negative_salary"]][-1]
    assert negative["Value"] < 0 and negative["StartDate"].date() <= date(2026, 10, 1)
    jobs = {r["EmployeeId"]: r["EmployeeEmployments"] for r in company.employments()}
    assert any(j["EndDate"] and j["EndDate"] < j["StartDate"]
               for j in jobs[defects["employment_end_before_start"]])
    numbers = [e["Number"] for e in company.employees(CLOCK)]
    duplicate = employee(defects["duplicate_personnel_id"]).number
    assert numbers.count(duplicate) == 2
    dga = employee(defects["dga_not_flagged"])
    assert dga.number == company.dga_employee_number
    assert dga.svw_current(CLOCK)["InfluenceObligedInsurance"] is False
    postcode = employee(defects["bad_postcode"]).addresses(CLOCK)[0]["PostalCode"]
    assert not dutch.postcode_is_valid(postcode)


def test_clean_companies_have_no_defects(world):
    for company_id in (2001, 2002, 2003, 2004, 2101):
        assert world.company(company_id).seeded_defects() == {}


def test_schedule_and_contract_agree_on_hours(world):
    for employee in world.company(2002).all_employees():
        schedule = employee.schedule_current(CLOCK)
        week = sum(v for k, v in schedule.items() if k.startswith("Hours") and not k.endswith("2"))
        contracts = employee.contract_current_period(CLOCK)["EmployeeContracts"]
        for contract in contracts:
            assert contract["HoursPerWeek"] == week
            assert schedule["ParttimePercentage"] == (
                week / Decimal(38) * 100).quantize(Decimal("0.01"))


def test_salaries_are_realistic(world):
    negative = world.company(2005).seeded_defects()["negative_salary"]
    for company_id in (2001, 2003, 2005):
        for row in world.company(company_id).salaries():
            for salary in row["EmployeeSalaries"]:
                if row["EmployeeId"] != negative:
                    assert Decimal(2000) <= salary["Value"] <= Decimal(9000)
                assert salary["Type"] == 1


def test_element_order_follows_the_reference(world):
    employee = world.employee(20010002)
    assert list(employee.personal_info(CLOCK))[:6] == [
        "Id", "Number", "DisplayName", "EmployeeNumber", "BSN", "Title"]
    assert list(employee.personal_info(CLOCK))[-1] == "CreationDate"
    assert list(world.companies()[0]) == ["ID", "Number", "Name", "PhoneNumber", "FaxNumber",
                                          "Email", "Website", "LoonaangifteTijdvak", "KvkNr"]
    assert list(world.company(2001).runs(2026, CLOCK)[0]) == [
        "ID", "Number", "Year", "PeriodStart", "PeriodEnd", "Description", "RunAt", "IsLocked"]


def test_debtors_tags_and_accounts(world):
    assert world.environments() == ["salarisnoord", "payrollzuid"]
    assert [d["Id"] for d in world.debtors("salarisnoord")] == [1001, 1002, 1003, 1004, 1005]
    assert ASR_TAG not in {t["Tag"] for t in world.debtor_tags(1002)}
    assert ASR_TAG in {t["Tag"] for t in world.debtor_tags(1003)}
    assert world.debtor_of_company(2004) == 1003 and world.domain_of_debtor(1101) == "payrollzuid"
    assert [c["ID"] for c in world.companies(debtor_id=1001)] == [2001, 2002]
    assert len(GRANTED_CALLS) == 16 and set(GRANTED_CALLS) <= set(ALL_OPERATIONS)
    restricted = world.config.account("beperkt@bakkerijvandenberg.nl")
    assert not restricted.may_call("SVW_GetCurrent") and restricted.may_call("Partner_Get")


def test_five_thousand_employee_company_builds_lazily():
    world = World()
    assert world.company_of_employee(20075000) == 2007
    assert world.company_of_employee(20075001) is None
    assert 2007 not in world._built  # the id scheme answers without generating anything
    company = world.company(2007)
    assert len(company.employments()) == 5000
    assert 3000 < len(company.employees(CLOCK)) < 5000
    with pytest.raises(KeyError):
        world.employee(99990001)
