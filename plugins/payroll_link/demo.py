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
DEMO_EMPLOYERS = ("bakkerij_van_den_berg", "van_den_berg_banket", "transport_hoekstra")
REST_EMPLOYERS = ("van_den_berg_banket",)  # read through the Nmbrs REST source in the demo
SIM_PORT = 8765


def airflow_env(sim_url: str, warehouse_url: str, registry_path: Path,
                home: Path = AIRFLOW_HOME, receiver_endpoint: str | None = None) -> dict[str, str]:
    """Return the environment of the Airflow processes: home, folders, connections."""
    from simulators.asr_receiver import DEFAULT_TOKEN
    from simulators.nmbrs_sim.world import WorldConfig

    env = dict(os.environ, AIRFLOW_HOME=str(home),
               AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
               AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False",
               KOPPELING_REGISTRY=str(registry_path),
               AIRFLOW_CONN_WAREHOUSE=warehouse_url)
    if not env.get("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY"):  # a key given by the caller wins
        env["AIRFLOW_CONN_KOPPELING_MESSAGE_KEY"] = json.dumps(
            {"conn_type": "generic", "password": demo_message_key(home)})
    if receiver_endpoint:
        env["AIRFLOW_CONN_ASR_DELIVERY"] = json.dumps({
            "conn_type": "asr_https", "host": receiver_endpoint, "password": DEFAULT_TOKEN})
    accounts = {a.username: a for a in WorldConfig().accounts}
    for conn_id, username in demo_connections(registry_path).items():
        acc = accounts[username]
        env[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps({
            "conn_type": "nmbrs", "login": acc.username, "password": acc.token,
            "host": sim_url, "extra": {"domain": acc.domain}})
    return env


def demo_message_key(home: Path) -> str:
    """Return the demo's message key, made once and kept beside the demo's Airflow home."""
    from cryptography.fernet import Fernet

    path = home / "message_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(Fernet.generate_key().decode())
    return path.read_text().strip()


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
    parser.add_argument("--rest", nargs="*", default=list(REST_EMPLOYERS),
                        help="employers read through the REST source (the others: SOAP)")
    args = parser.parse_args(argv)
    return run_demo(args.employers, args.rest)


def run_demo(employer_ids: list[str], rest_ids: tuple[str, ...] = REST_EMPLOYERS) -> int:
    """Warehouse, simulator, Airflow metadata, then two periods per employer; print a summary."""
    from payroll_link import demo_rest
    from payroll_link.registry import dag_id_for, load_registry
    from payroll_link.runtime import REGISTRY_PATH
    from payroll_link.warehouse import Warehouse, make_engine, migrate, warehouse_url
    from simulators.asr_receiver.server import ReceiverServer
    from simulators.nmbrs_rest_sim.server import RestSimulatorServer
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
    rest = RestSimulatorServer(world).start()
    receiver = ReceiverServer().start()
    print(f"simulator  {sim.url} (clock {world.config.clock}); REST simulator {rest.url}; "
          f"a.s.r. receiver {receiver.endpoint}")
    path = demo_rest.demo_registry(REGISTRY_PATH, AIRFLOW_HOME.parent / "demo" / "employers.yaml",
                                   list(rest_ids))
    env = {**airflow_env(sim.url, url, path, receiver_endpoint=receiver.endpoint),
           **demo_rest.rest_env(path, rest.url)}
    soap_env = airflow_env(sim.url, url, REGISTRY_PATH, receiver_endpoint=receiver.endpoint)
    accounts = demo_rest.consent_all(path, rest.url, url)
    print(f"REST       {', '.join(rest_ids) or 'no employer'}: first period through SOAP, then "
          f"switched to REST; consent stored for {', '.join(accounts) or '-'} (simulator OAuth)")
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    for pool_env in (soap_env, env):  # the account pools (SOAP and REST) exist before any run
        subprocess.run([sys.executable, "-m", "payroll_link.cli", "pools"], env=pool_env,
                       check=True, capture_output=True)
    print(f"airflow    home {AIRFLOW_HOME} (metadata: SQLite; account pools created)")
    registry = load_registry(path)
    runs = []
    try:
        for employer_id in employer_ids:
            employer = registry.by_id(employer_id)
            for index, period in enumerate(demo_periods(employer, world.config.clock)):
                before_switch = employer.source == "rest" and index == 0  # SOAP, then REST
                ok, seconds = run_dag(soap_env if before_switch else env, Warehouse(engine),
                                      employer, period)
                outcome = run_outcome(engine, employer, period, ok)
                runs.append((employer, period, outcome != "FAILED"))
                source = demo_rest.run_source(engine, employer.employer_id, period.label)
                print(f"  {dag_id_for(employer):<32} {period.label:<10} {source:<5} "
                      f"{outcome:<24} {seconds:6.1f}s")
    finally:
        sim.stop()
        rest.stop()
        held = dict(receiver.state.store.stats)
        receiver.stop()
    print_summary(engine, runs, time.monotonic() - started)
    print(f"a.s.r. receiver accepted {held['accepted']} messages, refused {held['refused']}, "
          f"answered {held['duplicates']} duplicate posts with their first receipt")
    return 0 if all(ok for *_, ok in runs) else 1


def run_outcome(engine, employer, period, ok: bool) -> str:
    """Say how a period ended: delivered, blocked by the quality gate (expected), or FAILED."""
    from sqlalchemy import text

    keys = {"e": employer.employer_id, "p": period.label}
    with engine.connect() as conn:
        row = conn.execute(text(_PUBLISHED), keys).first()
        if row is None:
            return "FAILED"
        quality = conn.execute(text(_QUALITY), {"x": row.extraction_id}).first()
        delivery = conn.execute(text(
            "select extraction_id from ops.delivery where employer_id = :e and period = :p "
            "and status = 'delivered' order by version desc limit 1"), keys).first()
    if ok and delivery is not None:
        same = str(delivery.extraction_id) == str(row.extraction_id)
        return "delivered" if same else "delivered (unchanged)"
    if ok and _baseline(engine, keys) is not None:
        return "kept as baseline (before the first exchange date)"
    if not ok and quality is not None and not quality.passed:
        return "blocked by quality gate"
    return "FAILED"


def print_summary(engine, runs, seconds: float) -> None:
    """Print per period: employees and rows published, the quality verdict, the delivery."""
    from sqlalchemy import text

    print("\nper employer and period")
    with engine.connect() as conn:
        for employer, period, _ in runs:
            keys = {"e": employer.employer_id, "p": period.label}
            row = conn.execute(text(_PUBLISHED), keys).first()
            if row is None:
                print(f"  {employer.employer_id} {period.label}: nothing published")
                continue
            print(f"  {employer.employer_id} {period.label}: {row.employees} employees, "
                  f"{row.rows} staging rows published (extraction {row.extraction_id})")
            quality = conn.execute(text(_QUALITY), {"x": row.extraction_id}).first()
            if quality is not None:
                verdict = "passed" if quality.passed else "BLOCKED: " + (quality.failing or "")
                print(f"      quality: {quality.errors} error / {quality.warnings} warning "
                      f"rules — {verdict}")
                print(f"      Data Docs: {quality.docs_path}")
            delivery = conn.execute(text(_DELIVERY), keys).first()
            if delivery is not None:
                kinds = ", ".join(f"{k} {v}" for k, v in sorted(delivery.mutations.items()))
                print(f"      delivered v{delivery.version} ({delivery.status}): "
                      f"{delivery.stands} stands, mutations: {kinds or 'none'}; "
                      f"receipt {delivery.receipt_id}")
            elif (kept := _baseline(engine, keys)) is not None:
                print(f"      not delivered: {kept.action} {kept.first_exchange_date} "
                      f"({kept.stands} stands kept in ops.handoff_baseline)")
            elif quality is not None and not quality.passed:
                print("      not delivered (the quality gate blocked the handoff)")
    print(f"\ndone in {seconds:.0f}s. Next: ./run koppeling status | ledger --employer ID; "
          "psql on the warehouse (schemas raw, staging, published, ops); Airflow logs and "
          "Data Docs under .local/")


_PUBLISHED = """
select e.extraction_id, (e.counts ->> 'employees_in_period')::int as employees,
       (select sum(value::int) from jsonb_each_text(e.counts) where key not in
        ('employees_in_period', 'employee_calls')) as rows
from ops.published_partition p join ops.extraction e using (extraction_id)
where p.employer_id = :e and p.period = :p
"""
_QUALITY = """
select r.passed, r.errors, r.warnings, r.docs_path,
       (select string_agg(rule_id || ' (' || failed_count || ')', ', ' order by rule_id)
        from ops.quality_result q where q.quality_run_id = r.quality_run_id
        and q.severity = 'error' and q.failed_count > 0) as failing
from ops.quality_run r where r.extraction_id = :x order by r.started_at desc limit 1
"""
def _baseline(engine, keys: dict):
    """Return the latest baseline row kept for (employer, period), if any."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text(
            "select action, first_exchange_date, stands from ops.handoff_baseline "
            "where employer_id = :e and period = :p order by created_at desc limit 1"),
            keys).first()


_DELIVERY = """
select version, status, stands, mutations, receipt_id from ops.delivery
where employer_id = :e and period = :p order by version desc limit 1
"""


if __name__ == "__main__":
    sys.exit(main())
