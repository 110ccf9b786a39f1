"""Extraction state changes that readers can see: publish, fail, discard.

``publish`` is the only way rows become visible (through the ``published`` views): in one
transaction it points ``ops.published_partition`` at the extraction, supersedes the previous one
and deletes the rows of superseded and failed extractions of that partition from staging.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection

from payroll_link.staging import ENTITIES
from payroll_link.warehouse.errors import ExtractionStateError, PartitionConflictError

log = logging.getLogger(__name__)

PARTITION_LOCK_CLASS = 74_202  # first key of pg_advisory_xact_lock(int, int) for partitions
MESSAGE_LIMIT = 2000
OPEN = ("running", "landed")


def lock_partition(conn: Connection, employer_id: str, period: str) -> None:
    """Serialise publish/discard of one (employer, period) until the transaction ends."""
    conn.execute(text("select pg_advisory_xact_lock(:c, hashtext(:e || '/' || :p))"),
                 {"c": PARTITION_LOCK_CLASS, "e": employer_id, "p": period})


def extraction_row(conn: Connection, extraction_id: str, *, lock: str = "") -> dict:
    """Return the ops.extraction row (optionally `for update`/`for share`) or raise."""
    row = conn.execute(text(f"select * from ops.extraction where extraction_id = :x {lock}"),
                       {"x": extraction_id}).mappings().first()
    if row is None:
        raise ExtractionStateError(f"extraction {extraction_id} does not exist",
                                   extraction_id=extraction_id)
    return dict(row)


def delete_staging(conn: Connection, extraction_ids: list[str]) -> int:
    """Delete the staging rows of `extraction_ids` from every staging table; return the count."""
    if not extraction_ids:
        return 0
    deleted = 0
    for name in ENTITIES:
        result = conn.execute(
            text(f'delete from staging."{name}" where _extraction_id = any(cast(:ids as uuid[]))'),
            {"ids": extraction_ids})
        deleted += result.rowcount
    return deleted


def publish(conn: Connection, extraction_id: str) -> str | None:
    """Make `extraction_id` the published state of its partition; return the superseded id."""
    row = extraction_row(conn, extraction_id)
    employer_id, period = row["employer_id"], row["period"]
    lock_partition(conn, employer_id, period)  # partition first, then the row: no deadlock
    row = extraction_row(conn, extraction_id, lock="for update")
    keys = {"x": extraction_id, "e": employer_id, "p": period}
    previous = conn.execute(text("select extraction_id from ops.published_partition "
                                 "where employer_id = :e and period = :p"), keys).scalar()
    if row["status"] == "published" and str(previous) == extraction_id:
        return None  # publishing twice is a no-op
    if row["status"] not in OPEN:
        raise ExtractionStateError(
            f"extraction {extraction_id} of {employer_id} {period} is {row['status']}; only a "
            "running or landed extraction can be published", extraction_id=extraction_id,
            employer_id=employer_id, period=period)
    _compare_and_set(conn, row, previous)
    conn.execute(text(
        "insert into ops.published_partition (employer_id, period, extraction_id, published_at) "
        "values (:e, :p, :x, now()) on conflict (employer_id, period) do update "
        "set extraction_id = excluded.extraction_id, published_at = excluded.published_at"), keys)
    deleted = _supersede_others(conn, keys)
    conn.execute(text("update ops.extraction set status = 'published', "
                      "finished_at = coalesce(finished_at, now()) where extraction_id = :x"), keys)
    log.info("published extraction %s for %s %s (superseded %s; %d stale staging rows removed)",
             extraction_id, employer_id, period, previous, deleted)
    return str(previous) if previous else None


def _compare_and_set(conn: Connection, row: dict, previous) -> None:
    """Refuse to publish when another extraction published the partition after this one began."""
    base = row.get("base_extraction_id")
    if previous is None or (base is not None and str(base) == str(previous)):
        return
    winner = extraction_row(conn, str(previous))
    raise PartitionConflictError(
        f"extraction {row['extraction_id']} of {row['employer_id']} {row['period']} is not "
        f"published: extraction {previous} (Airflow run {winner['airflow_run_id'] or '-'}) "
        "published this partition after it began; a concurrent run of the same period won",
        extraction_id=str(row["extraction_id"]), employer_id=row["employer_id"],
        period=row["period"])


def _supersede_others(conn: Connection, keys: dict) -> int:
    """Mark the partition's previous published extraction superseded; drop stale staging rows."""
    conn.execute(text("update ops.extraction set status = 'superseded', "
                      "finished_at = coalesce(finished_at, now()) where employer_id = :e "
                      "and period = :p and status = 'published' and extraction_id <> :x"), keys)
    stale = [str(x) for x in conn.execute(text(
        "select extraction_id from ops.extraction where employer_id = :e and period = :p "
        "and status in ('superseded', 'failed') and extraction_id <> :x"), keys).scalars()]
    return delete_staging(conn, stale)


def fail(conn: Connection, extraction_id: str, error_class: str, message: str) -> bool:
    """Mark an open extraction failed; return False (and change nothing) when it is not open."""
    row = extraction_row(conn, extraction_id, lock="for update")
    if row["status"] not in OPEN:
        log.warning("extraction %s is %s; not marking it failed", extraction_id, row["status"])
        return False
    conn.execute(text("update ops.extraction set status = 'failed', error_class = :c, "
                      "error_message = :m, finished_at = now() where extraction_id = :x"),
                 {"x": extraction_id, "c": error_class[:200], "m": message[:MESSAGE_LIMIT]})
    return True


def discard_unpublished(conn: Connection, employer_id: str, period: str,
                        keep: str | None = None) -> int:
    """Delete staging rows of the partition's finished, unpublished extractions (all but `keep`).

    Open extractions of other runs are left alone: they may be alive (a concurrent run loses at
    publish) or dead (the reaper, ``warehouse.reaper``, fails them). Open ones of `keep`'s own
    Airflow run are earlier attempts of a cleared run: they are marked failed ('Discarded').
    """
    lock_partition(conn, employer_id, period)
    keys = {"e": employer_id, "p": period, "k": keep}
    ids = [str(x) for x in conn.execute(text(
        "select o.extraction_id from ops.extraction o "
        "left join ops.extraction k on k.extraction_id = cast(:k as uuid) "
        "where o.employer_id = :e and o.period = :p and o.status <> 'published' "
        "and o.extraction_id is distinct from k.extraction_id "
        "and (o.status not in ('running', 'landed') or o.airflow_run_id = k.airflow_run_id)"),
        keys).scalars()]
    deleted = delete_staging(conn, ids)
    conn.execute(text(
        "update ops.extraction set status = 'failed', error_class = 'Discarded', "
        "error_message = 'discarded before a re-run of the same Airflow run', "
        "finished_at = now() "
        "where extraction_id = any(cast(:ids as uuid[])) and status in ('running', 'landed')"),
        {"ids": ids})
    log.info("discarded %d staging rows of %d unpublished extractions of %s %s", deleted,
             len(ids), employer_id, period)
    return deleted
