"""Reap dead extractions: open rows whose run was killed or timed out become 'failed' with a reason.

A killed worker never reaches its failure callback, so its extraction would stay 'running'. At
the start of every run (any employer) the pipeline asks, for each open extraction, whether its
Airflow run is still queued or running; the ones that are not are failed here with a reason and
their staging rows are removed. An extraction without an Airflow run (an in-process run) is
judged by a lease on its start time instead. No Airflow import: the caller passes `is_alive`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from payroll_link.warehouse.lifecycle import MESSAGE_LIMIT, delete_staging, lock_partition

log = logging.getLogger(__name__)

LEASE = dt.timedelta(hours=24)  # an in-process extraction open longer than this is dead
REAPED = "ReapedError"

_OPEN = text("select extraction_id, employer_id, period, airflow_run_id, status, started_at "
             "from ops.extraction where status in ('running', 'landed') order by started_at")
_FAIL = text("update ops.extraction set status = 'failed', error_class = :c, error_message = :m, "
             "finished_at = now(), reaped_at = now() where extraction_id = :x "
             "and status in ('running', 'landed')")


def open_extractions(engine: Engine) -> list[dict]:
    """Return every open ('running' or 'landed') extraction, oldest first."""
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(_OPEN).mappings()]


def lease_expired(row: dict, now: dt.datetime | None = None) -> bool:
    """Tell whether an extraction without an Airflow run has outlived its lease."""
    now = now or dt.datetime.now(dt.UTC)
    return now - row["started_at"] > LEASE


def reap(engine: Engine, is_alive: Callable[[dict], bool], *, skip: str | None = None
         ) -> list[dict]:
    """Fail every open extraction whose run is dead (``is_alive(row)`` False); return them.

    `skip` is an extraction id never reaped (the caller's own).
    """
    reaped = []
    for row in open_extractions(engine):
        if str(row["extraction_id"]) == skip or is_alive(row):
            continue
        if _fail(engine, row):
            reaped.append(row)
    return reaped


def reason(row: dict) -> str:
    """Return the message recorded on a reaped extraction."""
    if row["airflow_run_id"]:
        return (f"reaped: Airflow run {row['airflow_run_id']} is no longer running (killed, timed "
                f"out or failed) while the extraction was {row['status']}")
    return (f"reaped: open for more than {LEASE} without an Airflow run (the process that "
            f"extracted it died)")


def _fail(engine: Engine, row: dict) -> bool:
    with engine.begin() as conn:
        lock_partition(conn, row["employer_id"], row["period"])
        done = conn.execute(_FAIL, {"x": row["extraction_id"], "c": REAPED,
                                    "m": reason(row)[:MESSAGE_LIMIT]}).rowcount
        if done:
            delete_staging(conn, [str(row["extraction_id"])])
    if done:
        log.warning("%s %s: extraction %s %s", row["employer_id"], row["period"],
                    row["extraction_id"], reason(row))
    return bool(done)
