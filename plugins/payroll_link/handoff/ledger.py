"""The delivery ledger (``ops.delivery``, V0030): claim, record outcomes, answer questions.

Every function takes an SQLAlchemy connection; the caller owns the transaction. Rows carry ids,
hashes, statuses and counts; the message bytes live in ``ops.delivery_message``, encrypted
(``sealing``, V0400) and deleted by retention once they are no longer needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from payroll_link.handoff import sealing
from payroll_link.handoff.errors import HandoffDataError, HandoffError

_COLUMNS = ("delivery_id, employer_id, period, period_start, version, replaces_version, status, "
            "content_sha256, idempotency_key, message_id, receipt_id, attempts, stands, "
            "mutations, adapter, schema_name")
HISTORY_COLUMNS = ("employer_id", "period", "version", "replaces_version", "status",
                   "delivered_at", "receipt_id", "adapter", "target", "stands", "mutations",
                   "mutation_total", "content_sha256", "extraction_id", "attempts",
                   "last_attempt_at", "error_class", "error_message", "idempotency_key")


@dataclass(frozen=True)
class Delivery:
    """One ledger row (no personal data)."""

    delivery_id: str
    employer_id: str
    period: str
    period_start: dt.date
    version: int
    replaces_version: int | None
    status: str
    content_sha256: str
    idempotency_key: str
    message_id: str
    receipt_id: str | None
    attempts: int
    stands: int
    mutations: dict
    adapter: str
    schema_name: str


def _one(conn: Connection, where: str, params: dict) -> Delivery | None:
    row = conn.execute(text(f"select {_COLUMNS} from ops.delivery where {where} "
                            "order by period_start desc, version desc limit 1"), params).first()
    if row is None:
        return None
    values = dict(row._mapping)
    values["delivery_id"] = str(values["delivery_id"])
    return Delivery(**values)


def latest_attempt(conn: Connection, employer_id: str, period: str) -> Delivery | None:
    """Return the highest version of (employer, period) whatever its status."""
    return _one(conn, "employer_id = :e and period = :p and status <> 'abandoned'",
                {"e": employer_id, "p": period})


def latest_delivered(conn: Connection, employer_id: str, period: str) -> Delivery | None:
    """Return the highest delivered version of (employer, period)."""
    return _one(conn, "employer_id = :e and period = :p and status = 'delivered'",
                {"e": employer_id, "p": period})


def base_for(conn: Connection, employer_id: str, period_start: dt.date) -> Delivery | None:
    """Return the latest delivered version of the latest delivered period before this one."""
    return _one(conn, "employer_id = :e and period_start < :s and status = 'delivered'",
                {"e": employer_id, "s": period_start})


def later_delivered(conn: Connection, employer_id: str, period_start: dt.date) -> list[str]:
    """Return the labels of delivered periods after this one, in order."""
    rows = conn.execute(text(
        "select period from ops.delivery where employer_id = :e and period_start > :s and "
        "status = 'delivered' group by period, period_start order by period_start"),
        {"e": employer_id, "s": period_start}).scalars().all()
    return list(rows)


class MessagePurgedError(HandoffDataError):
    """The message of a ledger row was deleted by retention (its hashes and receipt remain)."""


def message_body(conn: Connection, delivery_id: str) -> bytes:
    """Return the exact bytes sent for a ledger row (decrypted)."""
    row = conn.execute(text("select body, format from ops.delivery_message "
                            "where delivery_id = :d"), {"d": delivery_id}).first()
    if row is None:
        raise MessagePurgedError(f"delivery {delivery_id}: its message was purged by retention; "
                                 "only the ledger row (hashes, receipt, counts) remains")
    return sealing.unseal(bytes(row.body), row.format, what=f"delivery {delivery_id}")


def claim(conn: Connection, *, employer_id: str, period, version: int,
          replaces_version: int | None, extraction_id: str, message: dict, body: bytes,
          idempotency_key: str, adapter, mutations: dict) -> str:
    """Insert a 'pending' row with its message bytes (sealed); return the delivery id."""
    sealed = sealing.seal(body)  # before any write: no key, no row
    delivery_id = str(uuid.uuid4())
    conn.execute(text(
        "insert into ops.delivery (delivery_id, employer_id, period, period_start, period_end, "
        "version, replaces_version, extraction_id, message_id, idempotency_key, content_sha256, "
        "message_sha256, message_bytes, schema_name, adapter, target, stands, mutations, "
        "mutation_total) values (:d, :e, :p, :s, :t, :v, :r, :x, :m, :k, :c, :h, :n, :sc, :a, "
        ":tg, :st, cast(:mu as jsonb), :mt)"),
        {"d": delivery_id, "e": employer_id, "p": period.label, "s": period.start,
         "t": period.end, "v": version, "r": replaces_version, "x": extraction_id,
         "m": message["message"]["message_id"], "k": idempotency_key,
         "c": message["employer"]["content_hash"], "h": hashlib.sha256(body).hexdigest(),
         "n": len(body), "sc": message["schema"], "a": adapter.name, "tg": adapter.target,
         "st": len(message["stands"]), "mu": json.dumps(mutations),
         "mt": sum(mutations.values())})
    conn.execute(text("insert into ops.delivery_message (delivery_id, body, format) "
                      "values (:d, :b, :f)"), {"d": delivery_id, "b": sealed, "f": sealing.SEALED})
    return delivery_id


def record_attempt(conn: Connection, delivery_id: str, *, status: str,
                   receipt_id: str | None = None, error: BaseException | None = None) -> None:
    """Record one send attempt: delivered (with receipt), failed or rejected (with error)."""
    conn.execute(text(
        "update ops.delivery set status = :st, attempts = attempts + 1, last_attempt_at = now(), "
        "receipt_id = coalesce(:r, receipt_id), "
        "delivered_at = case when :st = 'delivered' then now() else delivered_at end, "
        "error_class = :ec, error_message = :em where delivery_id = :d"),
        {"st": status, "r": receipt_id, "d": delivery_id,
         "ec": type(error).__name__ if error else None,
         "em": _safe_text(error)})


def _safe_text(error: BaseException | None) -> str | None:
    """Keep the text of our own errors (ids, paths, statuses); others may quote values."""
    if not isinstance(error, HandoffError) or not str(error):
        return None
    return str(error).splitlines()[0][:500]


def abandon_unconfirmed(conn: Connection, employer_id: str, period: str) -> int:
    """Mark pending/failed versions of a period abandoned (a newer version supersedes them)."""
    return conn.execute(text(
        "update ops.delivery set status = 'abandoned' where employer_id = :e and period = :p "
        "and status in ('pending', 'failed')"), {"e": employer_id, "p": period}).rowcount


def history(conn: Connection, employer_id: str, period: str | None = None) -> list[dict]:
    """Return the ledger rows of an employer (optionally one period), oldest first."""
    rows = conn.execute(text(
        f"select {', '.join(HISTORY_COLUMNS)} from ops.delivery where employer_id = :e "
        "and (cast(:p as text) is null or period = :p) order by period_start, version"),
        {"e": employer_id, "p": period}).mappings().all()
    return [dict(row) for row in rows]
