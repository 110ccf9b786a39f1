"""The team stack on Celery, run on this machine without Docker (`./run stack-smoke`).

Starts the compose topology as local processes: Airflow api-server, scheduler, dag-processor,
triggerer and two Celery workers (`-H w1`, `-H w2`) on the local Redis (a dedicated database
number and a queue of this run's own), Airflow metadata and warehouse as scratch databases on
the local PostgreSQL, the Nmbrs simulator and the a.s.r. receiver. It realises one small
employer whose catch-up covers the last --periods complete monthly periods, waits until those
runs finish on the workers, reads from the metadata database which workers ran task instances,
and stops everything it started, also on failure or Ctrl-C. Last line:

    executor=CeleryExecutor workers=<n> runs_ok=<n> runs_failed=<n>

Exit code 0 only when every run succeeded and tasks ran on at least two workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
EMPLOYER = "smoke_bakkerij"  # a copy of the bakkerij (company 2001, a few dozen employees)
WORKERS = ("w1", "w2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The processes and scratch state of one smoke run; `stop` undoes all of it."""

    def __init__(self, home: Path, redis_db: int):
        self.home, self.redis_db = home, redis_db
        self.queue = f"koppeling_smoke_{os.getpid()}"
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.databases: list[str] = []

    def database(self, prefix: str) -> str:
        from payroll_link.warehouse import new_database_url

        url = new_database_url(prefix)
        self.databases.append(url)
        return url

    def start(self, name: str, argv: list[str], env: dict) -> None:
        log = (self.home / f"{name}.log").open("w")
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=REPO)
        self.procs.append((name, proc))
        print(f"started {name} (pid {proc.pid})", flush=True)

    def stop(self) -> None:
        import psutil

        for name, proc in reversed(self.procs):
            try:
                family = psutil.Process(proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                family = []
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
            for child in family:  # children that left the group (uvicorn, log servers)
                if child.is_running():
                    child.kill()
            print(f"stopped {name}", flush=True)
        self._clean_redis()
        from payroll_link.warehouse import drop_database

        for url in self.databases:
            drop_database(url)

    def _clean_redis(self) -> None:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=self.redis_db)
        for key in client.scan_iter(match=f"*{self.queue}*"):
            client.delete(key)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def write_registry(path: Path, periods: int, today: dt.date) -> list[str]:
    """Write a one-employer registry whose catch-up covers the last `periods` periods."""
    from payroll_link.periods import period_containing

    last = period_containing("monthly", today).previous()
    labels, first = [last.label], last
    for _ in range(periods - 1):
        first = first.previous()
        labels.insert(0, first.label)
    data = yaml.safe_load((REPO / "config" / "employers.yaml").read_text())
    entry = next(e for e in data["employers"] if e["employer_id"] == "bakkerij_van_den_berg")
    entry.update(employer_id=EMPLOYER, first_exchange_date=last.start.isoformat(),
                 backfill_start=first.start.isoformat())
    path.write_text(yaml.safe_dump({"employers": [entry]}, allow_unicode=True))
    return labels


