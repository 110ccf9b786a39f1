"""SIGKILL during staging load, publish and delivery; two concurrent runs of one partition.

Each kill case publishes the partition clean first, then runs it again in a child process that
kills itself at the point (tests/faults/killed_run.py) and checks what a dead worker leaves:
the published rows are still the clean ones (nothing half-published), and the retry the DAG
would make recovers: an extraction re-run publishes rows equal to the clean run; a delivery
re-run finishes the pending version with the same Idempotency-Key, so a.s.r. holds exactly one
message for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from payroll_link.handoff import ledger
from payroll_link.runtime import REPO
from tests.faults.asr_cases import _exactly_one, employer_for
from tests.faults.harness import Outcome, guarded, new_employer

# The loser's classified refusals; PartitionConflictError: another run published the partition
# first (publish is a compare-and-set, docs/running-under-the-scheduler.md).
CONCURRENT_OK = {"ExtractionStateError", "ExtractionSupersededError", "PartitionBusyError",
                 "PartitionConflictError"}


def child(rig, employer_id: str, kill: str, receiver: bool = False) -> subprocess.Popen:
    """Start killed_run for the partition."""
    command = [sys.executable, "-m", "tests.faults.killed_run", "--sim", rig.sim.url,
               "--warehouse", rig.url, "--employer", employer_id, "--year",
               str(rig.period.year), "--number", str(rig.period.number), "--kill", kill]
    if receiver:
        command += ["--receiver", rig.receiver.endpoint]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ))


def run_all(rig, match=None, report=print) -> list[Outcome]:
    """Run the three kill cases."""
    outcomes = []
    for point in ("staging", "publish", "delivery"):
        if match and match not in f"kill {point}":
            continue
        outcome = guarded("kill", f"SIGKILL during {point}", "killed, then recovered",
                          kill_case, rig, point)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


def kill_case(rig, point: str) -> Outcome:
    """Kill a re-run at `point`; check published data and the recovery."""
    employer_id = new_employer()
    rig.reset()
    started, problems = time.monotonic(), []
    if point != "delivery":
        rig.extract(employer_id)
    proc = child(rig, employer_id, point, receiver=point == "delivery")
    _, err = proc.communicate(timeout=120)
    got = "killed" if proc.returncode == -signal.SIGKILL else f"exit {proc.returncode}"
    if got != "killed":
        problems.append(f"the child was not killed at {point}: {err.strip()[-300:]}")
    if rig.leaks(err):
        problems.append(f"the child's output leaked {', '.join(rig.leaks(err))}")
    if point == "delivery":
        problems += _recover_delivery(rig, employer_id)
    else:
        if rig.published(employer_id) != rig.baseline:
            problems.append("published rows changed by the killed run")
        rig.extract(employer_id)
        if rig.published(employer_id) != rig.baseline:
            problems.append("the re-run after the kill does not equal the clean run")
    return Outcome("kill", f"SIGKILL during {point}", "killed, then recovered",
                   got + (", recovered" if not problems else ""), not problems,
                   "; ".join(problems), time.monotonic() - started)


def _recover_delivery(rig, employer_id: str) -> list[str]:
    from payroll_link.handoff.adapters.https import HttpsAdapter
    from payroll_link.handoff.config import load_config
    from payroll_link.handoff.service import deliver_period
    from simulators.asr_receiver import DEFAULT_TOKEN

    extraction_id = rig.warehouse.published_extraction(employer_id, rig.period.label)
    with rig.warehouse.engine.connect() as conn:
        rows = ledger.history(conn, employer_id)
    problems = [] if [r["status"] for r in rows] == ["pending"] else \
        [f"ledger after the kill: {[r['status'] for r in rows]}, not ['pending']"]
    adapter = HttpsAdapter(rig.receiver.endpoint, DEFAULT_TOKEN, attempts=2, backoff_s=0.0)
    config = load_config().with_employer(employer_id, full_time_hours_per_week=38)
    result = deliver_period(rig.warehouse.engine, employer_for(employer_id), extraction_id,
                            rig.period, adapter, config=config)
    return problems + _exactly_one(rig, employer_id, result)


def run_concurrent(rig, match=None, report=print) -> list[Outcome]:
    """Two processes run the same partition at once."""
    if match and match not in "concurrent":
        return []
    employer_id = new_employer()
    rig.reset()
    started = time.monotonic()
    procs = [child(rig, employer_id, "none") for _ in range(2)]
    results = [(p.wait(timeout=120), p.stdout.read().strip(), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    got = " + ".join("ok" if code == 0 else (out or f"exit {code}") for code, out, _ in results)
    problems = []
    unclassified = [out or err.strip()[-200:] for code, out, err in results
                    if code != 0 and out not in CONCURRENT_OK]
    if codes[0] != 0:
        problems.append("neither run succeeded")
    if unclassified:
        problems.append(f"a run failed unclassified: {unclassified}")
    leaked = rig.leaks(*(out + err for _, out, err in results))
    if leaked:
        problems.append(f"leaked {', '.join(leaked)}")
    if rig.published(employer_id) != rig.baseline:
        problems.append("published rows differ from the clean run")
    with rig.warehouse.engine.connect() as conn:
        statuses = sorted(conn.execute(text(
            "select status from ops.extraction where employer_id = :e"),
            {"e": employer_id}).scalars())
    if statuses.count("published") != 1 or "running" in statuses:
        problems.append(f"extraction states {statuses}: not exactly one published, none open")
    outcome = Outcome("concurrent", "two runs of one partition at once",
                      "one published, equal to clean", got, not problems, "; ".join(problems),
                      time.monotonic() - started)
    report(outcome)
    return [outcome]
