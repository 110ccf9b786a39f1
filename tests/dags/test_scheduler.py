"""Real Airflow scheduling: catch-up from the backfill start, then `koppeling backfill`.

Starts `airflow standalone` (scheduler, dag-processor, api-server, LocalExecutor on SQLite)
with a one-employer registry, the simulator and the test warehouse; slow (~2 min) but it is
the only test that proves the timetable, pools and backfill work under the scheduler.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import text

from payroll_link.demo import airflow_env

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]
EMPLOYER = "sched_bakkerij"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_employer_registry(path: Path) -> Path:
    data = yaml.safe_load((REPO / "config" / "employers.yaml").read_text())
    entry = next(e for e in data["employers"] if e["employer_id"] == "bakkerij_van_den_berg")
    # Paused: the DAG appears paused; the test resumes it once the api-server answers.
    entry.update(employer_id=EMPLOYER, first_exchange_date="2026-10-01",
                 backfill_start="2026-09-01", status="paused")
    path.write_text(yaml.safe_dump({"employers": [entry]}, allow_unicode=True))
    return path


@pytest.fixture
def standalone(tmp_path, nmbrs_sim, warehouse_db_url, asr_receiver):
    home = tmp_path / "airflow"
    home.mkdir()
    registry = one_employer_registry(tmp_path / "employers.yaml")
    port = free_port()
    env = airflow_env(nmbrs_sim.url, warehouse_db_url, registry, home,
                      receiver_endpoint=asr_receiver.endpoint)
    env.update(AIRFLOW__API__PORT=str(port), AIRFLOW__CORE__PARALLELISM="4",
               AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
               AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="True",
               AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL="5")
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(["python", "-m", "payroll_link.cli", "pools"], env=env, check=True,
                   capture_output=True)
    log = (home / "standalone.log").open("w")
    proc = subprocess.Popen(["airflow", "standalone"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield env, f"http://127.0.0.1:{port}/api/v2", home, registry
    finally:
        stop(proc, port)
        log.close()
        shutil.rmtree(home / "logs", ignore_errors=True)


def stop(proc: subprocess.Popen, port: int) -> None:
    """Stop standalone's process group and its api-server, which runs in a session of its own."""
    import psutil

    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    for other in psutil.process_iter(["cmdline"]):
        if f"port:{port}" in " ".join(other.info["cmdline"] or []):
            other.kill()


def wait_for_runs(api: str, count: int, run_type: str, timeout: float = 300) -> list[dict]:
    deadline = time.monotonic() + timeout
    runs: list[dict] = []
    body = ""
    while time.monotonic() < deadline:
        try:
            answer = requests.get(f"{api}/dags/payroll_{EMPLOYER}/dagRuns", timeout=5)
            body = answer.text[:500]
            runs = [r for r in answer.json().get("dag_runs", [])
                    if r["run_type"] == run_type]
        except (requests.RequestException, ValueError):
            runs = []
        finished = [r for r in runs if r["state"] in ("success", "failed")]
        if len(finished) >= count:
            return runs
        time.sleep(3)
    states = [(r["dag_run_id"], r["state"]) for r in runs]
    raise AssertionError(f"runs not finished in time: {states}; last answer {body}")


def wait_for_paused_dag(api: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            answer = requests.get(f"{api}/dags/payroll_{EMPLOYER}", timeout=5)
            if answer.status_code == 200:
                return answer.json()
        except requests.RequestException:
            pass
        time.sleep(3)
    raise AssertionError("the DAG did not appear in the api-server in time")


@pytest.mark.timeout(900)  # a busy 2-core machine: catch-up and a watched backfill take minutes
def test_catch_up_and_backfill_run_under_the_scheduler(standalone, warehouse, asr_receiver):
    env, api, home, registry = standalone
    assert wait_for_paused_dag(api)["is_paused"]
    time.sleep(10)  # a few scheduler loops: a paused DAG gets no runs
    dag_runs = requests.get(f"{api}/dags/payroll_{EMPLOYER}/dagRuns", timeout=5).json()
    assert dag_runs["total_entries"] == 0
    resumed = subprocess.run(["python", "-m", "payroll_link.cli", "resume", EMPLOYER,
                              "--registry", str(registry), "--yes", "--actor", "test"],
                             env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"payroll_{EMPLOYER} is now active in Airflow" in resumed.stdout
    runs = wait_for_runs(api, 2, "scheduled")
    assert sorted(r["state"] for r in runs) == ["success", "success"], home
    first = warehouse.published_extraction(EMPLOYER, "2026-09")
    assert first and warehouse.published_extraction(EMPLOYER, "2026-10")
    # --watch follows the backfill through Airflow's own records until its run finished.
    done = subprocess.run(["python", "-m", "payroll_link.cli", "backfill", "--employer",
                           EMPLOYER, "--from", "2026-09", "--to", "2026-09", "--reprocess",
                           "completed", "--watch", "--poll-seconds", "3"], env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "backfill 1: queued 0, running 0, success 1, failed 0" in done.stderr, done.stderr
    backfilled = wait_for_runs(api, 1, "backfill", timeout=10)
    assert [r["state"] for r in backfilled] == ["success"]
    second = warehouse.published_extraction(EMPLOYER, "2026-09")
    assert second != first
    # 2026-09 lies before the first exchange date (2026-10-01): kept as baseline, not sent;
    # 2026-10 delivered once; the identical re-extraction of 2026-09 sent nothing.
    assert asr_receiver.state.store.stats["accepted"] == 1
    with warehouse.engine.connect() as conn:
        kept = conn.execute(text("select distinct period from ops.handoff_baseline "
                                 "where employer_id = :e"), {"e": EMPLOYER}).scalars().all()
    assert kept == ["2026-09"]
    assert warehouse.published_rows("salary", EMPLOYER, "2026-09")
    log = (home / "standalone.log").read_text(errors="replace")
    assert "non-existent pool" not in log  # the account pool existed before the first run
