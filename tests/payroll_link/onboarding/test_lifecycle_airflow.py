"""Lifecycle commands change Airflow itself: pause/resume/offboard the DAG, realise makes pools."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from payroll_link.cli import main
from tests.fixtures_airflow import airflow_rows

pytestmark = [pytest.mark.airflow, pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[3]
DAG = "payroll_bakkerij_van_den_berg"


@pytest.fixture
def parsed(airflow_db, registry_copy, monkeypatch):
    """The registry's DAGs serialised into the metadata database, as the dag-processor does."""
    env = dict(os.environ, KOPPELING_REGISTRY=str(registry_copy),
               AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
               AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"))
    subprocess.run(["airflow", "dags", "reserialize"], env=env, check=True, capture_output=True)
    return airflow_db


def paused(db) -> bool:
    [(value,)] = airflow_rows(db, "select is_paused from dag where dag_id = ?", DAG)
    return bool(value)


def test_pause_resume_and_offboard_set_the_dag_state_in_airflow(parsed, registry_copy,
                                                                  warehouse_db, capsys):
    reg = ["--registry", str(registry_copy), "--yes", "--actor", "tester"]
    assert not paused(parsed)  # realised: created active
    assert main(["pause", "bakkerij_van_den_berg", *reg]) == 0
    assert paused(parsed)
    assert f"airflow: {DAG} is now paused in Airflow" in capsys.readouterr().out
    assert main(["resume", "bakkerij_van_den_berg", *reg]) == 0
    assert not paused(parsed)
    assert main(["offboard", "bakkerij_van_den_berg", *reg]) == 0
    assert paused(parsed)  # no queued run of an offboarded employer starts


def test_realise_creates_the_account_pool_before_the_dag_can_run(airflow_db, registry_copy,
                                                                  warehouse_db):
    reg = ["--registry", str(registry_copy), "--yes", "--actor", "tester", "--quiet"]
    assert main(["realise", "hollander_installatietechniek", "--first-exchange-date",
                 "2026-12-01", *reg]) == 0
    rows = airflow_rows(airflow_db, "select pool, slots from slot_pool where pool = ?",
                        "nmbrs_umbrella")
    assert rows == [("nmbrs_umbrella", 2)]
