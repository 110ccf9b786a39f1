"""The status page in a real Airflow api-server, read by headless Chromium after logging in.

The api-server runs with this repo's plugins folder, SimpleAuthManager users from the
environment and the test warehouse holding a real exchange history (see
tests/payroll_link/overview/history.py). Set ``KOPPELING_SCREENSHOT=docs/status-page.png`` to
refresh the screenshot in the docs.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import pytest
import requests

from payroll_link.registry import save_registry
from tests.payroll_link.overview.history import AUTH_ERROR, leaks, personal_values
from tests.plugins.cdp import Browser

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]
USER, PASSWORD = "datateam", secrets.token_urlsafe(12)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(home: Path, registry: Path, warehouse_url: str, docs_root: Path) -> dict:
    """Environment of the api-server: own home, repo plugins, users from env, test warehouse."""
    passwords = home / "passwords.json"
    passwords.write_text(f'{{"{USER}": "{PASSWORD}"}}')
    (home / "dags").mkdir()
    return dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False",
                AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"),
                AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
                AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{USER}:viewer",
                AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(passwords),
                AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
                KOPPELING_REGISTRY=str(registry), AIRFLOW_CONN_WAREHOUSE=warehouse_url,
                KOPPELING_DOCS_DIR=str(docs_root))


@pytest.fixture(scope="module")
def api_server(history, warehouse_db_url, tmp_path_factory):
    """`airflow api-server` on a free port; stopped (with its workers) afterwards."""
    run, docs_root = history
    home = tmp_path_factory.mktemp("api_server_home")
    registry = home / "employers.yaml"
    save_registry(registry, [run.bakkerij, run.hoekstra])
    env = server_env(home, registry, warehouse_db_url, docs_root)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    log = (home / "api-server.log").open("w")
    proc = subprocess.Popen(["airflow", "api-server", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, proc, home / "api-server.log")
        yield base
    finally:
        stop(proc)
        log.close()


def wait_until_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"api-server exited: {log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/api/v2/monitor/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError(f"api-server not healthy in time: {log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the api-server and every process it started (uvicorn runs in its own session)."""
    family = [proc.pid, *(p.pid for p in psutil.Process(proc.pid).children(recursive=True))]
    for pid in family:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
    _, alive = psutil.wait_procs([p for p in map(_process, family) if p], timeout=20)
    for process in alive:
        process.kill()


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def api_token(base: str) -> str:
    answer = requests.post(f"{base}/auth/token", json={"username": USER, "password": PASSWORD},
                           timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["access_token"]


def test_plugin_loads_with_its_app_and_navigation_entry(api_server):
    headers = {"Authorization": f"Bearer {api_token(api_server)}"}
    plugins = requests.get(f"{api_server}/api/v2/plugins", headers=headers, timeout=10).json()
    ours = [p for p in plugins["plugins"] if p["name"] == "payroll_status_page"]
    assert ours, [p["name"] for p in plugins["plugins"]]
    assert [a["url_prefix"] for a in ours[0]["fastapi_apps"]] == ["/koppeling"]
    assert [(v["name"], v["url_route"]) for v in ours[0]["external_views"]] == \
        [("Salariskoppeling", "salariskoppeling")]
    errors = requests.get(f"{api_server}/api/v2/plugins/importErrors", headers=headers,
                          timeout=10).json()
    assert errors["total_entries"] == 0, errors


def test_anonymous_requests_get_401_and_browsers_the_login_page(api_server):
    assert requests.get(f"{api_server}/koppeling/", timeout=10).status_code == 401
    page = requests.get(f"{api_server}/koppeling/employer/x", timeout=10,
                        headers={"Accept": "text/html"}, allow_redirects=False)
    assert page.status_code == 303 and "/auth/login?next=" in page.headers["location"]


@pytest.fixture(scope="module")
def browser():
    chromium = Browser()
    yield chromium
    chromium.close()


def log_in(browser: Browser, base: str) -> None:
    """Open the page, get sent to Airflow's login form, sign in, and land on the page."""
    browser.open(f"{base}/koppeling/")
    browser.wait_for("document.querySelector('input[name=password]')")
    for name, value in (("username", USER), ("password", PASSWORD)):
        browser.js(f"document.querySelector('input[name={name}]').focus()")
        browser.call("Input.insertText", text=value)
    browser.wait_for("!document.querySelector('button[type=submit]').disabled")
    browser.js("document.querySelector('button[type=submit]').click()")
    browser.wait_for(f"location.href === '{base}/koppeling/' && document.querySelector('table')")


def test_browser_logs_in_and_reads_page_and_detail_view(api_server, browser, history,
                                                        warehouse_engine, tmp_path):
    run, _ = history
    log_in(browser, api_server)
    page, html = browser.text(), browser.js("document.documentElement.outerHTML")
    days = (dt.date(2027, 3, 1) - dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()).days
    for expected in (run.bakkerij.employer_id, run.hoekstra.employer_id, f"{days} days left",
                     run.deliveries[-1]["receipt_id"], f"2026-11 extraction: {AUTH_ERROR[0]}",
                     "2026-10 quality: QualityGateError"):
        assert expected in page, expected
    browser.js(f"document.querySelector(\"a[href$='/employer/{run.bakkerij.employer_id}']\")"
               ".click()")
    browser.wait_for("document.querySelector('h2')")
    detail = browser.text()
    assert browser.url() == f"{api_server}/koppeling/employer/{run.bakkerij.employer_id}"
    assert all(d["receipt_id"] in detail for d in run.deliveries)
    assert "2026-11\tfailed" in detail and "2026-09" in detail
    assert "baseline kept, before first exchange date 2026-10-01: not sent" in detail
    values = personal_values(warehouse_engine, run.extraction_ids)
    assert leaks(html, values) == [] and leaks(detail, values) == []


def test_page_sits_in_airflows_navigation(api_server, browser, history, tmp_path):
    run, _ = history
    browser.open(f"{api_server}/plugin/salariskoppeling")
    browser.wait_for("document.querySelector(\"a[href='/plugin/salariskoppeling']\")")
    frame = "document.querySelector('iframe')"
    browser.wait_for(f"{frame} && {frame}.contentDocument && "
                     f"{frame}.contentDocument.body.innerText.includes("
                     f"'{run.hoekstra.employer_id}')")
    shot = browser.screenshot(tmp_path / "status-page.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if target := os.environ.get("KOPPELING_SCREENSHOT"):
        shutil.copy(shot, REPO / target)
