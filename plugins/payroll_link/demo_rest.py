"""The demo's REST side: the REST simulator, `nmbrs_rest` connections, a consent per account.

The demo moves the employers named with ``--rest`` to the REST source in its own copy of the
registry (under .local/demo), starts the REST simulator beside the SOAP one, runs the OAuth
consent against the simulator's identity server once per account (as `koppeling authorize`
would) and stores the tokens sealed in the warehouse token store, where the DAG's tasks read
them. Only the demo imports the simulators.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import text

from payroll_link.registry import load_registry, save_registry

REST_CLIENT = ("koppeling-sim", "sim-client-secret-koppeling")
SUBSCRIPTION_KEY = "sim-subscription-key-0001"
REDIRECT_URI = "http://127.0.0.1:8976/callback"
# the simulator's login that serves each debtor (the same users as the SOAP simulator)
LOGINS = {1001: "koppeling@bakkerijvandenberg.nl", 1003: "koppeling@degoudenleeuw.nl",
          1004: "koppeling@hoekstratransport.nl", 1005: "koppeling@noorderzorg.nl"}


def demo_registry(source: Path, target: Path, rest_employers: list[str]) -> Path:
    """Write a copy of the registry with ``rest_employers`` reading the REST source."""
    registry = load_registry(source)
    employers = [e.model_copy(update={"source": "rest"}) if e.employer_id in rest_employers
                 else e for e in registry.employers]
    for employer in employers:  # validate the switched entries like the real registry does
        type(employer).model_validate(employer.model_dump())
    save_registry(target, employers)
    return target


def rest_connection(rest_url: str) -> dict:
    """Return the `nmbrs_rest` connection of the simulator's full-scope OAuth client."""
    return {"conn_type": "nmbrs_rest", "login": REST_CLIENT[0], "password": REST_CLIENT[1],
            "extra": {"subscription_key": SUBSCRIPTION_KEY, "base_url": rest_url,
                      "identity_url": rest_url, "redirect_uri": REDIRECT_URI}}


def rest_env(registry_path: Path, rest_url: str) -> dict[str, str]:
    """Return `AIRFLOW_CONN_*` of every REST connection the registry's REST employers use."""
    return {f"AIRFLOW_CONN_{e.rest_conn_id.upper()}": json.dumps(rest_connection(rest_url))
            for e in load_registry(registry_path).employers if e.source == "rest"}


def consent_all(registry_path: Path, rest_url: str, warehouse_url: str) -> list[str]:
    """Consent once per REST account of the registry and store its tokens; return accounts."""
    done = {}
    for employer in load_registry(registry_path).employers:
        if employer.source == "rest" and employer.rest_conn_id not in done:
            done[employer.rest_conn_id] = consent(rest_url, warehouse_url, employer.rest_conn_id,
                                                  LOGINS[employer.nmbrs_debtor_id])
    return sorted(done)


def consent(rest_url: str, warehouse_url: str, account: str, login: str) -> int:
    """Authorization code + PKCE against the simulator, tokens sealed into the token store."""
    from nmbrs.rest.oauth import OAuthSettings, begin_consent, exchange_code
    from nmbrs.rest.token_store import warehouse_token_store
    from payroll_link.cli.authorize import store_grant

    oauth = OAuthSettings(client_id=REST_CLIENT[0], client_secret=REST_CLIENT[1],
                          redirect_uri=REDIRECT_URI, identity_url=rest_url)
    request = begin_consent(oauth, login_hint=login)
    answer = requests.get(request.url, allow_redirects=False, timeout=10)  # the browser's part
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    grant = exchange_code(oauth, query["code"][0], request)
    store = warehouse_token_store(warehouse_url, oauth.client_secret)
    return store_grant(store, account, grant)


def run_source(engine, employer_id: str, period: str) -> str:
    """Return the source(s) of the published extraction of a period, from its raw payloads."""
    with engine.connect() as conn:
        found = conn.execute(text(
            "select string_agg(distinct r.source, '+') from ops.published_partition p "
            "join raw.call_payload r using (extraction_id) "
            "where p.employer_id = :e and p.period = :p"), {"e": employer_id, "p": period})
        return found.scalar() or "-"
