"""Preflight against the Nmbrs simulator: real zeep over HTTP, the simulator's default accounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from payroll_link.cli import main
from payroll_link.onboarding.grants import GRANTED_CALLS
from payroll_link.onboarding.preflight import Registration, run_preflight
from payroll_link.onboarding.result import FAILED, NOT_GRANTED, OK, WARNING
from simulators.nmbrs_sim.knobs import FaultRule
from tests.payroll_link.onboarding.conftest import BAKKERIJ, BEPERKT, UMBRELLA

pytestmark = pytest.mark.simulator

BAKKERIJ_BV = "Bakkerij Van den Berg B.V."


def preflight(client, name=BAKKERIJ_BV, mode="per_debtor", **dga):
    registration = Registration(company_name=name, account_mode=mode,
                                username=client.settings.username, domain=client.settings.domain,
                                token_source="test", **dga)
    return run_preflight(client, registration)


def checks(result, status=None) -> dict[str, list]:
    found: dict[str, list] = {}
    for check in result.checks:
        if status is None or check.status == status:
            found.setdefault(check.check, []).append(check)
    return found


def test_all_grants_present_is_ready(make_client):
    result = preflight(make_client(BAKKERIJ), dga_name="S. Bakker", dga_employee_number=1)
    assert result.ready, [c.to_dict() for c in result.checks if c.status != OK]
    assert [p.call for p in result.grants] == list(GRANTED_CALLS) and len(GRANTED_CALLS) == 16
    assert all(p.status == "granted" for p in result.grants)
    assert result.wage_code_path == "ReportService background"
    assert result.company == {"company_id": 2001, "name": BAKKERIJ_BV, "debtor_id": 1001,
                              "frequency": "monthly", "current_period": "2026-11"}
    assert checks(result)["Run_GetList"][0].status == OK
    assert result.to_dict()["actions"] == []


def test_missing_grant_names_svw_get_current(make_client):
    result = preflight(make_client(BEPERKT))
    assert not result.ready
    refused = [p for p in result.grants if p.status == NOT_GRANTED]
    assert [(p.call, p.code) for p in refused] == [("SVW_GetCurrent", 1002)]
    failed = checks(result, FAILED)["grant"]
    assert [c.details["call"] for c in failed] == ["SVW_GetCurrent"]
    action = failed[0].action
    assert "SVW_GetCurrent" in action.nl and "Gebruikers template users" in action.nl
    assert "SVW_GetCurrent" in action.en and "API" in action.en


def test_wrong_token_is_reported_as_credentials(make_client):
    result = preflight(make_client(BAKKERIJ, token="not-the-token"))
    assert not result.ready
    (check,) = result.checks
    assert check.check == "credentials" and check.status == FAILED
    assert "token or the username is wrong" in check.message
    assert "not-the-token" not in json.dumps(result.to_dict())


def test_wrong_domain_is_told_apart_and_names_the_right_one(make_client):
    result = preflight(make_client(BAKKERIJ, domain="salariszuid"))
    assert not result.ready
    assert checks(result)["credentials"][0].status == OK
    domain = checks(result)["domain"][0]
    assert domain.status == FAILED and domain.details["actual"] == "salarisnoord"
    assert "'salarisnoord'" in domain.action.nl and "'salariszuid'" in domain.action.en


def test_company_name_off_by_bv_suggests_the_literal_name(make_client):
    result = preflight(make_client(BAKKERIJ), name="Bakkerij Van den Berg BV")
    assert not result.ready
    company = checks(result)["company"][0]
    assert company.status == FAILED and company.details["suggestions"][0] == BAKKERIJ_BV
    assert "B.V." in company.message and f"'{BAKKERIJ_BV}'" in company.action.nl


def test_company_name_in_other_case_and_spacing_suggests_too(make_client):
    result = preflight(make_client(BAKKERIJ), name="bakkerij van den  berg b.v.")
    assert checks(result)["company"][0].details["suggestions"] == [BAKKERIJ_BV]


def test_unknown_dga_number_fails(make_client):
    result = preflight(make_client(BAKKERIJ), dga_name="S. Bakker", dga_employee_number=99)
    dga = checks(result)["dga"][0]
    assert not result.ready and dga.status == FAILED and "99" in dga.message


def test_dga_name_mismatch_fails_without_naming_anyone(make_client):
    result = preflight(make_client(BAKKERIJ), dga_name="J. van den Berg", dga_employee_number=1)
    dga = checks(result)["dga"][0]
    assert dga.status == FAILED and "does not match employee 1" in dga.message
    assert "Bakker" not in json.dumps(result.to_dict()).replace("Bakkerij", "")


def test_undeclared_dga_indicated_in_nmbrs_is_a_warning(make_client):
    result = preflight(make_client(BAKKERIJ))
    indication = checks(result)["dga_indication"][0]
    assert result.ready and indication.status == WARNING
    assert indication.details["indicated"] == [1] and indication.action.blocking is False


def test_umbrella_company_of_untagged_debtor_is_not_ready(make_client):
    result = preflight(make_client(UMBRELLA), name="Hollander Installatietechniek B.V.",
                       mode="umbrella")
    company = checks(result)["company"][0]
    assert not result.ready and company.status == FAILED
    assert "a.s.r. salariskoppeling" in company.action.nl
    assert "a.s.r. salariskoppeling" in company.action.en


def test_umbrella_company_of_tagged_debtor_passes_the_tag_check(make_client):
    result = preflight(make_client(UMBRELLA), mode="umbrella")
    assert checks(result)["tag"][0].status == OK and result.grants == []
    assert result.company["debtor_id"] == 1001


def test_cli_json_and_exit_code(sim_conn, tmp_path):
    """A real `koppeling` process: its stdout is one JSON document even though Airflow logs."""
    conn = sim_conn("nmbrs_beperkt", BEPERKT)
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "payroll_link.cli", "preflight",
                           "--company-name", BAKKERIJ_BV, "--account-mode", "per_debtor",
                           "--conn-id", conn, "--json"], env=env, capture_output=True,
                          text=True, timeout=120)
    out = json.loads(done.stdout)
    assert done.returncode == 1 and out["ready"] is False and out["verdict"] == "not ready"
    assert set(out) == {"ready", "verdict", "checked_at", "registration", "company",
                        "wage_code_path", "grants", "checks", "actions"}
    assert out["registration"]["token_source"] == "connection nmbrs_beperkt"
    assert any("SVW_GetCurrent" in action["en"] for action in out["actions"])
    assert "sim-token" not in done.stdout + done.stderr


def test_cli_token_env_ready_prints_a_table(monkeypatch, nmbrs_sim, capsys):
    monkeypatch.setenv("BAKKERIJ_TOKEN", "sim-token-bakkerij-0001")
    code = main(["preflight", "--company-name", BAKKERIJ_BV, "--account-mode", "per_debtor",
                 "--token-env", "BAKKERIJ_TOKEN", "--username", BAKKERIJ, "--domain",
                 "salarisnoord", "--base-url", nmbrs_sim.url, "--dga-name", "Bakker, S.",
                 "--dga-number", "1"])
    captured = capsys.readouterr()
    assert code == 0 and "Verdict: READY" in captured.out
    assert "sim-token-bakkerij-0001" not in captured.out + captured.err
    assert "probing granted calls" in captured.err


def test_cli_missing_token_env_is_a_usage_error(capsys):
    code = main(["preflight", "--company-name", "X", "--account-mode", "umbrella",
                 "--token-env", "NO_SUCH_VAR_FOR_TEST", "--username", "a@b.nl", "--domain", "x"])
    assert code == 2 and "NO_SUCH_VAR_FOR_TEST" in capsys.readouterr().err


def test_sync_report_calls_gone_from_v3_are_only_a_warning(make_client, nmbrs_sim):
    """Where v3 dropped the synchronous report calls, the background path carries the load."""
    nmbrs_sim.state.knobs.faults = [
        FaultRule("soap_fault", operation=call, probability=1.0, code=9999, text="Unkown")
        for call in ("Reports_GetWageCodesByRunCompany_v2",
                     "Reports_GetWageCodesByRunCompany_FilterByWageCode")]
    result = preflight(make_client(BAKKERIJ), dga_name="S. Bakker", dga_employee_number=1)
    assert result.ready and result.wage_code_path == "ReportService background"
    gone = checks(result)["grant"]
    assert [c.status for c in gone] == [WARNING, WARNING]
    assert all("not available" in c.message for c in gone)


def test_background_report_refused_falls_back_to_the_synchronous_path(make_client, nmbrs_sim):
    nmbrs_sim.state.knobs.faults = [FaultRule(
        "soap_fault", operation="Reports_GetWageCodesByRunCompany_v2_Background",
        probability=1.0, code=1002)]
    result = preflight(make_client(BAKKERIJ), dga_name="S. Bakker", dga_employee_number=1)
    assert result.ready and result.wage_code_path == "CompanyService synchronous"
    assert "background report is not available" in checks(result)["wage_code_path"][0].message
