"""Faults and failures map onto the client's error model; only transient ones are retried."""

from __future__ import annotations

import pytest

from nmbrs.client import (
    NmbrsAuthError,
    NmbrsFault,
    NmbrsRequestError,
    NmbrsResponseError,
    NmbrsTransientError,
)
from simulators.nmbrs_sim.knobs import FaultRule

pytestmark = pytest.mark.simulator

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"


def inject(sim, **rule):
    sim.state.knobs.faults.append(FaultRule(**rule))


def test_wrong_token_is_fault_1001(make_client):
    with pytest.raises(NmbrsAuthError) as err:
        make_client(BAKKERIJ, token="not-the-token").company.company_get_current_period(2001)
    assert err.value.code == 1001 and "wrong domain" in str(err.value)


def test_wrong_domain_is_fault_1001(make_client):
    with pytest.raises(NmbrsAuthError) as err:
        make_client(BAKKERIJ, domain="payrollzuid").company.company_get_current_period(2001)
    assert err.value.code == 1001


def test_fault_1002_names_the_disabled_call(make_client):
    client = make_client("beperkt@bakkerijvandenberg.nl")
    with pytest.raises(NmbrsAuthError) as err:
        client.employee.svw_get_current(20010001)
    assert err.value.code == 1002
    assert "EmployeeService.SVW_GetCurrent" in str(err.value) and "template" in str(err.value)


def test_company_outside_scope_is_2004_and_employee_2003(make_client):
    client = make_client(BAKKERIJ)
    with pytest.raises(NmbrsRequestError) as company_err:
        client.company.company_get_current_period(2003)
    with pytest.raises(NmbrsRequestError) as employee_err:
        client.employee.personal_info_get_current(20030001)
    assert company_err.value.code == 2004 and company_err.value.company_id == 2003
    assert employee_err.value.code == 2003 and employee_err.value.employee_id == 20030001


def test_invalid_period_is_2006(make_client):
    with pytest.raises(NmbrsRequestError) as err:
        make_client(BAKKERIJ).company.wage_component_fixed_get(2001, 13, 2026)
    assert err.value.code == 2006


@pytest.mark.parametrize("kind", ["http500", "http503", "reset", "truncated"])
def test_transient_failures_are_retried_then_succeed(make_client, nmbrs_sim, kind):
    inject(nmbrs_sim, kind=kind, operation="Company_GetCurrentPeriod", nth=1, times=2)
    client = make_client(BAKKERIJ)
    assert client.company.company_get_current_period(2001) == "2026-11-M"
    assert client.retries == 2
    assert nmbrs_sim.state.stats.calls["Company_GetCurrentPeriod"] == 3


def test_hang_times_out_as_transient_after_max_attempts(make_client, nmbrs_sim):
    inject(nmbrs_sim, kind="hang", operation="Company_GetCurrentPeriod", probability=1.0,
           hang_s=5)
    client = make_client(BAKKERIJ, operation_timeout=0.3, max_attempts=2)
    with pytest.raises(NmbrsTransientError) as err:
        client.company.company_get_current_period(2001)
    assert "in time" in str(err.value) and client.retries == 1


def test_persistent_503_gives_up_after_max_attempts(make_client, nmbrs_sim):
    inject(nmbrs_sim, kind="http503", probability=1.0)
    client = make_client(BAKKERIJ, max_attempts=3)
    with pytest.raises(NmbrsTransientError, match="HTTP 503"):
        client.company.company_get_current_period(2001)
    assert nmbrs_sim.state.stats.calls["Company_GetCurrentPeriod"] == 3


@pytest.mark.parametrize("code, error", [(1004, NmbrsAuthError), (2006, NmbrsRequestError),
                                         (9999, NmbrsFault)])
def test_soap_faults_are_not_retried(make_client, nmbrs_sim, code, error):
    inject(nmbrs_sim, kind="soap_fault", code=code, text="injected", probability=1.0)
    client = make_client(BAKKERIJ)
    with pytest.raises(error) as err:
        client.company.company_get_current_period(2001)
    assert err.value.code == code and client.retries == 0
    assert nmbrs_sim.state.stats.calls["Company_GetCurrentPeriod"] == 1


def test_malformed_xml_is_a_response_error_not_retried(make_client, nmbrs_sim):
    inject(nmbrs_sim, kind="malformed", operation="PersonalInfo_GetCurrent", nth=1)
    client = make_client(BAKKERIJ)
    with pytest.raises(NmbrsResponseError) as err:
        client.employee.personal_info_get_current(20010001)
    assert err.value.employee_id == 20010001 and client.retries == 0


def test_a_fault_on_the_nth_call_only(make_client, nmbrs_sim):
    inject(nmbrs_sim, kind="soap_fault", code=2006, operation="Run_GetList", nth=2)
    client = make_client(BAKKERIJ)
    client.company.run_get_list(2001, 2026)
    with pytest.raises(NmbrsRequestError):
        client.company.run_get_list(2001, 2026)
    assert client.company.run_get_list(2001, 2026)


def test_background_report_error_status_is_a_request_error(make_client, nmbrs_sim):
    from nmbrs.client.wagecodes import fetch_wage_codes

    nmbrs_sim.state.knobs.report_status = "Error"
    nmbrs_sim.state.knobs.report_delay_s = 0.05
    client = make_client(BAKKERIJ)
    run = client.company.run_get_list(2001, 2026)[0]
    with pytest.raises(NmbrsRequestError, match="status 'error'"):
        fetch_wage_codes(client, 2001, run["ID"], 2026)



def test_an_xxe_probe_is_refused_as_a_response_error_never_retried_or_expanded(
        make_client, nmbrs_sim, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("xxe-canary-not-to-be-read")
    # HTTP 500 with a SOAP fault whose faultstring is an external entity reading `secret`.
    inject(nmbrs_sim, kind="xxe", operation="Company_GetCurrentPeriod", text=str(secret),
           probability=1.0)
    client = make_client(BAKKERIJ)
    with pytest.raises(NmbrsResponseError) as err:
        client.company.company_get_current_period(2001)
    assert err.value.operation == "CompanyService.Company_GetCurrentPeriod"
    assert "DOCTYPE" in str(err.value) and "xxe-canary" not in str(err.value)
    assert client.retries == 0 and nmbrs_sim.state.stats.calls["Company_GetCurrentPeriod"] == 1
