"""Preflight of a REST employer against the REST simulator: company, tag, a scope per data set."""

from __future__ import annotations

import pytest
import requests

from nmbrs.rest.client import NmbrsRestClient
from nmbrs.rest.settings import NmbrsRestSettings
from payroll_link.onboarding.preflight_rest import DATA_SETS, run_preflight_rest
from payroll_link.registry import load_registry
from tests.fixtures_rest import SUBSCRIPTION_KEY
from tests.payroll_link.sources.parity_support import OneToken
from tests.payroll_link.test_registry import REPO_REGISTRY

pytestmark = pytest.mark.simulator
UMBRELLA = "asr-koppeling@salarisbureaunoord.nl"


def client_for(server, login: str) -> NmbrsRestClient:
    settings = NmbrsRestSettings(account="preflight", base_url=server.url, backoff_base=0.01,
                                 subscription_key=SUBSCRIPTION_KEY)
    return NmbrsRestClient(settings, OneToken(server, login))


def employer(employer_id: str, **changes):
    found = load_registry(REPO_REGISTRY).by_id(employer_id)
    return found.model_copy(update={"source": "rest", **changes})


def failed(result) -> list:
    return [c for c in result.checks if c.status == "failed"]


def test_full_consent_is_ready_with_every_data_set_readable(nmbrs_rest_sim):
    result = run_preflight_rest(client_for(nmbrs_rest_sim, "koppeling@bakkerijvandenberg.nl"),
                                employer("bakkerij_van_den_berg"))
    assert result.ready, [c.message for c in failed(result)]
    readable = {c.details["data_set"] for c in result.checks if c.check == "scope"}
    assert readable == set(DATA_SETS) and len(readable) == 14


def test_missing_scope_names_the_scope_and_how_to_reconsent(nmbrs_rest_sim):
    requests.post(f"{nmbrs_rest_sim.url}/admin/knobs",
                  json={"deny_scopes": ["employee.bankaccount.read"]}, timeout=5)
    result = run_preflight_rest(client_for(nmbrs_rest_sim, "koppeling@bakkerijvandenberg.nl"),
                                employer("bakkerij_van_den_berg"))
    [check] = failed(result)
    assert check.details["data_set"] == "bank accounts"
    assert check.details["scope"] == "employee.bankaccount.read"
    assert "employee.bankaccount.read" in check.message
    assert "koppeling authorize --conn-id nmbrs_rest_van_den_berg" in check.action.en
    assert not result.ready


def test_umbrella_checks_the_debtor_tag(nmbrs_rest_sim):
    client = client_for(nmbrs_rest_sim, UMBRELLA)
    tagged = run_preflight_rest(client, employer("bakkerij_van_den_berg",
                                                 account_mode="umbrella"))
    assert [c.status for c in tagged.checks if c.check == "tag"] == ["ok"], [
        c.message for c in failed(tagged)]
    renamed = employer("bakkerij_van_den_berg", account_mode="umbrella",
                       company_name="Bakkerij van den Berg BV")
    assert "is named 'Bakkerij Van den Berg B.V.'" in failed(
        run_preflight_rest(client, renamed))[0].message


def test_umbrella_debtor_without_the_tag_is_not_ready(nmbrs_rest_sim):
    result = run_preflight_rest(client_for(nmbrs_rest_sim, UMBRELLA),
                                employer("hollander_installatietechniek"))
    # the umbrella consent reaches tagged debtors only: neither company nor tags are readable
    assert not result.ready
    assert [c.check for c in failed(result)] == ["company", "tag"]
    assert all("does not reach this debtor" in c.message for c in failed(result))
