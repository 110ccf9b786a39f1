"""NmbrsHook reads an `AIRFLOW_CONN_*` connection and talks to the simulator."""

from __future__ import annotations

import json

import pytest

from nmbrs.hooks.nmbrs import NmbrsHook

pytestmark = pytest.mark.simulator


def conn_env(monkeypatch, conn_id: str, **fields) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps({"conn_type": "nmbrs",
                                                                      **fields}))


def test_hook_builds_settings_from_an_env_connection(monkeypatch, nmbrs_sim):
    conn_env(monkeypatch, "nmbrs_test", login="koppeling@bakkerijvandenberg.nl",
             password="sim-token-bakkerij-0001", host=nmbrs_sim.url,
             extra={"domain": "salarisnoord", "operation_timeout": "7"})
    settings = NmbrsHook(nmbrs_conn_id="nmbrs_test").get_settings()
    assert settings.username == "koppeling@bakkerijvandenberg.nl"
    assert settings.domain == "salarisnoord" and settings.operation_timeout == 7.0
    assert settings.endpoint("CompanyService") == f"{nmbrs_sim.url}CompanyService.asmx"


def test_uri_connection_with_token_in_extra_and_host_port(monkeypatch, nmbrs_sim):
    host, port = nmbrs_sim.httpd.server_address[:2]
    monkeypatch.setenv("AIRFLOW_CONN_NMBRS_URI",
                       f"nmbrs://koppeling%40bakkerijvandenberg.nl@{host}:{port}/"
                       "?domain=salarisnoord&token=sim-token-bakkerij-0001")
    hook = NmbrsHook(nmbrs_conn_id="nmbrs_uri")
    assert hook.get_conn().company.company_get_current_period(2001) == "2026-11-M"


def test_test_connection_reports_success_and_wrong_domain(monkeypatch, nmbrs_sim):
    conn_env(monkeypatch, "nmbrs_ok", login="koppeling@bakkerijvandenberg.nl",
             password="sim-token-bakkerij-0001", host=nmbrs_sim.url,
             extra={"domain": "salarisnoord"})
    conn_env(monkeypatch, "nmbrs_bad", login="koppeling@bakkerijvandenberg.nl",
             password="wrong-token", host=nmbrs_sim.url, extra={"domain": "salarisnoord"})
    ok, message = NmbrsHook(nmbrs_conn_id="nmbrs_ok").test_connection()
    assert ok and "salarisnoord" in message
    ok, message = NmbrsHook(nmbrs_conn_id="nmbrs_bad").test_connection()
    assert not ok and "1001" in message and "wrong-token" not in message


def test_connection_type_is_registered_as_a_provider():
    from airflow.providers_manager import ProvidersManager

    hooks = ProvidersManager().hooks
    assert hooks["nmbrs"].hook_class_name == "nmbrs.hooks.nmbrs.NmbrsHook"
