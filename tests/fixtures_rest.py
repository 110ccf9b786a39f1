"""The Nmbrs REST simulator as a fixture: every answer it gives in a test is checked against the
published spec, and a test fails when one leaves it."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from simulators.nmbrs_rest_sim.knobs import RestKnobs
from simulators.nmbrs_rest_sim.server import DEFAULT_SUBSCRIPTION_KEYS, RestSimulatorServer

REST_CLIENT = ("koppeling-sim", "sim-client-secret-koppeling")
SUBSCRIPTION_KEY = DEFAULT_SUBSCRIPTION_KEYS[0]
REDIRECT_URI = "http://127.0.0.1:8799/callback"
ALL_READ = ("company.info.read company.payrollsettings.read company.document.read "
            "employee.info.read employee.employment.read employee.payment.read "
            "employee.bankaccount.read employee.payrollsettings.read debtor.info.read "
            "document.read offline_access")


@pytest.fixture(scope="session")
def _rest_sim_server(sim_world):
    server = RestSimulatorServer(sim_world, validate=True).start()
    yield server
    server.stop()


def take_violations(server) -> list[str]:
    """Return and forget the contract violations the server recorded."""
    with server.state.lock:
        found, server.state.violations[:] = list(server.state.violations), []
    return found


def assert_within_spec(server) -> None:
    """Fail when the simulator answered anything outside the published spec."""
    found = take_violations(server)
    assert not found, "REST simulator answered outside the spec:\n" + "\n".join(found[:10])


@pytest.fixture
def nmbrs_rest_sim(_rest_sim_server):
    """The running REST simulator; knobs, clock and counters reset after each test, and the
    test fails if any answer it served left the published spec."""
    take_violations(_rest_sim_server)
    yield _rest_sim_server
    state = _rest_sim_server.state
    state.knobs = RestKnobs()
    state.clock = state.world.config.clock
    state.stats.reset()
    assert_within_spec(_rest_sim_server)


def rest_login(server, username: str, scope: str = ALL_READ,
               client: tuple[str, str] = REST_CLIENT) -> dict:
    """Consent as a world account (authorization code + PKCE S256); return the token answer."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    consent = requests.get(f"{server.url}/connect/authorize", allow_redirects=False, params={
        "client_id": client[0], "redirect_uri": REDIRECT_URI, "response_type": "code",
        "scope": scope, "state": "s1", "code_challenge": challenge,
        "code_challenge_method": "S256", "login_hint": username}, timeout=10)
    assert consent.status_code == 302, consent.text
    code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
    answer = requests.post(f"{server.url}/connect/token", auth=client, timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    return answer.json()


def rest_get(server, token: str, path: str, **params) -> requests.Response:
    """GET an API path with the bearer token and the subscription key."""
    return requests.get(f"{server.url}{path}", params=params, timeout=30, headers={
        "Authorization": f"Bearer {token}", "X-Subscription-Key": SUBSCRIPTION_KEY})
