"""The retention DAG purges through Airflow itself (`airflow dags test`)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from payroll_link.demo import airflow_env

pytestmark = [pytest.mark.airflow, pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[2]


def test_retention_dag_purges_a_gone_employers_old_raw_answers(tmp_path, warehouse_engine,
                                                                 warehouse_db_url):
    gone, xid = f"gone_{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    with warehouse_engine.begin() as conn:
        conn.execute(text(
            "insert into ops.extraction (extraction_id, employer_id, period, period_start, "
            "period_end, status, started_at) values (:x, :e, '2026-01', '2026-01-01', "
            "'2026-01-31', 'failed', now() - interval '200 days')"), {"x": xid, "e": gone})
        conn.execute(text(
            "insert into raw.call_payload (extraction_id, employer_id, period, service, "
            "operation, company_id, content_sha256, fetched_at) values (:x, :e, '2026-01', "
            "'EmployeeService', 'PersonalInfo_GetCurrent', 1, 'x', now() - interval '200 days')"),
            {"x": xid, "e": gone})
    env = airflow_env("http://unused/", warehouse_db_url, REPO / "config" / "employers.yaml",
                      tmp_path / "airflow")
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    run = subprocess.run(["airflow", "dags", "test", "personal_data_retention", "2026-11-29"],
                         env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    with warehouse_engine.connect() as conn:
        left = conn.execute(text("select count(*) from raw.call_payload where employer_id = :e"),
                            {"e": gone}).scalar()
        logged = conn.execute(text(
            "select target, reason, rows from ops.retention_run where employer_id = :e"),
            {"e": gone}).all()
    assert left == 0
    assert [tuple(row) for row in logged] == [("raw.call_payload", "offboarded", 1)]
