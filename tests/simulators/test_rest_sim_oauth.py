"""The REST simulator's identity server: PKCE, single-use codes, rotation with reuse detection,
expiry, scopes per login and client, and the subscription key."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import requests

from tests.fixtures_rest import (
    REDIRECT_URI,
    REST_CLIENT,
    SUBSCRIPTION_KEY,
    rest_get,
    rest_login,
)

NS = uuid.uuid5(uuid.NAMESPACE_URL, "nmbrs-simulator")
LOGIN = "koppeling@bakkerijvandenberg.nl"
BAKKERIJ = str(uuid.uuid5(NS, "company:2001"))


def authorize(server, verifier: str, scope="employee.info.read offline_access", **extra):
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    params = {"client_id": REST_CLIENT[0], "redirect_uri": REDIRECT_URI, "response_type": "code",
              "scope": scope, "state": "xyz", "code_challenge": challenge,
              "code_challenge_method": "S256", "login_hint": LOGIN, **extra}
    return requests.get(f"{server.url}/connect/authorize", params=params,
                        allow_redirects=False, timeout=10)


def code_of(answer) -> str:
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def token(server, client=REST_CLIENT, **form):
    return requests.post(f"{server.url}/connect/token", data=form, auth=client, timeout=10)


def exchange(server, code: str, verifier: str):
    return token(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI,
                 code_verifier=verifier)


def refresh(server, refresh_token: str):
    return token(server, grant_type="refresh_token", refresh_token=refresh_token)


def test_code_exchange_needs_the_verifier_of_the_challenge(nmbrs_rest_sim):
    code = code_of(authorize(nmbrs_rest_sim, "v" * 50))
    wrong = exchange(nmbrs_rest_sim, code, "w" * 50)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


def test_code_is_single_use(nmbrs_rest_sim):
    code = code_of(authorize(nmbrs_rest_sim, "v" * 50))
    assert exchange(nmbrs_rest_sim, code, "v" * 50).status_code == 200
    again = exchange(nmbrs_rest_sim, code, "v" * 50)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_authorize_without_s256_challenge_is_refused(nmbrs_rest_sim):
    answer = authorize(nmbrs_rest_sim, "v" * 50, code_challenge_method="plain")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_wrong_client_secret_is_invalid_client(nmbrs_rest_sim):
    code = code_of(authorize(nmbrs_rest_sim, "v" * 50))
    answer = token(nmbrs_rest_sim, client=(REST_CLIENT[0], "nope"), grant_type="authorization_code",
                   code=code, redirect_uri=REDIRECT_URI, code_verifier="v" * 50)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_refresh_rotates_and_a_reused_refresh_token_is_invalid_grant(nmbrs_rest_sim):
    first = rest_login(nmbrs_rest_sim, LOGIN)
    second = refresh(nmbrs_rest_sim, first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    reused = refresh(nmbrs_rest_sim, first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert "already used" in reused.json()["error_description"]
    assert refresh(nmbrs_rest_sim, second.json()["refresh_token"]).status_code == 200


def test_reuse_revokes_the_successors_when_the_knob_says_so(nmbrs_rest_sim):
    nmbrs_rest_sim.state.knobs.revoke_family_on_reuse = True
    first = rest_login(nmbrs_rest_sim, LOGIN)
    second = refresh(nmbrs_rest_sim, first["refresh_token"]).json()
    assert refresh(nmbrs_rest_sim, first["refresh_token"]).status_code == 400
    assert refresh(nmbrs_rest_sim, second["refresh_token"]).json()["error"] == "invalid_grant"
    assert rest_get(nmbrs_rest_sim, second["access_token"], "/api/debtors").status_code == 401


def test_concurrent_refreshes_with_one_token_let_exactly_one_through(nmbrs_rest_sim):
    stored = rest_login(nmbrs_rest_sim, LOGIN)["refresh_token"]
    statuses, start = [], threading.Barrier(8)

    def race():
        start.wait()
        statuses.append(refresh(nmbrs_rest_sim, stored).status_code)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(statuses) == [200] + [400] * 7


def test_no_offline_access_means_no_refresh_token(nmbrs_rest_sim):
    answer = rest_login(nmbrs_rest_sim, LOGIN, scope="employee.info.read")
    assert "refresh_token" not in answer and answer["scope"] == "employee.info.read"


def test_access_token_expires_after_its_lifetime(nmbrs_rest_sim):
    nmbrs_rest_sim.state.knobs.access_token_ttl_s = 0.3
    access = rest_login(nmbrs_rest_sim, LOGIN)["access_token"]
    assert rest_get(nmbrs_rest_sim, access, "/api/debtors").status_code == 200
    time.sleep(0.4)
    expired = rest_get(nmbrs_rest_sim, access, "/api/debtors")
    assert expired.status_code == 401 and expired.json()["code"] == 40102


def test_admin_expires_every_access_token_at_run_time(nmbrs_rest_sim):
    grant = rest_login(nmbrs_rest_sim, LOGIN)
    assert requests.post(f"{nmbrs_rest_sim.url}/admin/expire-tokens", json={},
                         timeout=5).json()["expired"] >= 1
    assert rest_get(nmbrs_rest_sim, grant["access_token"], "/api/debtors").status_code == 401
    assert refresh(nmbrs_rest_sim, grant["refresh_token"]).status_code == 200


def test_missing_token_and_missing_subscription_key_are_401(nmbrs_rest_sim):
    bare = requests.get(f"{nmbrs_rest_sim.url}/api/debtors", timeout=5,
                        headers={"X-Subscription-Key": SUBSCRIPTION_KEY})
    assert bare.status_code == 401 and bare.json()["code"] == 40101
    access = rest_login(nmbrs_rest_sim, LOGIN)["access_token"]
    keyless = requests.get(f"{nmbrs_rest_sim.url}/api/debtors", timeout=5,
                           headers={"Authorization": f"Bearer {access}"})
    assert keyless.status_code == 401 and keyless.json()["title"] == "Invalid_Subscription_Key"


def test_login_without_the_svw_grant_is_denied_the_svw_scope_with_a_403(nmbrs_rest_sim):
    grant = rest_login(nmbrs_rest_sim, "beperkt@bakkerijvandenberg.nl")
    assert "employee.payrollsettings.read" not in grant["scope"].split()
    denied = rest_get(nmbrs_rest_sim, grant["access_token"],
                      f"/api/companies/{BAKKERIJ}/employees/svwsettings")
    assert denied.status_code == 403
    assert "employee.payrollsettings.read" in denied.json()["detail"]
    assert rest_get(nmbrs_rest_sim, grant["access_token"],
                    f"/api/companies/{BAKKERIJ}/employees/contracts").status_code == 200


def test_narrow_client_gets_no_bank_account_scope(nmbrs_rest_sim):
    grant = rest_login(nmbrs_rest_sim, LOGIN, client=("koppeling-sim-narrow",
                                                       "sim-client-secret-narrow"))
    denied = rest_get(nmbrs_rest_sim, grant["access_token"],
                      f"/api/companies/{BAKKERIJ}/employees/bankaccounts")
    assert denied.status_code == 403 and "employee.bankaccount.read" in denied.json()["detail"]


def test_scope_denial_knob_refuses_a_granted_scope_at_run_time(nmbrs_rest_sim):
    access = rest_login(nmbrs_rest_sim, LOGIN)["access_token"]
    requests.post(f"{nmbrs_rest_sim.url}/admin/knobs", timeout=5,
                  json={"deny_scopes": ["employee.employment.read"]})
    denied = rest_get(nmbrs_rest_sim, access, f"/api/companies/{BAKKERIJ}/employees/salaries")
    assert denied.status_code == 403 and denied.json()["type"] == "authenticationError"
