"""A REST employer's period through Airflow itself: registry `source: rest`, the `nmbrs_rest`
connection, the consent in the warehouse token store, the REST simulator (spec-checked). The
employer starts on REST (no SOAP history), so its ids are the REST source's own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from payroll_link.demo import airflow_env, run_dag
from payroll_link.demo_rest import consent_all, demo_registry, rest_env, run_source
from payroll_link.periods import get_period
from payroll_link.registry import load_registry

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]
EMPLOYER = "banket_rest_fresh"  # van_den_berg_banket under a new id: no SOAP history at all


@pytest.fixture(scope="session")
def rest_airflow_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_home_rest")
    env = airflow_env("http://unused/", "postgresql+psycopg2://unused/x",
                      REPO / "config" / "employers.yaml", home)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    return home


def test_rest_employer_publishes_and_delivers_a_period_through_airflow(
        rest_airflow_home, nmbrs_sim, nmbrs_rest_sim, warehouse, warehouse_db_url,
        asr_receiver, tmp_path):
    registry = demo_registry(REPO / "config" / "employers.yaml", tmp_path / "employers.yaml",
                             ["van_den_berg_banket"])
    registry.write_text(registry.read_text().replace("employer_id: van_den_berg_banket",
                                                     f"employer_id: {EMPLOYER}"))
    env = {**airflow_env(nmbrs_sim.url, warehouse_db_url, registry, rest_airflow_home,
                         receiver_endpoint=asr_receiver.endpoint),
           **rest_env(registry, nmbrs_rest_sim.url)}
    assert consent_all(registry, nmbrs_rest_sim.url, warehouse_db_url) == [
        "nmbrs_rest_van_den_berg"]
    employer = load_registry(registry).by_id(EMPLOYER)
    assert employer.source == "rest"
    period = get_period("four_weekly", 2026, 11)
    nmbrs_sim.state.stats.reset()
    ok, _ = run_dag(env, warehouse, employer, period)
    log = rest_airflow_home / "logs" / f"demo_payroll_{EMPLOYER}_{period.label}.log"
    assert ok, log.read_text()[-3000:]
    # the wage-code documents were awaited by the reschedule sensor: pending, re-poked, ready
    text = log.read_text()
    assert "task_id=start_documents" in text
    assert text.count("starting task_id=wait_for_documents") >= 2
    assert "UP_FOR_RESCHEDULE" in text
    assert run_source(warehouse.engine, EMPLOYER, period.label) == "rest"
    assert sum(nmbrs_sim.state.stats.calls.values()) == 0  # no SOAP call for a REST employer
    extraction = warehouse.extraction(warehouse.published_extraction(EMPLOYER, period.label))
    assert extraction["counts"]["personal_info"] >= 10
    # quality passed and the stands (REST ids: no SOAP ids to keep) fit the message schema
    assert asr_receiver.state.store.stats["accepted"] == 1
