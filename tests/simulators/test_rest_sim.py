"""The REST simulator serves the SOAP simulator's seeded world through the published REST shapes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from tests.fixtures_rest import rest_get, rest_login

HOEKSTRA = 2005  # the dirty company
BAKKERIJ = 2001
NS = uuid.uuid5(uuid.NAMESPACE_URL, "nmbrs-simulator")


def uid(kind: str, number) -> str:
    """The documented id mapping, computed here by hand."""
    return str(uuid.uuid5(NS, f"{kind}:{number}"))


@pytest.fixture
def token(nmbrs_rest_sim):
    return rest_login(nmbrs_rest_sim, "koppeling@hoekstratransport.nl")["access_token"]


def all_pages(server, token, path, **params) -> list[dict]:
    """Follow the pagination block to the end; return every data item."""
    items, number = [], 1
    while True:
        body = rest_get(server, token, path, pageNumber=number, **params).json()
        items += body["data"]
        if body["pagination"]["nextPage"] is None:
            return items
        number += 1


def employees_path(company: int, suffix: str = "") -> str:
    return f"/api/companies/{uid('company', company)}/employees{suffix}"


def test_employee_list_matches_the_soap_world_numbers_and_ids(nmbrs_rest_sim, token, sim_world):
    rows = all_pages(nmbrs_rest_sim, token, employees_path(HOEKSTRA), employeeType="payroll")
    soap = sim_world.company(HOEKSTRA).employees(sim_world.config.clock)
    assert sorted((r["employeeId"], r["employeeBasicInfo"]["employeeNumber"]) for r in rows) == \
        sorted((uid("employee", e["Id"]), e["Number"]) for e in soap)


def test_paging_walks_every_employee_once_with_the_spec_block(nmbrs_rest_sim, token):
    first = rest_get(nmbrs_rest_sim, token, employees_path(HOEKSTRA, "/employments"),
                     pageSize=7).json()["pagination"]
    assert (first["totalRecords"], first["totalPages"], first["pageSize"]) == (24, 4, 7)
    assert first["previousPage"] is None and "pageNumber=2" in first["nextPage"]
    items = all_pages(nmbrs_rest_sim, token, employees_path(HOEKSTRA, "/employments"),
                      pageSize=7)
    assert len(items) == 24
    assert {i["employeeId"] for i in items} == {uid("employee", HOEKSTRA * 10_000 + n)
                                                for n in range(1, 25)}


def test_page_size_above_the_spec_maximum_is_refused_naming_it(nmbrs_rest_sim, token):
    answer = rest_get(nmbrs_rest_sim, token, employees_path(HOEKSTRA), pageSize=101)
    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] == "validationError"
    assert [p["name"] for p in body["invalid-params"]] == ["pageSize"]


def test_employee_id_filter_narrows_to_one_employee(nmbrs_rest_sim, token):
    wanted = uid("employee", 20050003)
    data = rest_get(nmbrs_rest_sim, token, employees_path(HOEKSTRA, "/salaries"),
                    employeeId=wanted).json()["data"]
    assert [d["employeeId"] for d in data] == [wanted]


def _by_employee(items, key):
    return {i["employeeId"]: i[key] for i in items}


def _elfproef(bsn: str) -> bool:
    digits = [int(c) for c in bsn]
    weights = range(9, 1, -1)
    total = sum(d * w for d, w in zip(digits[:8], weights, strict=True)) - digits[8]
    return len(digits) == 9 and total % 11 == 0


def test_dirty_cases_of_the_world_come_through(nmbrs_rest_sim, token, sim_world):
    defects = {k: uid("employee", v)
               for k, v in sim_world.company(HOEKSTRA).seeded_defects().items()}
    path = lambda s: employees_path(HOEKSTRA, s)  # noqa: E731
    bsn = _by_employee(all_pages(nmbrs_rest_sim, token, path("/privateInfos")), "privateInfos")
    assert not _elfproef(bsn[defects["invalid_bsn"]][0]["BSN"])
    info = _by_employee(all_pages(nmbrs_rest_sim, token, path("/personalinfo")), "info")
    assert info[defects["missing_birth_date"]][0]["birthInfo"]["birthDate"] is None
    jobs = _by_employee(all_pages(nmbrs_rest_sim, token, path("/employments")), "employments")
    assert any(j["endDate"] and j["endDate"] < j["startDate"]
               for j in jobs[defects["employment_end_before_start"]])
    pay = _by_employee(all_pages(nmbrs_rest_sim, token, path("/salaries")), "salaries")
    assert any(s["value"] < 0 for s in pay[defects["negative_salary"]])
    svw = _by_employee(all_pages(nmbrs_rest_sim, token, path("/svwsettings")),
                       "employeeSVWSettings")
    assert svw[defects["dga_not_flagged"]][-1]["influenceObligedInsurance"] == "false"
    numbers = [r["employeeBasicInfo"]["employeeNumber"]
               for r in all_pages(nmbrs_rest_sim, token, employees_path(HOEKSTRA))]
    assert len(numbers) - len(set(numbers)) == 1


def test_salary_history_equals_the_soap_salary_records(nmbrs_rest_sim, token, sim_world):
    soap = {e["EmployeeId"]: [(r["StartDate"].date().isoformat(), r["Value"])
                              for r in e["EmployeeSalaries"]]
            for e in sim_world.company(HOEKSTRA).salaries()}
    rest = _by_employee(all_pages(nmbrs_rest_sim, token, employees_path(HOEKSTRA, "/salaries"),
                                  pageSize=100), "salaries")
    for employee_id, records in soap.items():
        assert [(s["startDate"][:10], Decimal(str(s["value"])))
                for s in rest[uid("employee", employee_id)]] == records


def test_ended_employments_carry_an_end_contract_reason(nmbrs_rest_sim, token):
    jobs = [j for i in all_pages(nmbrs_rest_sim, token, employees_path(HOEKSTRA, "/employments"))
            for j in i["employments"]]
    ended = [j for j in jobs if j["endDate"]]
    running = [j for j in jobs if not j["endDate"]]
    assert ended and all(j["endContractReason"]["code"] in (1, 2, 3, 4) for j in ended)
    assert all(j["endContractReason"] == {"code": None, "reason": None} for j in running)


def test_wage_codes_of_a_run_arrive_as_a_document_after_pending_polls(
        nmbrs_rest_sim, token, sim_world):
    company = uid("company", HOEKSTRA)
    runs = rest_get(nmbrs_rest_sim, token, f"/api/companies/{company}/runs", year=2026).json()
    october = next(r for r in runs["data"] if r["periodStart"] == 10)
    task = rest_get(nmbrs_rest_sim, token,
                    f"/api/companies/{company}/runs/{october['payrollRunId']}/wagecodes/xml",
                    year=2026, wageCodes=1000).json()["taskId"]
    pending = rest_get(nmbrs_rest_sim, token, f"/api/documents/{task}")
    assert pending.status_code == 202 and pending.json() == "Document is being processed"
    done = rest_get(nmbrs_rest_sim, token, f"/api/documents/{task}")
    assert done.status_code == 200
    assert done.headers["Content-Type"] == "application/octet-stream"
    got = {(r.findtext("employeeId"), Decimal(r.findtext("lines/line/value")))
           for r in ElementTree.fromstring(done.content).iter("report")}
    run_id = next(r["ID"] for r in sim_world.company(HOEKSTRA).runs(2026, sim_world.config.clock)
                  if r["PeriodStart"] == 10)
    want = {(uid("employee", r["employeeid"]), Decimal(r["lines"][0]["value"]))
            for r in sim_world.company(HOEKSTRA).wage_code_reports(run_id, 2026, 1000)}
    assert got == want and uid("run", run_id) == october["payrollRunId"]


def test_umbrella_login_sees_only_tagged_debtors_and_their_tags(nmbrs_rest_sim):
    token = rest_login(nmbrs_rest_sim, "asr-koppeling@salarisbureaunoord.nl")["access_token"]
    debtors = rest_get(nmbrs_rest_sim, token, "/api/debtors").json()["data"]
    assert {d["debtorId"] for d in debtors} == {uid("debtor", d)
                                                for d in (1001, 1003, 1004, 1005)}
    tags = rest_get(nmbrs_rest_sim, token, f"/api/debtors/{uid('debtor', 1001)}/tags").json()
    assert [t["description"] for t in tags["data"]] == ["a.s.r. salariskoppeling"]
    spanning = rest_get(nmbrs_rest_sim, token, "/api/companies")
    assert spanning.status_code == 403 and spanning.json()["code"] == 40306


def test_company_outside_the_login_is_403_and_unknown_company_404(nmbrs_rest_sim, token):
    other = rest_get(nmbrs_rest_sim, token, employees_path(BAKKERIJ))
    assert other.status_code == 403 and other.json()["title"] == "Unauthorized_AccessData"
    unknown = rest_get(nmbrs_rest_sim, token, f"/api/companies/{uuid.uuid4()}/employees")
    assert unknown.status_code == 404 and unknown.json()["code"] == 40404


def test_created_from_keeps_only_records_created_since(nmbrs_rest_sim, token):
    path = employees_path(HOEKSTRA, "/salaries")
    everything = [s for i in all_pages(nmbrs_rest_sim, token, path) for s in i["salaries"]]
    since = "2026-01-01T00:00:00Z"
    recent = [s for i in all_pages(nmbrs_rest_sim, token, path, createdFrom=since)
              for s in i["salaries"]]
    assert recent and len(recent) < len(everything)
    assert sorted(s["salaryId"] for s in recent) == sorted(
        s["salaryId"] for s in everything if s["createdAt"] >= since)
