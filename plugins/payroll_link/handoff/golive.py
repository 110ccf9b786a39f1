"""Go-live semantics: what happens to periods before an employer's first exchange date.

The registry's ``first_exchange_date`` is the start of the first period a.s.r. takes from the
link. A DAG may run earlier periods (``backfill_start``): they are extracted, checked by the
quality gate and built into a stands message like any period, and then

* ``baseline`` (default): kept in ``ops.handoff_baseline`` with the reason
  :data:`BASELINE_ACTION`, not delivered; the ledger (``ops.delivery``) stays empty for them;
* ``history`` (registry ``deliver_history: true``): delivered, the header saying
  ``history: true``.

The first *delivered* period of an employer has no earlier delivered stands to compare with, so
every participant in it carries an ``exchange_start`` mutation (see ``mutations``): a start of the
exchange, not a hire. Mutations follow from there.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from payroll_link.handoff import sealing
from payroll_link.handoff.message import encode

BASELINE_ACTION = "baseline, before first exchange date"
LIVE, HISTORY, BASELINE = "live", "history", "baseline"


def phase(employer, period) -> str:
    """Return ``live``, ``history`` or ``baseline`` for one period of an employer."""
    first = getattr(employer, "first_exchange_date", None)
    if first is None or period.start >= first:
        return LIVE
    return HISTORY if getattr(employer, "deliver_history", False) else BASELINE


def keep_baseline(engine, employer, period, extraction_id: str, message: dict) -> dict:
    """Store the built message as the period's baseline (once per content); return the result.

    The body holds BSNs, addresses and salaries like a delivered message, so it is stored sealed
    with the same key (``koppeling_message_key``; docs/personal-data.md): no key, no row.
    """
    digest = message["employer"]["content_hash"]
    body = sealing.seal(encode(message))  # before any write
    with engine.begin() as conn:
        conn.execute(text(
            "insert into ops.handoff_baseline (baseline_id, employer_id, period, period_start, "
            "period_end, extraction_id, action, first_exchange_date, content_sha256, "
            "schema_name, stands, body) values (:i, :e, :p, :s, :t, :x, :a, :f, :c, :sc, :n, :b) "
            "on conflict (employer_id, period, content_sha256) do nothing"),
            {"i": str(uuid.uuid4()), "e": employer.employer_id, "p": period.label,
             "s": period.start, "t": period.end, "x": extraction_id, "a": BASELINE_ACTION,
             "f": employer.first_exchange_date, "c": digest, "sc": message["schema"],
             "n": len(message["stands"]), "b": body})
    return {"action": BASELINE, "reason": BASELINE_ACTION, "employer_id": employer.employer_id,
            "period": period.label, "version": None, "replaces_version": None,
            "receipt_id": None, "stands": len(message["stands"]),
            "mutations": message["summary"]["mutations"], "later_periods": []}


def baselines(conn, employer_id: str) -> list[dict]:
    """Return the kept baselines of an employer (ids, counts, reason), oldest period first."""
    rows = conn.execute(text(
        "select period, period_start, action, first_exchange_date, extraction_id, stands, "
        "content_sha256, created_at from ops.handoff_baseline where employer_id = :e "
        "order by period_start, created_at"), {"e": employer_id}).mappings().all()
    return [dict(row) for row in rows]
