"""`koppeling backfill` and `koppeling pools`: history runs for an employer, Nmbrs account pools.

Backfill wraps `airflow backfill create`, which only *queues* runs: a running scheduler (with
an api-server) must pick them up and the DAG must be unpaused. Periods are given as labels
(2026-03, 2026-4W05) and turned into the runs' logical dates, the period starts in
Europe/Amsterdam expressed in UTC (a bare date would be read as UTC midnight and miss a period).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from payroll_link.cli._airflow import POOL_SLOTS
from payroll_link.periods import PayrollPeriod


def register(subparsers) -> None:
    """Add the backfill and pools commands."""
    cmd = subparsers.add_parser("backfill", help="queue history runs of one employer's DAG")
    cmd.add_argument("--employer", required=True, help="employer id from the registry")
    cmd.add_argument("--from", dest="first", required=True, help="first period, e.g. 2026-03")
    cmd.add_argument("--to", dest="last", required=True, help="last period, e.g. 2026-06")
    cmd.add_argument("--dry-run", action="store_true", help="list the runs, queue nothing")
    cmd.add_argument("--unpause", action="store_true", help="unpause the DAG first")
    cmd.add_argument("--watch", action="store_true", help="show run states until all finish")
    cmd.add_argument("--reprocess", choices=["none", "completed", "failed"], default="failed")
    cmd.add_argument("--out-of-order", action="store_true",
                     help="deliver periods older than a delivered one (never by default)")
    cmd.add_argument("--poll-seconds", type=float, default=15.0, help=argparse.SUPPRESS)
    cmd.set_defaults(handler=backfill)
    pools = subparsers.add_parser("pools", help="create/update the Airflow pool per Nmbrs account")
    pools.add_argument("--slots", type=int, default=POOL_SLOTS)
    pools.set_defaults(handler=sync_pools)


def parse_label(frequency: str, label: str) -> PayrollPeriod:
    """Return the period of a label such as 2026-03 or 2026-4W05."""
    from payroll_link.periods import get_period

    year, _, rest = label.partition("-")
    number = rest.upper().removeprefix("4W")
    try:
        return get_period(frequency, int(year), int(number))
    except ValueError as err:
        raise SystemExit(f"period {label!r}: {err}") from None


def logical_date(period: PayrollPeriod) -> str:
    """Return the run's logical date: the period start, Amsterdam midnight, in UTC."""
    from payroll_link.timetable import period_start

    return period_start(period).in_timezone("UTC").isoformat()


def backfill_command(dag_id: str, first: PayrollPeriod, last: PayrollPeriod, *, dry_run: bool,
                     reprocess: str) -> list[str]:
    """Return the `airflow backfill create` command line for a range of periods."""
    command = ["airflow", "backfill", "create", "--dag-id", dag_id,
               "--from-date", logical_date(first), "--to-date", logical_date(last),
               "--reprocess-behavior", reprocess, "--max-active-runs", "1"]
    return command + (["--dry-run"] if dry_run else [])


def backfill(args) -> int:
    """Queue (or list) the runs of a period range; optionally watch them finish."""
    from payroll_link.cli import _airflow
    from payroll_link.registry import dag_id_for

    resolved = _employer_and_range(args)
    if isinstance(resolved, int):
        return resolved
    emp, first, last = resolved
    refused = check_order(emp, first, last, args.out_of_order)
    if refused:
        return refused
    dag_id = dag_id_for(emp)
    if args.unpause and not args.dry_run:
        print(_airflow.set_paused(dag_id, False), file=sys.stderr)
    print(f"{dag_id}: periods {first.label} … {last.label}", file=sys.stderr)
    before = _airflow.latest_backfill_id(dag_id) if args.watch else 0
    command = backfill_command(dag_id, first, last, dry_run=args.dry_run,
                               reprocess=args.reprocess)
    if args.out_of_order:
        command += ["--dag-run-conf", json.dumps({"out_of_order": True})]
    done = subprocess.run(command, check=False)
    if done.returncode or args.dry_run or not args.watch:
        return done.returncode
    return watch_runs(dag_id, before, args.poll_seconds)


def _employer_and_range(args):
    """Return (employer, first, last), or exit code 2 after saying what is wrong."""
    from payroll_link.runtime import employer

    try:
        emp = employer(args.employer)
    except KeyError:
        print(f"koppeling: error: unknown employer {args.employer!r}: not in the registry",
              file=sys.stderr)
        return 2
    if not emp.has_dag:
        print(f"koppeling: error: employer {emp.employer_id!r} is {emp.status}: it has no DAG "
              "to backfill", file=sys.stderr)
        return 2
    first, last = parse_label(emp.frequency, args.first), parse_label(emp.frequency, args.last)
    if (first.year, first.number) > (last.year, last.number):
        raise SystemExit(f"--from {first.label} lies after --to {last.label}")
    return emp, first, last


def check_order(emp, first: PayrollPeriod, last: PayrollPeriod, allowed: bool) -> int:
    """Refuse (exit 2) periods that would be delivered out of order, unless allowed."""
    from payroll_link.backfill_policy import (
        OutOfOrderError,
        baseline_until,
        judge,
        periods_between,
    )
    from payroll_link.runtime import warehouse_engine

    with warehouse_engine().connect() as conn:
        verdict = judge(conn, emp.employer_id, periods_between(first, last), baseline_until(emp))
    if not verdict.out_of_order:
        return 0
    if not allowed:
        try:
            verdict.refuse()
        except OutOfOrderError as err:
            print(f"koppeling: error: {err}", file=sys.stderr)
        return 2
    print(f"out of order, as asked: {', '.join(verdict.out_of_order)}; afterwards re-run "
          f"{', '.join(verdict.later_delivered)} in period order (their mutations become "
          "corrections)", file=sys.stderr)
    return 0


def watch_runs(dag_id: str, after_id: int, poll_s: float = 15.0) -> int:
    """Print the new backfill's run states (from Airflow) until it is done; 1 if a run failed."""
    from payroll_link.cli._airflow import backfill_states

    while True:
        found = backfill_states(dag_id, after_id)
        if found is None:
            print(f"koppeling: error: Airflow holds no new backfill of {dag_id}",
                  file=sys.stderr)
            return 1
        states = found["states"]
        print(f"{time.strftime('%H:%M:%S')} {dag_id} backfill {found['backfill_id']}: " +
              ", ".join(f"{k} {v}" for k, v in states.items()), file=sys.stderr)
        if not states["queued"] and not states["running"]:
            return 1 if states["failed"] else 0
        time.sleep(poll_s)


def sync_pools(args) -> int:
    """Create or resize one Airflow pool per Nmbrs connection used by a DAG employer."""
    from payroll_link.cli._airflow import ensure_pools
    from payroll_link.runtime import registry

    for pool in ensure_pools(registry().dag_employers, args.slots):
        print(f"pool {pool}: {args.slots} slots")
    return 0
