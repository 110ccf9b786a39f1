"""`koppeling authorize` end to end: consent at the simulator, tokens sealed in the warehouse."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

from nmbrs.rest.token_store import warehouse_token_store
from tests.nmbrs.rest.conftest import CLIENT, LOGIN, SUBSCRIPTION_KEY

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(rest_sim, warehouse_db_url, conn_id: str, redirect: str, *extra: str):
    env = {**os.environ, f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps({
        "conn_type": "nmbrs_rest", "login": CLIENT.client_id, "password": CLIENT.client_secret,
        "extra": {"subscription_key": SUBSCRIPTION_KEY, "base_url": rest_sim.url,
                  "identity_url": rest_sim.url, "redirect_uri": redirect}}),
        "AIRFLOW_CONN_WAREHOUSE": warehouse_db_url}
    command = [sys.executable, "-m", "payroll_link.cli", "authorize", "--conn-id", conn_id,
               "--login-hint", LOGIN, *extra]
    return subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def consent_url(process) -> str:
    for line in process.stdout:
        if line.strip().startswith("http"):
            return line.strip()
    raise AssertionError("authorize printed no consent URL")


def usable_consent(warehouse_db_url, conn_id: str) -> bool:
    store = warehouse_token_store(warehouse_db_url, CLIENT.client_secret)
    with store.hold(conn_id) as held:
        tokens = held.read()
    return tokens is not None and tokens.refresh_token.reveal() != ""


def test_pasted_redirect_url_stores_the_consent(rest_sim, warehouse_db_url):
    conn_id = f"nmbrs_rest_{uuid.uuid4().hex[:8]}"
    process = start(rest_sim, warehouse_db_url, conn_id, "http://127.0.0.1:8976/callback")
    answer = requests.get(consent_url(process), allow_redirects=False, timeout=10)
    location = answer.headers["Location"]
    out, _ = process.communicate(location + "\n", timeout=120)
    assert process.returncode == 0, out
    assert f"Consent of {conn_id} stored (generation 0)" in out
    code = location.split("code=")[1].split("&")[0]
    assert code not in out
    assert usable_consent(warehouse_db_url, conn_id)


def test_loopback_listener_receives_the_code(rest_sim, warehouse_db_url):
    conn_id = f"nmbrs_rest_{uuid.uuid4().hex[:8]}"
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    process = start(rest_sim, warehouse_db_url, conn_id, redirect, "--listen", "--timeout", "60")
    url = consent_url(process)
    for _ in range(50):  # the listener starts right after the URL is printed
        try:
            browser = requests.get(url, timeout=10)
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    assert browser.status_code == 200 and "Consent received" in browser.text
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, out
    assert usable_consent(warehouse_db_url, conn_id)


def test_pasted_redirect_of_another_consent_is_refused(rest_sim, warehouse_db_url):
    conn_id = f"nmbrs_rest_{uuid.uuid4().hex[:8]}"
    process = start(rest_sim, warehouse_db_url, conn_id, "http://127.0.0.1:8976/callback")
    consent_url(process)
    out, _ = process.communicate("http://127.0.0.1:8976/callback?code=abc&state=other\n",
                                 timeout=120)
    assert process.returncode != 0 and "state does not match" in out
