"""Fixtures: the REST simulator on a free loopback port, OAuth settings and consents for it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from nmbrs.rest.oauth import OAuthSettings, begin_consent, exchange_code
from simulators.nmbrs_rest_sim.server import (
    DEFAULT_CLIENTS,
    DEFAULT_SUBSCRIPTION_KEYS,
    RestSimulatorServer,
)

LOGIN = "koppeling@bakkerijvandenberg.nl"
CLIENT = DEFAULT_CLIENTS[0]
SUBSCRIPTION_KEY = DEFAULT_SUBSCRIPTION_KEYS[0]
REDIRECT = "http://127.0.0.1:8976/callback"


@pytest.fixture(scope="session")
def _rest_server(sim_world):
    server = RestSimulatorServer(sim_world, validate=True).start()
    yield server
    server.stop()


@pytest.fixture
def rest_sim(_rest_server):
    """The running REST simulator; knobs reset and no spec violation allowed after each test."""
    state = _rest_server.state
    state.violations.clear()
    yield _rest_server
    requests.post(f"{_rest_server.url}/admin/reset", json={}, timeout=5)
    violations = list(state.violations)
    state.violations.clear()
    assert not violations, f"the simulator answered outside the spec: {violations[:3]}"


@pytest.fixture
def oauth(rest_sim) -> OAuthSettings:
    """OAuth settings of the simulator's full-scope client."""
    return OAuthSettings(client_id=CLIENT.client_id, client_secret=CLIENT.client_secret,
                         redirect_uri=REDIRECT, identity_url=rest_sim.url, timeout=10)


def follow_consent(url: str) -> dict:
    """Play the browser: open the consent URL, return the redirect's query (code, state)."""
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def consent(oauth: OAuthSettings, login: str = LOGIN):
    """Run the whole authorization-code flow against the simulator; return the Grant."""
    request = begin_consent(oauth, login_hint=login)
    answer = follow_consent(request.url)
    assert answer["state"] == request.state
    return exchange_code(oauth, answer["code"], request)
