"""The status page's web app in process: Airflow's auth in front, real warehouse data behind."""

from __future__ import annotations

import subprocess

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payroll_link import runtime
from payroll_link.registry import RegistryResult
from payroll_link.warehouse import Warehouse

pytestmark = [pytest.mark.postgres, pytest.mark.simulator, pytest.mark.airflow]
RESOLVED_WAREHOUSE = runtime.warehouse  # the real resolver (the client fixture replaces it)


@pytest.fixture(scope="module")
def auth_manager():
    """Airflow's configured auth manager (SimpleAuthManager) on a migrated metadata database."""
    from airflow.api_fastapi.app import init_auth_manager

    # Token checks look up revoked tokens in the metadata database of this AIRFLOW_HOME.
    subprocess.run(["airflow", "db", "migrate"], check=True, capture_output=True)
    return init_auth_manager()


@pytest.fixture
def client(history, warehouse_engine, auth_manager, monkeypatch):
    import payroll_status_page

    run, docs_root = history
    registry = RegistryResult(path=docs_root / "employers.yaml",
                              employers=[run.bakkerij, run.hoekstra])
    monkeypatch.setattr(runtime, "registry", lambda: registry)
    monkeypatch.setattr(runtime, "warehouse", lambda: Warehouse(warehouse_engine))
    monkeypatch.setenv("KOPPELING_DOCS_DIR", str(docs_root))
    parent = FastAPI()
    parent.mount(payroll_status_page.URL_PREFIX, payroll_status_page.app)
    return TestClient(parent, follow_redirects=False)


def token(auth_manager, role: str = "viewer") -> str:
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    return auth_manager.generate_jwt(SimpleAuthManagerUser(username="data-team", role=role))


@pytest.mark.parametrize("path", ["/koppeling/", "/koppeling/employer/x",
                                  "/koppeling/quality/00000000-0000-0000-0000-000000000000/"])
def test_anonymous_request_gets_401(client, path):
    answer = client.get(path, headers={"Accept": "application/json"})
    assert answer.status_code == 401


def test_anonymous_browser_is_sent_to_the_login_page(client):
    answer = client.get("/koppeling/", headers={"Accept": "text/html"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/auth/login?next=")


def test_forged_token_is_refused(client, auth_manager):
    forged = token(auth_manager)[:-4] + "AAAA"
    answer = client.get("/koppeling/", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code in (401, 403)


def test_logged_in_user_sees_every_employer(client, auth_manager, history):
    run, _ = history
    answer = client.get("/koppeling/", cookies={"_token": token(auth_manager)})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert f"/koppeling/employer/{run.bakkerij.employer_id}" in answer.text
    assert run.deliveries[-1]["receipt_id"] in answer.text


def test_detail_view_and_quality_page_are_served(client, auth_manager, history):
    run, _ = history
    bearer = {"Authorization": f"Bearer {token(auth_manager)}"}
    detail = client.get(f"/koppeling/employer/{run.bakkerij.employer_id}", headers=bearer)
    assert detail.status_code == 200 and run.deliveries[-1]["receipt_id"] in detail.text
    assert "baseline kept, before first exchange date" in detail.text  # 2026-09, not sent
    quality_run = run.quality[1]["quality_run_id"]
    page = client.get(f"/koppeling/quality/{quality_run}/", headers=bearer)
    assert page.status_code == 200 and "Data quality / Datakwaliteit" in page.text
    gx = client.get(f"/koppeling/quality/{quality_run}/gx/index.html", headers=bearer)
    assert gx.status_code == 200 and "Expectation" in gx.text


def test_unmigrated_warehouse_gives_503_naming_the_missing_migrations(
        client, auth_manager, empty_database_url, monkeypatch):
    from payroll_link.warehouse import make_engine

    engine = make_engine(empty_database_url)
    monkeypatch.setattr(runtime, "warehouse_engine", lambda: engine)
    monkeypatch.setattr(runtime, "warehouse", RESOLVED_WAREHOUSE)
    RESOLVED_WAREHOUSE.cache_clear()
    try:
        answer = client.get("/koppeling/", cookies={"_token": token(auth_manager)})
    finally:
        RESOLVED_WAREHOUSE.cache_clear()
        engine.dispose()
    assert answer.status_code == 503 and "MigrationError" in answer.text
    assert "V0600__handoff_baseline.sql" in answer.text and "koppeling migrate" in answer.text


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd"])
def test_quality_route_stays_inside_the_docs_root(client, auth_manager, history, path):
    run, _ = history
    bearer = {"Authorization": f"Bearer {token(auth_manager)}"}
    answer = client.get(f"/koppeling/quality/{run.quality[1]['quality_run_id']}/{path}",
                        headers=bearer)
    assert answer.status_code == 404


def test_unknown_employer_and_run_are_404(client, auth_manager):
    bearer = {"Authorization": f"Bearer {token(auth_manager)}"}
    assert client.get("/koppeling/employer/nobody", headers=bearer).status_code == 404
    assert client.get("/koppeling/quality/not-a-uuid/", headers=bearer).status_code == 404


def test_unreachable_warehouse_gives_503_without_the_url(client, auth_manager, monkeypatch):
    from payroll_link.warehouse import make_engine

    dead = make_engine("postgresql+psycopg2://koppeling:hunter2@127.0.0.1:9/nowhere")
    monkeypatch.setattr(runtime, "warehouse", lambda: Warehouse(dead))
    answer = client.get("/koppeling/", cookies={"_token": token(auth_manager)})
    assert answer.status_code == 503 and "OperationalError" in answer.text
    assert "hunter2" not in answer.text and "127.0.0.1" not in answer.text


def test_rejected_registry_entries_are_named_on_the_page(client, auth_manager, history,
                                                         monkeypatch):
    from payroll_link.registry import RegistryEntryError

    run, docs_root = history
    broken = RegistryEntryError(docs_root / "employers.yaml", 2, "kapot_bv", ("frequency",),
                                "frequency: Input should be 'monthly' or 'four_weekly'")
    registry = RegistryResult(path=docs_root / "employers.yaml", employers=[run.bakkerij],
                              errors=[broken])
    monkeypatch.setattr(runtime, "registry", lambda: registry)
    answer = client.get("/koppeling/", cookies={"_token": token(auth_manager)})
    assert answer.status_code == 200
    assert "1 registry entries rejected" in answer.text and "kapot_bv" in answer.text
