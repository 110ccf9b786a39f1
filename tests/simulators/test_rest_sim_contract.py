"""Spec contract: the REST simulator's answers are checked against Nmbrs' published OpenAPI file,
and an answer outside it fails the test."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import nmbrs_rest
import pytest

from simulators.nmbrs_rest_sim import api, contract
from simulators.nmbrs_rest_sim.documents import Raw
from simulators.nmbrs_rest_sim.errors import ApiError
from simulators.nmbrs_rest_sim.routes import ROUTES
from tests.fixtures_rest import assert_within_spec, rest_get, rest_login, take_violations

NS = uuid.uuid5(uuid.NAMESPACE_URL, "nmbrs-simulator")


def uid(kind, number) -> str:
    return str(uuid.uuid5(NS, f"{kind}:{number}"))


@pytest.fixture
def access(nmbrs_rest_sim):
    return rest_login(nmbrs_rest_sim, "koppeling@hoekstratransport.nl")["access_token"]


def test_spec_is_read_from_the_installed_package_not_a_copy():
    assert Path(contract.spec_path()).is_relative_to(Path(nmbrs_rest.__file__).parent)
    assert contract.spec()["info"]["title"] == "Nmbrs Public REST API"
    tracked = subprocess.run(["git", "ls-files"], cwd=Path(__file__).parent, check=True,
                             capture_output=True, text=True).stdout.splitlines()
    assert not [p for p in tracked if "openapi" in p.lower() and p.endswith((".yaml", ".json"))]


def test_served_operations_are_operations_of_the_spec():
    served = {template for template, _, _ in ROUTES}
    assert served <= {t for _, t in contract.operation_scopes()}


@pytest.mark.parametrize("company", [2001, 2004, 2005])
def test_every_served_endpoint_answers_within_the_spec(nmbrs_rest_sim, company):
    login = {2001: "koppeling@bakkerijvandenberg.nl", 2004: "koppeling@degoudenleeuw.nl",
             2005: "koppeling@hoekstratransport.nl"}[company]
    access = rest_login(nmbrs_rest_sim, login)["access_token"]
    for template, _, needs in ROUTES:
        if needs != "company" or "{payrollRunId}" in template:
            continue
        path = template.replace("{companyId}", uid("company", company))
        answer = rest_get(nmbrs_rest_sim, access, path, pageSize=100, year=2026, period=3)
        assert answer.status_code == 200, (path, answer.text)
    assert take_violations(nmbrs_rest_sim) == []


def _rename_last_name(result):
    raw = ORIGINAL_AS_RAW(result)
    body = json.loads(raw.body)
    for item in body.get("data", []):
        item["employeeBasicInfo"]["surname"] = item["employeeBasicInfo"].pop("lastName")
    return Raw(raw.status, raw.content_type, json.dumps(body).encode())


ORIGINAL_AS_RAW = api.as_raw


def test_answer_outside_the_spec_is_caught_and_fails_the_test(nmbrs_rest_sim, access,
                                                               monkeypatch):
    monkeypatch.setattr(api, "as_raw", _rename_last_name)
    rest_get(nmbrs_rest_sim, access, f"/api/companies/{uid('company', 2005)}/employees")
    with pytest.raises(AssertionError, match="outside the spec") as caught:
        assert_within_spec(nmbrs_rest_sim)
    assert "lastName" in str(caught.value) or "surname" in str(caught.value)


def test_error_body_outside_the_spec_is_caught(nmbrs_rest_sim, monkeypatch):
    monkeypatch.setattr(ApiError, "body", lambda self: {"message": "Access denied"})
    rest_get(nmbrs_rest_sim, "not-a-token", "/api/debtors")
    found = take_violations(nmbrs_rest_sim)
    assert len(found) == 1 and "401" in found[0] and "httpStatus" in found[0]


def test_status_the_operation_does_not_declare_is_caught(nmbrs_rest_sim, access, monkeypatch):
    monkeypatch.setattr(api, "as_raw", lambda result: Raw(418, "application/json", b"{}"))
    rest_get(nmbrs_rest_sim, access, "/api/debtors")
    found = take_violations(nmbrs_rest_sim)
    assert len(found) == 1 and "418" in found[0]
