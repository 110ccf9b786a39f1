"""Deliver one (employer, period) to a.s.r.: the entry point the DAG calls after the quality gate.

``deliver_period`` builds the period's stands from the published extraction, derives mutations
against the stands a.s.r. last received, validates the message against its JSON Schema, claims a
ledger row with the exact bytes, sends them through the employer's adapter and records the
receipt. It returns ids and counts only (XCom-safe).

Versions and corrections
    The first message of a period is version 1. A re-run whose content hash equals the latest
    version's sends nothing (``unchanged``). A re-run with different content is sent as a
    correction: version n+1 with ``replaces_version`` = the latest version a.s.r. confirmed; it
    is a full replacement of the period (all stands, and the mutations of that period derived
    again against the period before it). A version that failed in transit is resent with the
    same bytes and Idempotency-Key, so a.s.r. stores it once; a rejected one is not resent.

What a correction of period n means for periods n+1… already delivered
    Nothing is resent automatically. Every delivered period is a complete set of stands in its
    own right and stays valid; one run works on one partition (DESIGN §2), and a later period
    can only be rebuilt from its own (re-)extraction. Its mutations were derived against the
    replaced version of n, so the result names those periods in ``later_periods`` and the log
    says so: re-run them (clear their DAG runs, in order: max_active_runs=1). Each re-run builds
    its stands again and its mutations against the corrected n; when either changed it goes out
    as a correction of its own, otherwise nothing is sent.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy.exc import IntegrityError

from payroll_link.handoff import golive, ledger
from payroll_link.handoff.adapters import Envelope
from payroll_link.handoff.build import compose
from payroll_link.handoff.config import load_config
from payroll_link.handoff.errors import (
    DeliveryConflictError,
    DeliveryError,
    DeliveryRejectedError,
)
from payroll_link.handoff.message import encode, idempotency_key, with_version
from payroll_link.handoff.reader import read_inputs
from payroll_link.handoff.schema import validate
from payroll_link.handoff.stand_pay import unused_codes

log = logging.getLogger(__name__)


def deliver_period(engine, employer, extraction_id: str, period, adapter, *,
                   config=None) -> dict:
    """Deliver the period's stands if their content changed; return ids and counts.

    Returns ``{action: 'sent'|'unchanged'|'correction'|'baseline', version, replaces_version,
    receipt_id, stands, mutations: {kind: count}, later_periods, employer_id, period}``; a period
    before the employer's first exchange date is kept as baseline (``golive``), not sent.
    """
    employer_id, label = employer.employer_id, period.label
    settings = (config or load_config()).settings_for(employer)
    inputs = read_inputs(engine, employer_id, label, str(extraction_id))
    _report_unused_codes(settings, inputs, employer_id, label)
    phase = golive.phase(employer, period)
    if phase == golive.BASELINE:  # before the first exchange date: build, check, keep
        return _keep_baseline(engine, employer, period, str(extraction_id), settings, inputs)
    base_stands, latest, confirmed, later = _ledger_state(engine, employer_id, period)
    message, unexplained = compose(inputs, employer, period, str(extraction_id), settings,
                                   base_stands, history=phase == golive.HISTORY)
    if unexplained:
        log.warning("%s %s: %d employments delivered as running are gone without an end date",
                    employer_id, label, unexplained)
    digest = message["employer"]["content_hash"]
    if latest is not None and latest.content_sha256 == digest:
        return _repeat(engine, latest, adapter, later)
    version = latest.version + 1 if latest else 1
    replaces = confirmed.version if confirmed else None
    message = with_version(message, employer, period, version, replaces)
    validate(message, employer_id=employer_id, period=label, version=version)
    result = _send_new(engine, message, employer, period, str(extraction_id), adapter)
    if replaces is not None and later:
        log.warning("%s %s: correction v%d sent; later periods %s were derived from v%d: "
                    "re-run them to refresh their mutations", employer_id, label, version,
                    later, replaces)
    return {**result, "later_periods": later if replaces is not None else []}


def _keep_baseline(engine, employer, period, extraction_id: str, settings, inputs) -> dict:
    """Build and validate the period like a delivery, then keep it as baseline (not sent)."""
    message, _ = compose(inputs, employer, period, extraction_id, settings, None)
    validate(message, employer_id=employer.employer_id, period=period.label, version=0)
    log.info("%s %s: %s (%s); not delivered", employer.employer_id, period.label,
             golive.BASELINE_ACTION, employer.first_exchange_date)
    return golive.keep_baseline(engine, employer, period, extraction_id, message)


def _report_unused_codes(settings, inputs, employer_id: str, label: str) -> None:
    """Warn when the scheme counts a wage code the company's period has on no line (codes only)."""
    unused = unused_codes(settings.scheme, inputs.rows.get("wage_code_line", ()))
    if unused:
        log.warning("%s %s: scheme %s counts wage codes %s that no wage-code line of the period "
                    "has; check the scheme against the company's wage-code plan", employer_id,
                    label, settings.scheme_id, unused)


