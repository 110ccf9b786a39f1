"""Warehouse reads for the overview: deliveries, baselines, quality runs, open failures (ops only).

Nothing here reads staging or published data: the columns are ids, labels, statuses, counts,
receipts and error classes/messages (which the pipeline keeps free of personal data).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

_LAST_DELIVERED = """
select distinct on (employer_id) employer_id, period, period_start, period_end, version,
       receipt_id, delivered_at
from ops.delivery
where status = 'delivered' and employer_id = any(:ids)
order by employer_id, period_start desc, version desc
"""

_QUALITY_RUNS = """
select distinct on (r.employer_id, r.period) r.employer_id, r.period, r.quality_run_id,
       r.extraction_id, r.passed, r.errors, r.warnings, r.started_at, r.docs_path,
       (select string_agg(q.rule_id || ' (' || q.failed_count || ')', ', ' order by q.rule_id)
          from ops.quality_result q
         where q.quality_run_id = r.quality_run_id and q.severity = 'error'
           and q.failed_count > 0) as failed_rules
from ops.quality_run r
where r.employer_id = any(:ids)
order by r.employer_id, r.period, r.started_at desc
"""

_EXTRACTIONS = """
select distinct on (employer_id, period) employer_id, period, period_start, period_end,
       extraction_id, status, started_at, finished_at,
       (counts ->> 'employees_in_period')::int as employees, error_class, error_message
from ops.extraction
where employer_id = any(:ids)
order by employer_id, period, started_at desc
"""

_DELIVERY_ATTEMPTS = """
select distinct on (employer_id, period) employer_id, period, period_start, version, status,
       error_class, error_message, coalesce(last_attempt_at, created_at) as at
from ops.delivery
where status <> 'abandoned' and employer_id = any(:ids)
order by employer_id, period, version desc
"""

_BASELINES = """
select distinct on (employer_id, period) employer_id, period, period_start, period_end, action,
       first_exchange_date, stands, created_at,
       count(*) over (partition by employer_id, period) as builds
from ops.handoff_baseline
where employer_id = any(:ids)
order by employer_id, period, created_at desc
"""


def _rows(conn: Connection, sql: str, ids: list[str]) -> list[dict]:
    return [dict(row) for row in conn.execute(text(sql), {"ids": list(ids)}).mappings()]


def last_delivered(conn: Connection, ids: list[str]) -> dict[str, dict]:
    """Return per employer its latest delivered period (highest version) with the receipt."""
    return {row["employer_id"]: row for row in _rows(conn, _LAST_DELIVERED, ids)}


def quality_runs(conn: Connection, ids: list[str]) -> list[dict]:
    """Return the latest quality run of every (employer, period) with its failed error rules."""
    return _rows(conn, _QUALITY_RUNS, ids)


def extractions(conn: Connection, ids: list[str]) -> list[dict]:
    """Return the latest extraction of every (employer, period)."""
    return _rows(conn, _EXTRACTIONS, ids)


def delivery_attempts(conn: Connection, ids: list[str]) -> list[dict]:
    """Return the latest (not abandoned) delivery version of every (employer, period)."""
    return _rows(conn, _DELIVERY_ATTEMPTS, ids)


def baselines(conn: Connection, ids: list[str]) -> list[dict]:
    """Return the latest kept baseline of every (employer, period) before its first exchange date.

    Counts and the reason only (the message body stays in the table); ``builds`` is how many
    differing builds of the period were kept.
    """
    return _rows(conn, _BASELINES, ids)


def quality_page(conn: Connection, quality_run_id: str) -> str | None:
    """Return the stored path of a quality run's page (its index.html), or None."""
    return conn.execute(text(
        "select docs_path from ops.quality_run where quality_run_id = cast(:q as uuid)"),
        {"q": quality_run_id}).scalar()
