"""Failure paths through Airflow itself: a fault injected in the simulator, `airflow dags test`."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from payroll_link.demo import airflow_env, run_dag
from payroll_link.periods import get_period
from payroll_link.registry import load_registry
from simulators.nmbrs_sim.knobs import FaultRule

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "config" / "employers.yaml"
EMPLOYER = "van_den_berg_banket"


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_failures")
    env = airflow_env("http://unused/", "postgresql+psycopg2://unused/x", REGISTRY, home)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    return home


def task_tries(home: Path, dag_id: str) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(home / "airflow.db") as db:
        rows = db.execute("select task_id, state, try_number from task_instance "
                          "where dag_id = ?", (dag_id,)).fetchall()
    return {task_id: (state, tries) for task_id, state, tries in rows}


def test_fatal_fault_fails_the_run_at_once_and_records_our_class(airflow_home, nmbrs_sim,
                                                                  warehouse, warehouse_db_url,
                                                                  asr_receiver):
    employer = load_registry(REGISTRY).by_id(EMPLOYER)
    env = airflow_env(nmbrs_sim.url, warehouse_db_url, REGISTRY, airflow_home,
                      receiver_endpoint=asr_receiver.endpoint)
    nmbrs_sim.state.knobs.faults.append(FaultRule(kind="soap_fault", code=2004, nth=5,
                                                  operation="SVW_GetCurrent"))
    period = get_period("four_weekly", 2026, 9)
    ghost = warehouse.begin_extraction(f"ghost_{uuid.uuid4().hex[:8]}", "2026-01", period.start,
                                       period.end, "scheduled__2026-01-01T00:00:00+00:00")
    ok, _ = run_dag(env, warehouse, employer, period)
    log = (airflow_home / "logs" / f"demo_payroll_{EMPLOYER}_{period.label}.log").read_text()
    assert not ok
    tries = task_tries(airflow_home, f"payroll_{EMPLOYER}")
    assert tries["extract_employees"] == ("failed", 1), tries  # no retry was spent on it
    assert tries["publish_period"][0] == "upstream_failed"
    row = warehouse.extraction(warehouse.latest_extraction(EMPLOYER, period.label))
    assert (row["status"], row["error_class"]) == ("failed", "NmbrsRequestError"), log[-3000:]
    assert "NmbrsRequestError 2004 on EmployeeService.SVW_GetCurrent" in row["error_message"]
    assert f"{EMPLOYER} {period.label}, call EmployeeService.SVW_GetCurrent, fault code 2004" \
        in log
    assert warehouse.published_extraction(EMPLOYER, period.label) is None
    assert asr_receiver.state.store.stats["accepted"] == 0
    # The run's start reaped another employer's extraction whose Airflow run is not running.
    reaped = warehouse.extraction(ghost)
    assert (reaped["status"], reaped["error_class"]) == ("failed", "ReapedError"), log[-3000:]
