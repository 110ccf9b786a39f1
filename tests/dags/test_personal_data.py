"""Personal data and secrets stay where docs/personal-data.md allows them, after real DAG runs.

Two consecutive periods of a pension employer (BSNs travel in its messages) run through Airflow
(`airflow dags test`, as the demo does) into a test warehouse and the a.s.r. receiver. Then
tests/personal_data_scan.py searches the warehouse dump outside raw and staging, every Airflow
log, the metadata database (XCom included) and the quality Data Docs for the simulator's BSNs,
IBANs and every token and key. Allowed: raw.call_payload and staging.* only (the test checks
they are there, so the search is known to find them).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from payroll_link.demo import airflow_env, demo_message_key, demo_periods, run_dag
from payroll_link.handoff import golive, sealing
from payroll_link.registry import load_registry
from tests.personal_data_scan import needles, scan

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]
EMPLOYER, COMPANY = "bakkerij_van_den_berg", 2001


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_pd")
    env = airflow_env("http://unused/", "postgresql+psycopg2://unused/x",
                      REPO / "config" / "employers.yaml", home)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    return home


def test_personal_data_and_secrets_only_where_the_policy_allows(
        home, nmbrs_sim, warehouse, warehouse_db_url, asr_receiver, tmp_path, sim_world):
    registry = REPO / "config" / "employers.yaml"
    employer = load_registry(registry).by_id(EMPLOYER)
    env = airflow_env(nmbrs_sim.url, warehouse_db_url, registry, home,
                      receiver_endpoint=asr_receiver.endpoint)
    env["KOPPELING_DOCS_DIR"] = str(tmp_path / "docs")
    periods = demo_periods(employer, nmbrs_sim.state.clock)
    for period in periods:
        ok, _ = run_dag(env, warehouse, employer, period)
        log = home / "logs" / f"demo_payroll_{EMPLOYER}_{period.label}.log"
        assert ok, log.read_text()[-3000:]
    # Go-live (docs/pension-numbers.md): the earlier period starts before the employer's
    # first_exchange_date, so it is built and kept as baseline (ops.handoff_baseline), not sent;
    # the later one is delivered. Both kinds of stored message are searched below.
    with warehouse.engine.connect() as conn:
        assert [row["period"] for row in golive.baselines(conn, EMPLOYER)] == [periods[0].label]
    assert asr_receiver.state.store.stats["accepted"] == 1
    found = needles(sim_world, [COMPANY], sealing.env_password() or demo_message_key(home))
    result = scan(home, tmp_path / "docs", warehouse_db_url, found)
    assert any(w.startswith("BSN of") for w in result["allowed"]), "search finds raw/staging"
    assert any(w.startswith("IBAN of") for w in result["allowed"])
    assert not [w for w in result["allowed"] if "token" in w or "key" in w]
    assert result["searched"]["xcom values"] > 0 and result["searched"]["log files"] > 0
    assert result["searched"]["data docs files"] > 0, "the quality gate wrote Data Docs"
    assert result["leaks"] == {}