def airflow_settings(stack: Stack, meta_url: str, api_port: int) -> dict[str, str]:
    """Return the Celery topology's Airflow settings (the compose file's, on loopback)."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta_url,
        "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:6379/{stack.redis_db}",
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{meta_url}",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": stack.queue,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__PARALLELISM": "8",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "payroll_link.hostname.worker_hostname",
        "AIRFLOW__CORE__FERNET_KEY": _fernet_key(),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(48),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "10",
        "GX_ANALYTICS_ENABLED": "False",
    }


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def bring_up(stack: Stack, periods: int) -> tuple[dict, list[str]]:
    """Create databases, start simulators and Airflow; return (env, period labels)."""
    from payroll_link.demo import airflow_env
    from simulators.asr_receiver import ENDPOINT

    today = dt.date.today()
    labels = write_registry(stack.home / "employers.yaml", periods, today)
    meta_url, wh_url = stack.database("koppeling_smoke_meta"), stack.database("koppeling_smoke_wh")
    sim_port, receiver_port, api_port = free_port(), free_port(), free_port()
    base = dict(os.environ, PYTHONUNBUFFERED="1")
    stack.start("nmbrs-sim", [sys.executable, "-m", "simulators.nmbrs_sim", "--port",
                              str(sim_port), "--clock", today.isoformat()], base)
    stack.start("asr-receiver", [sys.executable, "-m", "simulators.asr_receiver", "--port",
                                 str(receiver_port)], base)
    env = airflow_env(f"http://127.0.0.1:{sim_port}/soap/v3/", wh_url,
                      stack.home / "employers.yaml", stack.home / "airflow",
                      receiver_endpoint=f"http://127.0.0.1:{receiver_port}{ENDPOINT}")
    env.update(airflow_settings(stack, meta_url, api_port), WAREHOUSE_URL=wh_url)
    for argv in (["airflow", "db", "migrate"], [sys.executable, "-m", "payroll_link.cli",
                                                "migrate"],
                 [sys.executable, "-m", "payroll_link.cli", "pools"]):
        subprocess.run(argv, env=env, check=True, capture_output=True, cwd=REPO)
    start_airflow(stack, env, api_port)
    return env, labels


def start_airflow(stack: Stack, env: dict, api_port: int) -> None:
    """Start the Airflow processes of the compose file, the workers under their own names."""
    stack.start("api-server", ["airflow", "api-server", "--host", "127.0.0.1", "--port",
                               str(api_port)], env)
    # As compose's depends_on: tasks talk to the Execution API, so the rest waits for it.
    wait_until_healthy(f"http://127.0.0.1:{api_port}/api/v2/monitor/health", stack)
    for role in ("scheduler", "dag-processor", "triggerer"):
        stack.start(role, ["airflow", role], env)
    for name in WORKERS:
        worker_env = dict(env, KOPPELING_HOSTNAME=name,
                          AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()))
        stack.start(f"worker-{name}", ["airflow", "celery", "worker", "-H", name, "-q",
                                       stack.queue, "--concurrency", "2"], worker_env)


def wait_until_healthy(url: str, stack: Stack, timeout: float = 300) -> None:
    """Wait until `url` answers 200 (the api-server is up), failing early if a process died."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        _check_alive(stack)
        time.sleep(2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def wait_for_runs(meta_url: str, count: int, timeout: float, stack: Stack) -> dict[str, int]:
    """Poll the metadata DB until `count` payroll runs finished; return {state: runs}."""
    engine = create_engine(meta_url)
    deadline, states, last_print = time.monotonic() + timeout, {}, 0.0
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            states = dict(conn.execute(text(
                "select state, count(*) from dag_run where dag_id = :d group by state"),
                {"d": f"payroll_{EMPLOYER}"}).all())
        if states.get("success", 0) + states.get("failed", 0) >= count:
            break
        _check_alive(stack)
        if time.monotonic() - last_print > 30:
            print(f"runs so far: {states or 'none yet'}", flush=True)
            last_print = time.monotonic()
        time.sleep(5)
    engine.dispose()
    return states


def _check_alive(stack: Stack) -> None:
    dead = [name for name, proc in stack.procs if proc.poll() is not None]
    if dead:
        raise RuntimeError(f"process(es) exited early: {dead}; logs in {stack.home}")


def evidence(env: dict) -> tuple[str, dict[str, int], int]:
    """Return (executor that ran the tasks, {worker hostname: task instances}, delivered).

    The executor is named only when Celery's result backend (in the metadata DB) holds a
    successful Celery task for every successful task instance: the tasks went through Celery.
    """
    engine = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    with engine.connect() as conn:
        hosts = dict(conn.execute(text(
            "select hostname, count(*) from task_instance where dag_id = :d and "
            "state = 'success' and queue = :q group by hostname"),
            {"d": f"payroll_{EMPLOYER}", "q": env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"]}).all())
        celery_done = conn.execute(text(
            "select count(*) from celery_taskmeta where status = 'SUCCESS'")).scalar()
    engine.dispose()
    warehouse = create_engine(env["WAREHOUSE_URL"])
    with warehouse.connect() as conn:
        delivered = conn.execute(text("select count(distinct period) from "
                                      "ops.delivery_received where employer_id = :e"),
                                 {"e": EMPLOYER}).scalar()
    warehouse.dispose()
    ran_on_celery = 0 < sum(hosts.values()) <= celery_done
    return env["AIRFLOW__CORE__EXECUTOR"] if ran_on_celery else "unknown", hosts, delivered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stack-smoke", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--periods", type=int, default=3, help="catch-up periods (monthly)")
    parser.add_argument("--timeout", type=float, default=1500, help="seconds for the runs")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database number")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below
    home = Path(tempfile.mkdtemp(prefix="koppeling-stack-smoke-"))
    print(f"logs in {home} (removed when the smoke passes)", flush=True)
    stack, started = Stack(home, args.redis_db), time.monotonic()
    try:
        env, labels = bring_up(stack, args.periods)
        print(f"employer {EMPLOYER}: catch-up of {', '.join(labels)}", flush=True)
        states = wait_for_runs(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], len(labels),
                               args.timeout, stack)
        executor, hosts, delivered = evidence(env)
    finally:
        stack.stop()
    ok, failed = states.get("success", 0), states.get("failed", 0)
    passed = ok == len(labels) and not failed and len(hosts) >= 2 and executor != "unknown"
    if passed:
        shutil.rmtree(home, ignore_errors=True)
    print(f"task instances per worker: {hosts}; periods delivered to a.s.r.: {delivered}; "
          f"{time.monotonic() - started:.0f} s")
    print(f"executor={executor} workers={len(hosts)} runs_ok={ok} runs_failed={failed}")
    return 0 if passed else 1

if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
