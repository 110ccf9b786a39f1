"""Every Nmbrs call through the real zeep client against the simulator, over HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from nmbrs.client.wagecodes import BACKGROUND, SYNCHRONOUS, fetch_wage_codes

pytestmark = pytest.mark.simulator

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"
COMPANY = 2001


@pytest.fixture
def client(make_client):
    return make_client(BAKKERIJ)


@pytest.fixture
def employee_id(client):
    return client.employee.list_get_by_company(COMPANY)[0]["Id"]


def test_current_period_is_the_nmbrs_period_string(client):
    assert client.company.company_get_current_period(COMPANY) == "2026-11-M"


def test_run_get_list_returns_typed_runs_including_a_correction_run(client):
    runs = client.company.run_get_list(COMPANY, 2026)
    assert {r["PeriodStart"] for r in runs} == set(range(1, 11))
    assert all(isinstance(r["RunAt"], datetime) and isinstance(r["ID"], int) for r in runs)
    assert len(runs) == 11  # ten regular runs plus the period-3 correction run


def test_company_lists_follow_the_users_scope(client):
    assert [c["ID"] for c in client.company.list_get_all()] == [2001, 2002]
    assert [c["ID"] for c in client.company.list_get_by_debtor(1001)] == [2001, 2002]
    assert client.company.list_get_all()[0]["LoonaangifteTijdvak"] == "Month"


def test_company_wage_components_are_decimals(client):
    fixed = client.company.wage_component_fixed_get(COMPANY, 10, 2026)
    var = client.company.wage_component_var_get(COMPANY, 10, 2026)
    assert isinstance(fixed, list) and isinstance(var, list)
    assert all(isinstance(row["Value"], Decimal) for row in fixed + var)


def test_wage_codes_by_background_report_and_synchronous_call_agree(client):
    run = next(r for r in client.company.run_get_list(COMPANY, 2026) if r["PeriodStart"] == 10)
    background = fetch_wage_codes(client, COMPANY, run["ID"], 2026)
    sync = fetch_wage_codes(client, COMPANY, run["ID"], 2026, prefer=SYNCHRONOUS)
    assert background.path == BACKGROUND and sync.path == SYNCHRONOUS
    assert background.rows == sync.rows and background.rows
    assert {row["period"] for row in background.rows} == {10}
    filtered = fetch_wage_codes(client, COMPANY, run["ID"], 2026, wage_code=1000)
    assert filtered.rows and {row["code"] for row in filtered.rows} == {1000}


def test_employee_list_and_company_wide_histories(client):
    employees = client.employee.list_get_by_company(COMPANY)
    assert employees and {"Id", "Number", "DisplayName"} <= employees[0].keys()
    employments = client.employee.employment_get_all_all_employees_by_company(COMPANY)
    salaries = client.employee.salary_get_all_all_employees_by_company(COMPANY)
    assert all(isinstance(item["EmployeeEmployments"], list) for item in employments)
    assert any(len(item["EmployeeEmployments"]) == 2 for item in employments)  # the re-hire
    assert all(isinstance(s["Value"], Decimal) for item in salaries
               for s in item["EmployeeSalaries"])
    assert client.employee.employee_type_get_list()[0]["Id"] == 1


def test_per_employee_calls_return_rows(client, employee_id):
    emp = client.employee
    info = emp.personal_info_get_current(employee_id)
    assert info["Id"] == employee_id and len(info["BSN"]) == 9
    assert emp.address_get_list_current(employee_id)[0]["PostalCode"]
    assert emp.bank_account_get_list(employee_id, 10, 2026)[0]["IBAN"].startswith("NL")
    assert isinstance(emp.children_get(employee_id)["EmployeeChildren"], list)
    partner = emp.partner_get(employee_id)
    assert partner is None or "PartnerName" in partner
    contracts = emp.contract_get_current_period(employee_id)["EmployeeContracts"]
    assert isinstance(contracts[0]["HoursPerWeek"], Decimal)
    assert isinstance(emp.schedule_get_current(employee_id)["ParttimePercentage"], Decimal)
    assert isinstance(emp.svw_get_current(employee_id)["Zw"], bool)
    assert emp.wage_component_fixed_get(employee_id, 10, 2026)[0]["Code"] == 5100
    assert isinstance(emp.wage_component_var_get(employee_id, 10, 2026), list)


def test_nil_dates_arrive_as_none(client):
    employments = client.employee.employment_get_all_all_employees_by_company(COMPANY)
    ends = [e["EndDate"] for item in employments for e in item["EmployeeEmployments"]]
    assert None in ends and any(isinstance(end, datetime) for end in ends)


def test_empty_results_are_empty_lists(client):
    assert client.employee.list_get_by_company(COMPANY, employee_type=2) == []


def test_debtor_service_calls(client):
    assert [d["Id"] for d in client.debtor.list_get_all()] == [1001]
    assert [t["Tag"] for t in client.debtor.tags_get(1001)] == ["a.s.r. salariskoppeling"]
    assert client.debtor.environment_get()["SubDomain"] == "salarisnoord"


def test_umbrella_user_sees_only_tagged_debtors(make_client):
    umbrella = make_client("asr-koppeling@salarisbureaunoord.nl")
    debtors = {d["Id"] for d in umbrella.debtor.list_get_all()}
    assert 1001 in debtors and 1002 not in debtors
    assert 2003 not in {c["ID"] for c in umbrella.company.list_get_all()}
