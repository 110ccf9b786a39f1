"""The registry's source decides which PayrollSource reads an employer; ids stay continuous."""

from __future__ import annotations

import datetime as dt

import pytest

from payroll_link.extraction.sources.base import Fetched
from payroll_link.extraction.sources.choice import connection_id, source_for
from payroll_link.extraction.sources.continuity import Identities, KeepIdentities, keep_ids
from payroll_link.extraction.sources.rest import NmbrsRestSource
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.registry import Employer
from tests.payroll_link.test_registry import entry
from tests.payroll_link.test_registry_source import COMPANY_UUID, REST


class Client:
    """A stand-in client object: the choice only passes it on."""

    settings = None


def build(employer, **kwargs):
    made = []

    def soap(e):
        made.append(("soap", e.nmbrs_conn_id))
        return Client()

    def rest(e):
        made.append(("rest", e.rest_conn_id))
        return Client()

    return source_for(employer, soap, rest, **kwargs), made


def test_soap_employer_gets_the_soap_source_on_its_connection():
    employer = Employer.model_validate(entry(**{**REST, "source": "soap"}))
    source, made = build(employer)
    assert isinstance(source, NmbrsSoapSource) and made == [("soap", "nmbrs_acme")]
    assert connection_id(employer) == "nmbrs_acme"


def test_rest_employer_gets_the_rest_source_with_its_company_uuid():
    employer = Employer.model_validate(entry(**REST))
    source, made = build(employer)
    assert isinstance(source, KeepIdentities) and isinstance(source.source, NmbrsRestSource)
    assert source.name == "rest" and made == [("rest", "nmbrs_rest_acme")]
    assert source.source.company_ids == {3001: COMPANY_UUID}
    assert connection_id(employer) == "nmbrs_rest_acme"


def test_kind_overrides_the_registry_for_a_comparison():
    employer = Employer.model_validate(entry(**{**REST, "source": "soap"}))
    source, made = build(employer, kind="rest")
    assert source.name == "rest" and made == [("rest", "nmbrs_rest_acme")]
    with pytest.raises(ValueError, match="unknown source 'ftp'"):
        build(employer, kind="ftp")


def test_known_ids_replace_the_rest_ids_and_unknown_ones_stay():
    known = Identities(employments={(7, dt.date(2020, 1, 1)): 701},
                       children={(7, dt.date(2015, 5, 5), "Ada"): 9001}, partners={7: 55})
    jobs = Fetched("NmbrsREST", "getEmploymentsByCompany", "employment", [
        {"employee_id": 7, "employment_id": -5, "start_date": dt.date(2020, 1, 1)},
        {"employee_id": 7, "employment_id": -6, "start_date": dt.date(2024, 1, 1)}], 1)
    kids = Fetched("NmbrsREST", "x", "child", [
        {"employee_id": 7, "child_id": -9, "birth_date": dt.date(2015, 5, 5),
         "first_name": "Ada"}], 1)
    assert [r["employment_id"] for r in keep_ids(jobs, known).rows] == [701, -6]
    assert keep_ids(kids, known).rows[0]["child_id"] == 9001
    assert jobs.rows[0]["employment_id"] == -5  # the original answer is left alone
    partner = Fetched("NmbrsREST", "x", "partner", [{"employee_id": 7, "partner_id": -1}], 1)
    assert keep_ids(partner, known).rows[0]["partner_id"] == 55


def test_pool_follows_the_connection_of_the_source():
    from payroll_link.runtime import pool_for

    rest = Employer.model_validate(entry(**REST))
    assert pool_for(rest) == "nmbrs_rest_acme"  # one rule: no doubled nmbrs_ prefix
    assert pool_for(rest.model_copy(update={"source": "soap"})) == "nmbrs_acme"
