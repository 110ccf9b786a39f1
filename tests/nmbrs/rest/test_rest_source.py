"""The REST source against the REST simulator, checked against the SOAP source (peer client)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from payroll_link.extraction.sources.rest import NmbrsRestSource
from payroll_link.extraction.sources.rest_map import RestIds
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.periods import get_period
from tests.nmbrs.rest.conftest import LOGIN
from tests.nmbrs.rest.sources_support import company_uuid, rest_client

pytestmark = pytest.mark.simulator
COMPANY = 2001
PERIOD = get_period("monthly", 2026, 10)


class Counting:
    """Wraps the REST client and counts the calls the source makes (test side only)."""

    def __init__(self, client):
        self.client, self.calls = client, 0
        self.settings = client.settings

    def get(self, *args, **kwargs):
        self.calls += 1
        return self.client.get(*args, **kwargs)

    def document(self, *args, **kwargs):
        self.calls += 1
        return self.client.document(*args, **kwargs)

    def wire_pages(self, *args, **kwargs):
        for page in self.client.wire_pages(*args, **kwargs):
            self.calls += 1
            yield page

    def pages(self, *args, **kwargs):
        for data, _ in self.wire_pages(*args, **kwargs):
            yield data

    def records(self, *args, **kwargs):
        for data in self.pages(*args, **kwargs):
            yield from data


@pytest.fixture
def soap(make_client):
    return NmbrsSoapSource(make_client(LOGIN))


def known_numbers(soap) -> dict[int, int]:
    """Personnel number -> SOAP id of everyone in the employment history (as a switch finds)."""
    ids = {row["employee_id"] for row in soap.employments(COMPANY).rows}
    known = {}
    for eid in ids:
        info = next(f for f in soap.employee_records(eid, COMPANY, PERIOD)
                    if f.entity == "personal_info")
        known.update({row["number"]: row["employee_id"] for row in info.rows})
    return known


@pytest.fixture
def known(soap):
    return known_numbers(soap)


@pytest.fixture
def rest(rest_sim, oauth, known):
    client = Counting(rest_client(rest_sim, oauth, LOGIN))
    return NmbrsRestSource(client, {COMPANY: company_uuid(COMPANY)}, RestIds(known),
                           poll_interval=0.01)


def by_employee(rows, *columns):
    out = defaultdict(list)
    for row in rows:
        out[row["employee_id"]].append(tuple(row[c] for c in columns))
    return {k: sorted(v, key=repr) for k, v in out.items()}


def test_current_period_matches_soap(rest, soap):
    assert rest.current_period(COMPANY) == soap.current_period(COMPANY)


def test_employee_list_keeps_the_soap_ids_and_numbers(rest, soap):
    mine, peer = rest.employees(COMPANY), soap.employees(COMPANY)
    assert by_employee(mine.rows, "number") == by_employee(peer.rows, "number")
    assert mine.source == "rest" and mine.wire.startswith(b"[{")
    assert {d.column for d in mine.drift} == {"display_name"}


def test_employment_and_salary_history_match_soap(rest, soap):
    columns = ("start_date", "end_date", "initial_start_date", "creation_date")
    assert by_employee(rest.employments(COMPANY).rows, *columns) == by_employee(
        soap.employments(COMPANY).rows, *columns)
    assert by_employee(rest.salaries(COMPANY).rows, "value", "start_date") == by_employee(
        soap.salaries(COMPANY).rows, "value", "start_date")


def test_wage_codes_of_the_period_add_up_as_in_soap(rest, soap):
    def totals(source):
        sums = defaultdict(Decimal)
        runs = source.runs(COMPANY, PERIOD)
        for run in runs.rows:
            fetched, _path = source.wage_codes(COMPANY, run, PERIOD)
            for line in fetched.rows:
                sums[(line["employee_id"], line["code"])] += line["value"]
        return dict(sums), len(runs.rows)

    mine, peer = totals(rest), totals(soap)
    assert mine == peer and mine[1] >= 1 and len(mine[0]) > 10


def test_company_wage_components_match_soap(rest, soap):
    def pairs(source):
        return sorted((r["kind"], r["code"], r["value"])
                      for f in source.company_wage_components(COMPANY, PERIOD) for r in f.rows)

    assert pairs(rest) == pairs(soap)


PER_EMPLOYEE = {
    "personal_info": ("bsn", "first_name", "initials", "prefix", "last_name", "gender",
                      "birth_date", "partner_prefix", "partner_last_name", "naamstelling"),
    "address": ("street", "house_number", "house_number_addition", "postal_code", "city",
                "country_iso_code", "address_type", "is_default"),
    "bank_account": ("iban", "account_type"),
    "child": ("name", "first_name", "initials", "gender", "birth_date"),
    "contract": ("start_date", "end_date", "trial_period_end", "indefinite", "written_contract",
                 "hours_per_week"),
    "schedule": ("hours_monday", "hours_friday", "hours_sunday_w2", "parttime_percentage",
                 "start_date"),
    "svw": ("zw", "ww", "wao_wia", "code_cao", "code_zvw", "employment_type",
            "influence_obliged_insurance", "income_related_contribution_zvw"),
}


def test_per_employee_records_match_soap_in_shared_columns(rest, soap):
    ids = sorted(r["employee_id"] for r in soap.employees(COMPANY).rows)
    differences = []
    for eid in ids:
        mine = {f.entity: f for f in rest.employee_records(eid, COMPANY, PERIOD)}
        peer = {f.entity: f for f in soap.employee_records(eid, COMPANY, PERIOD)}
        for entity, columns in PER_EMPLOYEE.items():
            if by_employee(mine[entity].rows, *columns) != by_employee(peer[entity].rows,
                                                                        *columns):
                differences.append((eid, entity))
    assert differences == []


def test_a_company_period_takes_few_calls(rest):
    employees = rest.employees(COMPANY).rows
    rest.employments(COMPANY), rest.salaries(COMPANY)
    for row in employees:
        rest.employee_records(row["employee_id"], COMPANY, PERIOD)
    pages = -(-len(employees) // 100)
    # employee list twice (numbers, payroll list) + 2 histories + BSNs + 7 employee endpoints,
    # each as many pages as there are hundreds of employees (former employees add a few)
    assert rest.client.calls <= 13 * (pages + 1)


def test_missing_scope_fails_at_once_naming_it(rest_sim, rest):
    import requests

    from nmbrs.rest.errors import NmbrsAuthError

    requests.post(f"{rest_sim.url}/admin/knobs",
                  json={"deny_scopes": ["employee.employment.read"]}, timeout=5)
    with pytest.raises(NmbrsAuthError, match="employee.employment.read") as caught:
        rest.salaries(COMPANY)
    assert rest.is_fatal(caught.value) and "koppeling authorize" in str(caught.value)


def test_throttled_calls_wait_the_delay_and_succeed(rest_sim, oauth, known):
    import requests

    requests.post(f"{rest_sim.url}/admin/knobs", json={"faults": [
        {"kind": "429", "path": "/api/companies/{companyId}/employees", "nth": 1, "times": 2,
         "retry_after_s": 1}]}, timeout=5)
    sleeps = []
    client = rest_client(rest_sim, oauth, LOGIN)
    client._sleep = sleeps.append
    source = NmbrsRestSource(client, {COMPANY: company_uuid(COMPANY)}, RestIds(known))
    assert source.employees(COMPANY).rows
    assert len(sleeps) == 2 and all(1.0 <= pause <= 1.2 for pause in sleeps)  # whole seconds


def test_reparse_rebuilds_every_call_from_its_landed_json(rest):
    from payroll_link.extraction.sources.base import RawCall

    employees = rest.employees(COMPANY)
    runs = rest.runs(COMPANY, PERIOD)
    fetched = [employees, runs, rest.employments(COMPANY), rest.salaries(COMPANY),
               rest.wage_codes(COMPANY, runs.rows[0], PERIOD)[0],
               *rest.company_wage_components(COMPANY, PERIOD)]
    for row in employees.rows[:5]:
        fetched += rest.employee_records(row["employee_id"], COMPANY, PERIOD)
    assert {f.entity for f in fetched} >= {"personal_info", "partner", "svw", "wage_code_line"}
    for item in fetched:
        again = rest.reparse(RawCall(item.service, item.operation, item.company_id,
                                     item.employee_id, item.request_keys, item.wire, "rest"))
        assert (again.entity, again.rows) == (item.entity, item.rows), item.operation
