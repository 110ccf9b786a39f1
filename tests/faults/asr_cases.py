"""The a.s.r. receiver × {down, slow, 5xx once, 5xx persistent, duplicate}, through deliver_period.

Each case publishes the drill's partition under a fresh employer, delivers it with the fault on,
then (where the fault made the delivery fail) switches the fault off and runs the delivery again
as the DAG's retry would. Held when: the failure was classified (DeliveryTransientError, the
ledger row 'failed' with its class) and, in the end, a.s.r. accepted exactly one message for the
content version, the ledger says 'delivered' with that receipt, and nothing secret was logged.
"""

from __future__ import annotations

import time

from payroll_link.handoff import ledger
from payroll_link.handoff.adapters.https import HttpsAdapter
from payroll_link.handoff.config import load_config
from payroll_link.handoff.service import deliver_period
from payroll_link.registry import load_registry
from payroll_link.runtime import REPO
from simulators.asr_receiver import DEFAULT_TOKEN
from tests.faults.harness import Outcome, captured_logs, guarded, new_employer

CASES = {"down": ({"down": True}, "failed DeliveryTransientError"),
         "slow": ({"delay_s": 1.5}, "failed DeliveryTransientError"),
         "5xx once": ({"fail_next": 1, "fail_status": 500}, "delivered"),
         "5xx persistent": ({"fail_next": 1000, "fail_status": 502},
                            "failed DeliveryTransientError"),
         "duplicate": ({}, "delivered")}


def employer_for(employer_id: str):
    """The drill's company as a registered pension employer under `employer_id`."""
    base = load_registry(REPO / "config" / "employers.yaml").by_id("cafe_de_gouden_leeuw")
    return base.model_copy(update={"employer_id": employer_id, "status": "registered"})


def run_all(rig, match=None, report=print) -> list[Outcome]:
    """Run each receiver case (optionally those whose name contains `match`)."""
    outcomes = []
    for name, (knobs, expected) in CASES.items():
        if match and match not in f"asr {name}":
            continue
        outcome = guarded("asr", f"receiver {name}", expected, run_case,
                          rig, name, knobs, expected)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


def run_case(rig, name: str, knobs: dict, expected: str) -> Outcome:
    """Deliver once with the fault, then again without it; judge the ledger and receiver."""
    employer_id = new_employer()
    rig.reset()
    part = rig.extract(employer_id)
    employer = employer_for(employer_id)
    config = load_config().with_employer(employer_id, full_time_hours_per_week=38)
    adapter = HttpsAdapter(rig.receiver.endpoint, DEFAULT_TOKEN, attempts=3, backoff_s=0.0,
                           read_timeout=1.0, sleep=lambda _: None)
    rig.receiver.state.knobs.update(knobs)
    started, error, problems = time.monotonic(), None, []
    with captured_logs() as lines:
        try:
            deliver_period(rig.warehouse.engine, employer, part.extraction_id, rig.period,
                           adapter, config=config)
        except Exception as err:  # noqa: BLE001 - judged below
            error = err
        got = f"failed {type(error).__name__}" if error else "delivered"
        problems += _after_failure(rig, employer_id, error)
        rig.receiver.state.knobs.__init__()
        time.sleep(knobs.get("delay_s", 0))  # let a slow answer finish before the retry
        result = deliver_period(rig.warehouse.engine, employer, part.extraction_id, rig.period,
                                adapter, config=config)
        if name == "duplicate":
            problems += _resend_same_bytes(rig, employer_id, adapter)
    if got != expected:
        problems.insert(0, f"expected {expected}")
    problems += _exactly_one(rig, employer_id, result)
    leaked = rig.leaks("\n".join(lines), str(error or ""))
    if leaked:
        problems.append(f"leaked {', '.join(leaked)}")
    return Outcome("asr", f"receiver {name}", expected, got, not problems, "; ".join(problems),
                   time.monotonic() - started)


def _after_failure(rig, employer_id: str, error) -> list[str]:
    if error is None:
        return []
    with rig.warehouse.engine.connect() as conn:
        rows = ledger.history(conn, employer_id)
    if not rows or rows[-1]["status"] != "failed":
        return ["the ledger does not record the failed attempt"]
    if rows[-1]["error_class"] != type(error).__name__:
        return ["the ledger row does not carry the error class"]
    if (getattr(error, "employer_id", None), getattr(error, "period", None)) != \
            (employer_id, rig.period.label):
        return ["the error does not name employer and period"]
    return []


def _resend_same_bytes(rig, employer_id: str, adapter) -> list[str]:
    """A retry whose first answer was lost: the same bytes and key again."""
    from payroll_link.handoff.adapters import Envelope

    with rig.warehouse.engine.connect() as conn:
        row = ledger.latest_delivered(conn, employer_id, rig.period.label)
        body = ledger.message_body(conn, row.delivery_id)
    receipt = adapter.deliver(Envelope(body, row.idempotency_key, row.message_id, employer_id,
                                       row.period, row.version, row.content_sha256,
                                       row.schema_name))
    return [] if receipt.receipt_id == row.receipt_id else ["a resend got a new receipt"]


def _exactly_one(rig, employer_id: str, result: dict) -> list[str]:
    with rig.warehouse.engine.connect() as conn:
        rows = ledger.history(conn, employer_id)
    delivered = [r for r in rows if r["status"] == "delivered"]
    keys = {r["idempotency_key"] for r in rows}
    stored = [k for k in rig.receiver.state.store.receipts if k in keys]
    problems = []
    if len(delivered) != 1 or delivered[0]["receipt_id"] != result["receipt_id"]:
        problems.append(f"ledger: {len(delivered)} delivered rows")
    if len(stored) != 1:
        problems.append(f"a.s.r. accepted {len(stored)} messages for one content version")
    return problems
