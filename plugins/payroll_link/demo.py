"""The demo (README's first command): simulator → Airflow DAG runs → published warehouse rows.

Brings up the warehouse by the embedded-default rule, starts the Nmbrs simulator, migrates,
and runs each demo employer's DAG through Airflow (`airflow dags test`) for two consecutive
payroll periods, then prints what landed and where to look next.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from payroll_link.runtime import REPO

AIRFLOW_HOME = REPO / ".local" / "airflow"
DEMO_EMPLOYERS = ("bakkerij_van_den_berg", "van_den_berg_banket")
SIM_PORT = 8765


def airflow_env(sim_url: str, warehouse_url: str, registry_path: Path,
                home: Path = AIRFLOW_HOME) -> dict[str, str]:
    """Return the environment of the Airflow processes: home, folders, connections."""
    from simulators.nmbrs_sim.world import WorldConfig

    env = dict(os.environ, AIRFLOW_HOME=str(home),
               AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
               AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False",
               KOPPELING_REGISTRY=str(registry_path),
               AIRFLOW_CONN_WAREHOUSE=warehouse_url)
    accounts = {a.username: a for a in WorldConfig().accounts}
    for conn_id, username in demo_connections(registry_path).items():
        acc = accounts[username]
        env[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps({
            "conn_type": "nmbrs", "login": acc.username, "password": acc.token,
            "host": sim_url, "extra": {"domain": acc.domain}})
    return env


def demo_connections(registry_path: Path) -> dict[str, str]:
    """Map each demo employer's connection id to the simulator user that serves its debtor."""
    from payroll_link.registry import load_registry

    users = {1001: "koppeling@bakkerijvandenberg.nl", 1003: "koppeling@degoudenleeuw.nl",
             1004: "koppeling@hoekstratransport.nl", 1005: "koppeling@noorderzorg.nl"}
    return {e.nmbrs_conn_id: users[e.nmbrs_debtor_id]
            for e in load_registry(registry_path).employers if e.nmbrs_debtor_id in users}


def demo_periods(employer, clock) -> list:
    """Return the two latest periods whose payroll has run at the simulator's clock."""
    from payroll_link.periods import period_containing

    current = period_containing(employer.frequency, clock)
    return [current.previous().previous(), current.previous()]


def run_dag(env: dict, warehouse, employer, period) -> tuple[bool, float]:
    """Run one period with `airflow dags test`; success = a new extraction got published."""
    from payroll_link.registry import dag_id_for

    dag_id = dag_id_for(employer)
    before = warehouse.published_extraction(employer.employer_id, period.label)
    logical = (period.end + timedelta(days=1)).isoformat()
    started = time.monotonic()
    log = Path(env["AIRFLOW_HOME"]) / "logs" / f"demo_{dag_id}_{period.label}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.run(["airflow", "dags", "test", dag_id, logical], env=env,
                              stdout=out, stderr=subprocess.STDOUT, check=False)
    after = warehouse.published_extraction(employer.employer_id, period.label)
    ok = proc.returncode == 0 and after is not None and after != before
    return ok, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    """Run the demo and print the summary."""
    parser = argparse.ArgumentParser(prog="demo", description=__doc__)
    parser.add_argument("--employers", nargs="*", default=list(DEMO_EMPLOYERS))
    args = parser.parse_args(argv)
    return run_demo(args.employers)


def run_demo(employer_ids: list[str]) -> int:
    """Warehouse, simulator, Airflow metadata, then two periods per employer; print a summary."""
    from payroll_link.registry import dag_id_for, load_registry
    from payroll_link.runtime import REGISTRY_PATH
    from payroll_link.warehouse import Warehouse, make_engine, migrate, warehouse_url
    from simulators.nmbrs_sim.dataset import World
    from simulators.nmbrs_sim.server import SimulatorServer

    started = time.monotonic()
    url = warehouse_url()
    engine = make_engine(url)
    applied = migrate(engine)
    print(f"warehouse  {engine.url.render_as_string(hide_password=True)} "
          f"(migrations applied now: {len(applied)})")
    world = World()
    sim = SimulatorServer(world).start()
    print(f"simulator  {sim.url} (clock {world.config.clock})")
    env = airflow_env(sim.url, url, REGISTRY_PATH)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    print(f"airflow    home {AIRFLOW_HOME} (metadata: SQLite)")
    registry = load_registry(REGISTRY_PATH)
    runs = []
    try:
        for employer_id in employer_ids:
            employer = registry.by_id(employer_id)
            for period in demo_periods(employer, world.config.clock):
                ok, seconds = run_dag(env, Warehouse(engine), employer, period)
                runs.append((employer, period, ok))
                print(f"  {dag_id_for(employer):<32} {period.label:<10} "
                      f"{'success' if ok else 'FAILED':<8} {seconds:6.1f}s")
    finally:
        sim.stop()
    print_summary(engine, runs, time.monotonic() - started)
    return 0 if all(ok for *_, ok in runs) else 1


def print_summary(engine, runs, seconds: float) -> None:
    """Print per period the employees and published rows per table, and where to look next."""
    from sqlalchemy import text

    from payroll_link.staging import ENTITIES

    print("\npublished partitions")
    with engine.connect() as conn:
        for employer, period, _ in runs:
            row = conn.execute(text(
                "select e.extraction_id, e.counts from ops.published_partition p join "
                "ops.extraction e using (extraction_id) where p.employer_id = :e and "
                "p.period = :p"), {"e": employer.employer_id, "p": period.label}).first()
            if row is None:
                print(f"  {employer.employer_id} {period.label}: nothing published")
                continue
            counts = {name: conn.execute(text(
                f"select count(*) from published.{name} where _employer = :e and _period = :p"),
                {"e": employer.employer_id, "p": period.label}).scalar() for name in ENTITIES}
            print(f"  {employer.employer_id} {period.label} extraction {row[0]}: "
                  f"{row[1].get('employees_in_period', '?')} employees; "
                  + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"\ndone in {seconds:.0f}s. Next: ./run koppeling status; psql on the warehouse "
          "(schemas raw, staging, published, ops); Airflow logs under .local/airflow/logs")


if __name__ == "__main__":
    sys.exit(main())
