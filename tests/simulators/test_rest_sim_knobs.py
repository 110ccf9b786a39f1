"""The REST simulator's knobs: latency, 429 with Retry-After, rate limit, 5xx, document states."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.fixtures_rest import rest_get, rest_login

NS = uuid.uuid5(uuid.NAMESPACE_URL, "nmbrs-simulator")
COMPANY = str(uuid.uuid5(NS, "company:2001"))
EMPLOYEES = f"/api/companies/{COMPANY}/employees"


@pytest.fixture
def access(nmbrs_rest_sim):
    return rest_login(nmbrs_rest_sim, "koppeling@bakkerijvandenberg.nl")["access_token"]


def set_knobs(server, **knobs):
    answer = requests.post(f"{server.url}/admin/knobs", json=knobs, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_injected_429_carries_retry_after_then_the_call_succeeds(nmbrs_rest_sim, access):
    set_knobs(nmbrs_rest_sim, faults=[{"kind": "429", "path": "/api/companies/{companyId}/"
                                       "employees", "retry_after_s": 2}])
    throttled = rest_get(nmbrs_rest_sim, access, EMPLOYEES)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
    assert throttled.json()["type"] == "throttlingError"
    assert rest_get(nmbrs_rest_sim, access, EMPLOYEES).status_code == 200


def test_rate_limit_per_account_answers_429_past_the_budget(nmbrs_rest_sim, access):
    set_knobs(nmbrs_rest_sim, rate_limit_per_s=2, retry_after_s=1)
    codes = [rest_get(nmbrs_rest_sim, access, "/api/debtors").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    time.sleep(1.05)
    assert rest_get(nmbrs_rest_sim, access, "/api/debtors").status_code == 200


@pytest.mark.parametrize(("kind", "code"), [("500", 50001), ("502", 50201), ("503", 50301)])
def test_injected_server_errors_use_the_spec_body(nmbrs_rest_sim, access, kind, code):
    set_knobs(nmbrs_rest_sim, faults=[{"kind": kind, "nth": 2}])
    assert rest_get(nmbrs_rest_sim, access, EMPLOYEES).status_code == 200
    failed = rest_get(nmbrs_rest_sim, access, EMPLOYEES)
    assert failed.status_code == int(kind) and failed.json()["code"] == code
    assert rest_get(nmbrs_rest_sim, access, EMPLOYEES).status_code == 200


def test_latency_knob_delays_every_answer(nmbrs_rest_sim, access):
    set_knobs(nmbrs_rest_sim, latency_ms={"*": 150})
    started = time.monotonic()
    rest_get(nmbrs_rest_sim, access, "/api/debtors")
    assert time.monotonic() - started >= 0.15


def _start_document(server, access) -> str:
    runs = rest_get(server, access, f"/api/companies/{COMPANY}/runs", year=2026).json()["data"]
    run = runs[0]["payrollRunId"]
    return rest_get(server, access, f"/api/companies/{COMPANY}/runs/{run}/wagecodes/xml",
                    year=2026).json()["taskId"]


def test_document_stays_pending_for_the_configured_polls(nmbrs_rest_sim, access):
    set_knobs(nmbrs_rest_sim, document_pending_polls=3)
    task = _start_document(nmbrs_rest_sim, access)
    codes = [rest_get(nmbrs_rest_sim, access, f"/api/documents/{task}").status_code
             for _ in range(4)]
    assert codes == [202, 202, 202, 200]


def test_failing_document_task_answers_a_server_error(nmbrs_rest_sim, access):
    set_knobs(nmbrs_rest_sim, document_pending_polls=0, document_fail=True)
    failed = rest_get(nmbrs_rest_sim, access,
                      f"/api/documents/{_start_document(nmbrs_rest_sim, access)}")
    assert failed.status_code == 500 and failed.json()["title"] == "Document_Failed"


def test_document_of_another_login_is_not_found(nmbrs_rest_sim, access):
    task = _start_document(nmbrs_rest_sim, access)
    other = rest_login(nmbrs_rest_sim, "koppeling@hoekstratransport.nl")["access_token"]
    assert rest_get(nmbrs_rest_sim, other, f"/api/documents/{task}").status_code == 404


def test_unknown_knob_is_refused(nmbrs_rest_sim):
    answer = requests.post(f"{nmbrs_rest_sim.url}/admin/knobs", json={"speed": 1}, timeout=5)
    assert answer.status_code == 400 and "speed" in answer.json()["error"]


def test_stats_count_calls_per_operation(nmbrs_rest_sim, access):
    rest_get(nmbrs_rest_sim, access, EMPLOYEES)
    stats = requests.get(f"{nmbrs_rest_sim.url}/admin/stats", timeout=5).json()
    assert stats["calls"] == {"/api/companies/{companyId}/employees": 1}


def test_command_line_options_become_knobs_and_world_clock():
    from simulators.nmbrs_rest_sim.__main__ import build, parse_args

    server = build(parse_args(["--port", "0", "--latency-ms", "5", "--rate-limit-per-s", "7",
                               "--clock", "2026-10-15",
                               "--knobs", '{"faults": [{"kind": "503", "nth": 2}]}']))
    try:
        knobs = server.state.knobs
        assert knobs.latency_ms == {"*": 5.0} and knobs.rate_limit_per_s == 7.0
        assert [f.kind for f in knobs.faults] == ["503"]
        assert server.state.clock.isoformat() == "2026-10-15"
    finally:
        server.httpd.server_close()


def test_unknown_run_and_bad_created_from_are_refused(nmbrs_rest_sim, access):
    run = rest_get(nmbrs_rest_sim, access,
                   f"/api/companies/{COMPANY}/runs/{uuid.uuid4()}/wagecodes/xml", year=2026)
    assert run.status_code == 404 and run.json()["code"] == 40401
    bad = rest_get(nmbrs_rest_sim, access, f"{EMPLOYEES}/salaries", createdFrom="yesterday")
    assert bad.status_code == 400
    assert bad.json()["invalid-params"][0]["name"] == "createdFrom"
