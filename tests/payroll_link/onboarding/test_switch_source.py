"""`koppeling switch-source`: company and employees matched, canonical data compared, the switch
written and recorded only when the sources agree or the differences are accepted."""

from __future__ import annotations

import argparse
import json

import pytest
import yaml
from sqlalchemy import create_engine, text

from payroll_link.extraction.sources.rest import NmbrsRestSource
from payroll_link.extraction.sources.rest_map import RestIds
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.onboarding.switch import compare_sources, plan_switch
from payroll_link.periods import get_period
from payroll_link.registry import load_registry
from tests.payroll_link.sources.parity_support import rest_client
from tests.payroll_link.test_registry import REPO_REGISTRY

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
LOGIN = "koppeling@bakkerijvandenberg.nl"
EMPLOYER = "bakkerij_van_den_berg"


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "employers.yaml"
    path.write_text(REPO_REGISTRY.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture
def sources(make_client, nmbrs_rest_sim):
    employer = load_registry(REPO_REGISTRY).by_id(EMPLOYER)
    soap = NmbrsSoapSource(make_client(LOGIN))
    client = rest_client(nmbrs_rest_sim, employer)
    year, number = soap.current_period(employer.nmbrs_company_id)
    return employer, soap, client, get_period("monthly", year, number)


def rest_for(employer, client):
    return lambda ids: NmbrsRestSource(client, {2001: employer.rest_company_id},
                                       RestIds(ids.employees))


def switch_args(registry, **flags):
    return argparse.Namespace(registry=registry, yes=flags.get("yes", False), json=True,
                              quiet=True, actor="tester",
                              accept_differences=flags.get("accept", False))


def recorded(url: str) -> list[dict]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("select action, actor, diff, intake_summary from "
                                 "ops.registry_change where employer_id = :e order by id"),
                            {"e": EMPLOYER}).mappings().all()
    engine.dispose()
    return [dict(r) for r in rows]


def test_company_and_every_employee_match_and_rest_gaps_show(sources, nmbrs_sim):
    employer, soap, client, period = sources
    comparison = compare_sources(employer, soap, rest_for(employer, client), client, period)
    peer = {r["number"] for r in soap.employees(2001).rows}  # SOAP's list is the reference
    assert comparison.company["matched"] and comparison.company["rest_name"] == \
        "Bakkerij Van den Berg B.V."
    assert comparison.matched == len(peer) > 15 and not comparison.only_soap
    assert not comparison.only_rest and not comparison.agree
    # the columns REST does not carry show up, named, with the employees they concern
    assert "bic" in comparison.differences["bank_account"]
    assert "display_name" in comparison.differences["employee"]
    assert "salary" not in comparison.differences  # salary history agrees, type included
    assert "employee_id" not in comparison.differences.get("employee", {})
    assert json.dumps(comparison.to_dict())  # ids, names and counts only: JSON as it is


def test_sources_that_differ_are_not_switched_without_accepting(sources, registry, warehouse_db,
                                                                capsys):
    from payroll_link.cli.switch_source import finish

    employer, soap, client, period = sources
    comparison = compare_sources(employer, soap, rest_for(employer, client), client, period)
    before = registry.read_bytes()
    code = finish(switch_args(registry, yes=True), plan_switch(registry, EMPLOYER, "rest"),
                  comparison)
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["applied"] is False and registry.read_bytes() == before
    code = finish(switch_args(registry, yes=True, accept=True),
                  plan_switch(registry, EMPLOYER, "rest"), comparison)
    assert code == 0 and json.loads(capsys.readouterr().out)["applied"] is True
    entry = next(e for e in yaml.safe_load(registry.read_text())["employers"]
                 if e["employer_id"] == EMPLOYER)
    assert entry["source"] == "rest" and load_registry(registry).errors == []
    change = recorded(warehouse_db)[-1]
    assert change["action"] == "switch_source" and change["actor"] == "tester"
    assert "+source: rest" in change["diff"].replace("+ ", "+")
    assert change["intake_summary"]["switch_source"]["employees_matched"] > 15


def test_sources_that_agree_switch_without_accepting(sources, registry, warehouse_db, capsys):
    from payroll_link.cli.switch_source import finish

    employer, soap, client, period = sources
    # the same SOAP answers on both sides: the comparison must find nothing to report
    comparison = compare_sources(employer, soap, lambda ids: soap, client, period)
    assert comparison.agree and comparison.differences == {}
    code = finish(switch_args(registry, yes=True), plan_switch(registry, EMPLOYER, "rest"),
                  comparison)
    assert code == 0 and json.loads(capsys.readouterr().out)["applied"] is True
    assert load_registry(registry).by_id(EMPLOYER).source == "rest"


def test_switch_to_the_source_already_used_is_refused(registry):
    from payroll_link.onboarding.lifecycle import LifecycleError

    with pytest.raises(LifecycleError, match="already reads soap"):
        plan_switch(registry, EMPLOYER, "soap")
