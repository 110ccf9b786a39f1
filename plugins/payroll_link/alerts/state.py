"""Alert state in the warehouse (V0550): claim an alert before sending it, so it goes out once.

Pure SQLAlchemy on the warehouse engine; callers send inside the same transaction where it
matters (a deadline alert whose sending failed is rolled back and raised again next time).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine


def claim_failure(engine: Engine, *, dag_id: str, run_id: str, attempt: str,
                  employer_id: str, period: str, task_id: str, error_class: str) -> bool:
    """Record the failed attempt; return False when another task of it was alerted already."""
    with engine.begin() as conn:
        row = conn.execute(text(
            "insert into ops.alert_failure (dag_id, run_id, attempt, employer_id, period, "
            "task_id, error_class) values (:d, :r, :t, :e, :p, :k, :c) "
            "on conflict do nothing returning 1"),
            {"d": dag_id, "r": run_id, "t": attempt, "e": employer_id, "p": period,
             "k": task_id, "c": error_class[:200]}).first()
    return row is not None


def delivered_periods(conn: Connection, employer_id: str) -> dict[str, int]:
    """Return {period label: current delivered version} of what a.s.r. received."""
    rows = conn.execute(text(
        "select period, max(version) from ops.delivery_received where employer_id = :e "
        "group by period"), {"e": employer_id})
    return {period: version for period, version in rows}


def open_alerts(conn: Connection, employer_id: str) -> dict[str, dt.date]:
    """Return {period: due date} of the employer's raised, unresolved deadline alerts."""
    rows = conn.execute(text(
        "select period, due_date from ops.deadline_alert where employer_id = :e "
        "and resolved_at is null"), {"e": employer_id})
    return {period: due for period, due in rows}


def raise_deadline(conn: Connection, employer_id: str, period: str, period_end: dt.date,
                   due_date: dt.date) -> bool:
    """Record a missed deadline; return False when it was raised before (then send nothing)."""
    row = conn.execute(text(
        "insert into ops.deadline_alert (employer_id, period, period_end, due_date) "
        "values (:e, :p, :end, :due) on conflict do nothing returning 1"),
        {"e": employer_id, "p": period, "end": period_end, "due": due_date}).first()
    return row is not None


def resolve_deadline(conn: Connection, employer_id: str, period: str) -> bool:
    """Mark a raised deadline resolved; return False when it was resolved already."""
    row = conn.execute(text(
        "update ops.deadline_alert set resolved_at = now() where employer_id = :e "
        "and period = :p and resolved_at is null returning 1"),
        {"e": employer_id, "p": period}).first()
    return row is not None