def _ledger_state(engine, employer_id: str, period):
    """Return (base stands or None, latest attempt, latest confirmed, later periods)."""
    with engine.connect() as conn:
        base = ledger.base_for(conn, employer_id, period.start)
        base_stands = (json.loads(ledger.message_body(conn, base.delivery_id))["stands"]
                       if base else None)
        return (base_stands, ledger.latest_attempt(conn, employer_id, period.label),
                ledger.latest_delivered(conn, employer_id, period.label),
                ledger.later_delivered(conn, employer_id, period.start))


def _repeat(engine, latest: ledger.Delivery, adapter, later: list[str]) -> dict:
    """Same content as the latest version: nothing to send, or finish sending it."""
    if latest.status == "delivered":
        log.info("%s %s: content unchanged since v%d; nothing sent", latest.employer_id,
                 latest.period, latest.version)
        return _result(latest, "unchanged", latest.receipt_id, later=[])
    if latest.status == "rejected":
        raise DeliveryRejectedError(
            f"{latest.message_id} with this content was rejected by a.s.r.; fix the data and "
            "re-extract (the ledger row has the receiver's error code)",
            employer_id=latest.employer_id, period=latest.period, version=latest.version)
    with engine.connect() as conn:
        body = ledger.message_body(conn, latest.delivery_id)
    envelope = Envelope(body, latest.idempotency_key, latest.message_id, latest.employer_id,
                        latest.period, latest.version, latest.content_sha256, latest.schema_name)
    receipt = _attempt(engine, latest.delivery_id, adapter, envelope)
    action = "correction" if latest.replaces_version is not None else "sent"
    return _result(latest, action, receipt, later if action == "correction" else [])


def _send_new(engine, message: dict, employer, period, extraction_id: str, adapter) -> dict:
    """Claim a ledger row for a new version with its bytes, then send it."""
    header = message["message"]
    digest = message["employer"]["content_hash"]
    key = idempotency_key(employer.employer_id, period.label, header["version"], digest)
    body = encode(message)
    counts = message["summary"]["mutations"]
    try:
        with engine.begin() as conn:
            ledger.abandon_unconfirmed(conn, employer.employer_id, period.label)
            delivery_id = ledger.claim(
                conn, employer_id=employer.employer_id, period=period,
                version=header["version"], replaces_version=header["replaces_version"],
                extraction_id=extraction_id, message=message, body=body, idempotency_key=key,
                adapter=adapter, mutations=counts)
    except IntegrityError:
        raise DeliveryConflictError(f"{header['message_id']}: another delivery of "
                                    f"{employer.employer_id} {period.label} claimed this version",
                                    employer_id=employer.employer_id, period=period.label,
                                    version=header["version"]) from None
    envelope = Envelope(body, key, header["message_id"], employer.employer_id, period.label,
                        header["version"], digest, message["schema"])
    receipt = _attempt(engine, delivery_id, adapter, envelope)
    action = "correction" if header["replaces_version"] is not None else "sent"
    log.info("%s %s: v%d %s (%d stands, mutations %s), receipt %s", employer.employer_id,
             period.label, header["version"], action, len(message["stands"]), counts, receipt)
    return {"action": action, "employer_id": employer.employer_id, "period": period.label,
            "version": header["version"], "replaces_version": header["replaces_version"],
            "receipt_id": receipt, "stands": len(message["stands"]), "mutations": counts}


def _attempt(engine, delivery_id: str, adapter, envelope: Envelope) -> str:
    """Send once through the adapter and record the outcome; return the receipt id."""
    try:
        receipt = adapter.deliver(envelope)
    except DeliveryRejectedError as err:
        _record(engine, delivery_id, "rejected", error=err)
        raise
    except Exception as err:  # noqa: BLE001 - recorded (class only unless ours), re-raised
        _record(engine, delivery_id, "failed", error=err)
        if isinstance(err, DeliveryError):
            raise
        raise DeliveryError(f"{envelope.message_id}: {adapter.name} delivery failed "
                            f"({type(err).__name__})", adapter=adapter.name,
                            employer_id=envelope.employer_id, period=envelope.period,
                            version=envelope.version) from err
    except BaseException as err:  # task timeout or termination: recorded, raised as it is, so
        _record(engine, delivery_id, "failed", error=err)  # the task stays retriable
        raise
    _record(engine, delivery_id, "delivered", receipt_id=receipt.receipt_id)
    return receipt.receipt_id


def _record(engine, delivery_id: str, status: str, **outcome) -> None:
    with engine.begin() as conn:
        ledger.record_attempt(conn, delivery_id, status=status, **outcome)


def _result(row: ledger.Delivery, action: str, receipt: str | None, later: list[str]) -> dict:
    return {"action": action, "employer_id": row.employer_id, "period": row.period,
            "version": row.version, "replaces_version": row.replaces_version,
            "receipt_id": receipt, "stands": row.stands, "mutations": dict(row.mutations),
            "later_periods": later}


def summary_line(result: dict) -> str:
    """Return the line the demo prints per employer and period (ids and counts only)."""
    kinds = ", ".join(f"{kind} {count}" for kind, count in result["mutations"].items())
    version = "-" if result["version"] is None else result["version"]
    return (f"{result['employer_id']:<28} {result['period']:<10} {result['action']:<10} "
            f"v{version}  stands {result['stands']:>5}  mutations: {kinds or 'none'}  "
            f"receipt {result['receipt_id'] or '-'}")
