"""NmbrsRestHook: an Airflow connection (from the environment) becomes a working REST client."""

from __future__ import annotations

import json
import uuid

import pytest

from nmbrs.hooks.nmbrs_rest import NmbrsRestHook
from nmbrs.rest.token_store import warehouse_token_store
from nmbrs.rest.tokens import StoredTokens
from tests.nmbrs.rest.conftest import CLIENT, REDIRECT, SUBSCRIPTION_KEY, consent


@pytest.fixture
def conn_id(rest_sim, monkeypatch) -> str:
    name = f"nmbrs_rest_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv(f"AIRFLOW_CONN_{name.upper()}", json.dumps({
        "conn_type": "nmbrs_rest", "login": CLIENT.client_id, "password": CLIENT.client_secret,
        "extra": {"subscription_key": SUBSCRIPTION_KEY, "base_url": rest_sim.url,
                  "identity_url": rest_sim.url, "redirect_uri": REDIRECT}}))
    return name


def test_settings_come_from_the_connection(conn_id, rest_sim):
    hook = NmbrsRestHook(conn_id)
    settings, oauth = hook.get_settings(), hook.get_oauth_settings()
    assert settings.base_url == rest_sim.url and settings.account == conn_id
    assert oauth.token_url == f"{rest_sim.url}/connect/token"
    assert oauth.redirect_uri == REDIRECT
    shown = repr(settings) + repr(oauth) + repr(hook.get_conn.__self__)
    assert SUBSCRIPTION_KEY not in shown and CLIENT.client_secret not in shown


@pytest.mark.postgres
def test_connection_test_lists_the_consented_debtors(conn_id, oauth, warehouse_db_url):
    store = warehouse_token_store(warehouse_db_url, oauth.client_secret)
    grant = consent(oauth)
    with store.hold(conn_id) as held:
        held.write(StoredTokens(grant.refresh_token, grant.access_token, grant.expires_at))
    ok, message = NmbrsRestHook(conn_id, token_store=store).test_connection()
    assert ok, message
    assert "1 debtor" in message


def test_connection_test_without_a_consent_says_what_to_do(conn_id, oauth, warehouse_db_url):
    store = warehouse_token_store(warehouse_db_url, oauth.client_secret)
    ok, message = NmbrsRestHook(conn_id, token_store=store).test_connection()
    assert not ok and f"koppeling authorize --conn-id {conn_id}" in message


@pytest.mark.postgres
def test_hook_finds_the_token_store_at_the_warehouse_url(conn_id, oauth, warehouse_db_url):
    grant = consent(oauth)
    store = warehouse_token_store(warehouse_db_url, oauth.client_secret)
    with store.hold(conn_id) as held:
        held.write(StoredTokens(grant.refresh_token, grant.access_token, grant.expires_at))
    hook = NmbrsRestHook(conn_id, warehouse_url=warehouse_db_url)
    assert hook.test_connection()[0]
    assert list(hook.get_conn().records("getDebtors"))


def test_provider_registers_the_rest_connection_type():
    import importlib

    from nmbrs.provider_info import get_provider_info

    types = {t["connection-type"]: t for t in get_provider_info()["connection-types"]}
    rest = types["nmbrs_rest"]
    module, _, name = rest["hook-class-name"].rpartition(".")
    assert getattr(importlib.import_module(module), name) is NmbrsRestHook
    assert rest["conn-fields"]["subscription_key"]["schema"]["format"] == "password"
    assert NmbrsRestHook.conn_type == "nmbrs_rest"
