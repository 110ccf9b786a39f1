"""One employer period through Airflow itself (`airflow dags test`) into the test warehouse."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from payroll_link.demo import airflow_env, run_dag
from payroll_link.periods import get_period
from payroll_link.registry import load_registry

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_home")
    env = airflow_env("http://unused/", "postgresql+psycopg2://unused/x",
                      REPO / "config" / "employers.yaml", home)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    return home


def test_payroll_dag_publishes_a_period_through_airflow(airflow_home, nmbrs_sim, warehouse,
                                                        warehouse_db_url, asr_receiver):
    registry = REPO / "config" / "employers.yaml"
    employer = load_registry(registry).by_id("van_den_berg_banket")
    env = airflow_env(nmbrs_sim.url, warehouse_db_url, registry, airflow_home,
                      receiver_endpoint=asr_receiver.endpoint)
    period = get_period("four_weekly", 2026, 11)  # its first exchange period: delivered
    nmbrs_sim.state.stats.reset()
    ok, _ = run_dag(env, warehouse, employer, period)
    log = (airflow_home / "logs" / f"demo_payroll_van_den_berg_banket_{period.label}.log")
    assert ok, log.read_text()[-3000:]
    extraction_id = warehouse.published_extraction("van_den_berg_banket", "2026-4W11")
    extraction = warehouse.extraction(extraction_id)
    assert extraction["airflow_run_id"].startswith("manual__")
    assert extraction["counts"]["personal_info"] > 0
    assert nmbrs_sim.state.stats.calls["SVW_GetCurrent"] == extraction["counts"]["svw"]
    assert asr_receiver.state.store.stats["accepted"] == 1  # quality passed, stands delivered
