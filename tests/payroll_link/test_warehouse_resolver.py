"""One warehouse resolver: the Airflow connection `warehouse`, else the embedded default."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from payroll_link.warehouse import MigrationError

pytestmark = pytest.mark.postgres
URL = "postgresql+psycopg2://reader:s3cret@db.example.test:6543/warehouse"


@pytest.fixture
def runtime(monkeypatch):
    from payroll_link import runtime

    runtime.warehouse.cache_clear()
    yield runtime
    runtime.warehouse.cache_clear()


def test_the_warehouse_connection_wins_over_the_embedded_default(runtime, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/other")
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", json.dumps({
        "conn_type": "postgres", "host": "db.example.test", "port": 6543, "login": "reader",
        "password": "s3cret", "schema": "warehouse"}))
    assert runtime.warehouse_url() == URL


def test_without_a_connection_the_embedded_default_applies(runtime, monkeypatch,
                                                           warehouse_db_url):
    monkeypatch.delenv("AIRFLOW_CONN_WAREHOUSE", raising=False)
    monkeypatch.setenv("WAREHOUSE_URL", warehouse_db_url)
    assert runtime.warehouse_url() == warehouse_db_url


def test_a_secrets_backend_is_asked_for_the_connection(tmp_path, warehouse_db_url):
    secrets = tmp_path / "connections.json"
    secrets.write_text(json.dumps({"warehouse": {
        "conn_type": "postgres", "host": "db.example.test", "port": 6543, "login": "reader",
        "password": "s3cret", "schema": "warehouse"}}))
    env = {k: v for k, v in os.environ.items() if k != "AIRFLOW_CONN_WAREHOUSE"}
    env.update(WAREHOUSE_URL=warehouse_db_url,
               AIRFLOW__SECRETS__BACKEND="airflow.secrets.local_filesystem.LocalFilesystemBackend",
               AIRFLOW__SECRETS__BACKEND_KWARGS=json.dumps(
                   {"connections_file_path": str(secrets)}))
    out = subprocess.run([sys.executable, "-c", "from payroll_link.runtime import warehouse_url;"
                          "print(warehouse_url())"], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == URL


def test_tasks_refuse_a_warehouse_without_its_migrations(runtime, monkeypatch,
                                                         empty_database_url):
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", empty_database_url)
    with pytest.raises(MigrationError, match=r"V0001__warehouse_base.sql.*koppeling migrate"):
        runtime.warehouse()
