"""The warehouse API a run uses: begin an extraction, land raw calls, load staging, publish.

Bulk writes go through COPY (``copyload``), never row-by-row INSERT. Messages and logs carry
ids, entity names, counts and column names, never row values (BSN, IBAN and salary are personal
data).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from payroll_link import staging
from payroll_link.warehouse import lifecycle
from payroll_link.warehouse.copyload import copy_lines, field, to_json
from payroll_link.warehouse.errors import ExtractionStateError, LoadError, WarehouseError

log = logging.getLogger(__name__)

LINEAGE = ("_employer", "_period", "_extraction_id", "_loaded_at", "_source", "_snapshot")
RAW_COLUMNS = ("extraction_id", "employer_id", "period", "service", "operation", "company_id",
               "employee_id", "request_keys", "payload", "content_sha256", "fetched_at", "wire",
               "wire_bytes", "source")
_RECORDABLE = {"counts", "timings", "wage_code_path", "finished_at", "status"}


def _uuid(value: str, what: str = "extraction_id") -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise WarehouseError(f"{what} is not a UUID") from None


def _prefix(*values) -> str:
    """Encode the constant leading fields of every COPY line once."""
    return "\t".join(map(field, values)) + "\t"


class Warehouse:
    """Read and write one warehouse database through an SQLAlchemy engine (psycopg2)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def begin_extraction(self, employer_id: str, period: str, period_start: dt.date,
                         period_end: dt.date, airflow_run_id: str | None = None) -> str:
        """Register a new extraction of (employer, period) as 'running'; return its id.

        It remembers the partition's published extraction at this moment: publish is a
        compare-and-set on it (see ``lifecycle.publish``).
        """
        extraction_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(text(
                "insert into ops.extraction (extraction_id, employer_id, period, period_start, "
                "period_end, airflow_run_id, base_extraction_id) values (:x, :e, :p, :s, :t, :r, "
                "(select extraction_id from ops.published_partition "
                "where employer_id = :e and period = :p))"),
                {"x": extraction_id, "e": employer_id, "p": period, "s": period_start,
                 "t": period_end, "r": airflow_run_id})
        log.info("extraction %s begun for %s %s", extraction_id, employer_id, period)
        return extraction_id

    def land_raw(self, extraction_id: str, employer_id: str, period: str,
                 calls: Iterable[Mapping]) -> int:
        """Append call responses to raw.call_payload (COPY); return the number landed.

        A call is a mapping with service, operation, company_id, optional employee_id,
        request_keys (dict), payload (the canonical rows made of the answer), optional wire
        (the response body as received; stored gzip-compressed), source and fetched_at.
        content_sha256 is always computed here, over the canonical JSON of the payload (sorted
        keys, compact separators, decimals as strings); a given one is ignored.
        """
        extraction_id = _uuid(extraction_id)
        now = dt.datetime.now(dt.UTC)
        prefix = _prefix(extraction_id, employer_id, period)
        lines = (_raw_line(prefix, index, call, now) for index, call in enumerate(calls))
        with self.engine.begin() as conn:
            _check_open(conn, extraction_id, employer_id, period)
            with conn.connection.cursor() as cursor:
                count = copy_lines(cursor, "raw.call_payload", RAW_COLUMNS, lines)
        log.info("landed %d raw calls for extraction %s", count, extraction_id)
        return count

    def load_staging(self, entity: str, extraction_id: str, employer_id: str, period: str,
                     rows: Iterable[Mapping]) -> int:
        """COPY canonical staging rows (``staging.check_rows``) of one entity; return the row count.

        Concurrent loads into one extraction (parallel employee batches) are fine.
        """
        spec = staging.entity(entity)
        extraction_id = _uuid(extraction_id)
        prefix = _prefix(employer_id, period, extraction_id, dt.datetime.now(dt.UTC),
                         spec.source, spec.snapshot)
        lines = _staging_lines(spec, prefix, rows)
        with self.engine.begin() as conn:
            _check_open(conn, extraction_id, employer_id, period)
            with conn.connection.cursor() as cursor:
                count = copy_lines(cursor, f"staging.{spec.name}", LINEAGE + spec.columns, lines)
        log.info("loaded %d rows into staging.%s for extraction %s", count, spec.name,
                 extraction_id)
        return count

    def record_drift(self, extraction_id: str, fetched: Iterable) -> int:
        """Record the source drift of fetched items (names only) in ops.source_drift."""
        from payroll_link.warehouse import drift

        return drift.record(self.engine, _uuid(extraction_id), fetched)

    def delete_employee_rows(self, extraction_id: str, employee_ids: Iterable[int]) -> int:
        """Delete an open extraction's rows of per-employee entities for these employees.

        Makes a retried employee batch idempotent; company-wide entities are untouched.
        """
        extraction_id, ids = _uuid(extraction_id), [int(e) for e in employee_ids]
        deleted = 0
        with self.engine.begin() as conn:
            _check_open(conn, extraction_id)
            for spec in staging.ENTITIES.values():
                if spec.per_employee and ids:
                    deleted += conn.execute(text(
                        f'delete from staging."{spec.name}" where _extraction_id = :x '
                        "and employee_id = any(:ids)"), {"x": extraction_id, "ids": ids}).rowcount
        log.info("deleted %d staging rows of %d employees in extraction %s", deleted, len(ids),
                 extraction_id)
        return deleted

    def count_rows(self, extraction_id: str) -> dict[str, int]:
        """Return the staging row count per entity of an extraction (entities with rows only)."""
        extraction_id = _uuid(extraction_id)
        union = " union all ".join(
            f"select '{name}', count(*) from staging.\"{name}\" where _extraction_id = :x"
            for name in staging.ENTITIES)
        with self.engine.connect() as conn:
            rows = conn.execute(text(union), {"x": extraction_id}).all()
        return {name: count for name, count in rows if count}

    def record(self, extraction_id: str, **fields) -> None:
        """Update an open extraction: counts/timings are merged; status may become 'landed'."""
        extraction_id = _uuid(extraction_id)
        unknown = set(fields) - _RECORDABLE
        if unknown:
            raise WarehouseError(f"record(): unknown field(s) {sorted(unknown)}; allowed "
                                 f"{sorted(_RECORDABLE)}", extraction_id=extraction_id)
        if fields.get("status", "landed") not in lifecycle.OPEN:
            raise WarehouseError("record(): status may only be 'running' or 'landed'; use "
                                 "publish() or fail()", extraction_id=extraction_id)
        sets, params = [], {"x": extraction_id}
        for name, value in fields.items():
            if name in ("counts", "timings"):
                sets.append(f"{name} = {name} || cast(:{name} as jsonb)")
                value = json.dumps(value, default=str)
            else:
                sets.append(f"{name} = :{name}")
            params[name] = value
        if not sets:
            return
        with self.engine.begin() as conn:
            # One guarded UPDATE, no `for share` first: two share holders upgrading deadlock.
            updated = conn.execute(text(
                f"update ops.extraction set {', '.join(sets)} where extraction_id = :x "
                "and status in ('running', 'landed')"), params).rowcount
            if not updated:
                _check_open(conn, extraction_id)  # raises, naming the reason

    def publish(self, extraction_id: str) -> str | None:
        """Make the extraction its partition's visible state, atomically; return superseded id."""
        with self.engine.begin() as conn:
            return lifecycle.publish(conn, _uuid(extraction_id))

    def fail(self, extraction_id: str, error_class: str, message: str) -> bool:
        """Mark an open extraction failed (message without personal data); False if not open."""
        with self.engine.begin() as conn:
            return lifecycle.fail(conn, _uuid(extraction_id), error_class, message)

    def discard_unpublished(self, employer_id: str, period: str, keep: str | None = None) -> int:
        """Delete staging rows of the partition's unpublished extractions except `keep`."""
        with self.engine.begin() as conn:
            return lifecycle.discard_unpublished(conn, employer_id, period,
                                                 _uuid(keep) if keep else None)

    def latest_extraction(self, employer_id: str, period: str) -> str | None:
        """Return the id of the partition's most recently started extraction, if any."""
        with self.engine.connect() as conn:
            value = conn.execute(text(
                "select extraction_id from ops.extraction where employer_id = :e and period = :p "
                "order by started_at desc limit 1"), {"e": employer_id, "p": period}).scalar()
        return str(value) if value else None

    def extraction(self, extraction_id: str) -> dict:
        """Return the ops.extraction row of `extraction_id`."""
        with self.engine.connect() as conn:
            return lifecycle.extraction_row(conn, _uuid(extraction_id))

    def published_extraction(self, employer_id: str, period: str) -> str | None:
        """Return the published extraction id of a partition, or None."""
        with self.engine.connect() as conn:
            value = conn.execute(text("select extraction_id from ops.published_partition "
                                      "where employer_id = :e and period = :p"),
                                 {"e": employer_id, "p": period}).scalar()
        return str(value) if value else None

    def published_rows(self, entity: str, employer_id: str, period: str) -> list[dict]:
        """Return the published rows of one entity and partition, without lineage columns.

        Ordered by every column, natural key first, so equal content gives equal lists.
        """
        spec = staging.entity(entity)
        columns = ", ".join(f'"{c}"' for c in spec.columns)
        order = ", ".join(str(i) for i in range(1, len(spec.columns) + 1))
        query = text(f'select {columns} from published."{spec.name}" '
                     f"where _employer = :e and _period = :p order by {order}")
        with self.engine.connect() as conn:
            result = conn.execute(query, {"e": employer_id, "p": period}).mappings()
            return [dict(row) for row in result]


def _check_open(conn: Connection, extraction_id: str, employer_id: str | None = None,
                period: str | None = None) -> None:
    """Hold the extraction row (for share) and refuse writes to a closed or foreign one."""
    row = lifecycle.extraction_row(conn, extraction_id, lock="for share")
    context = {"extraction_id": extraction_id, "employer_id": employer_id, "period": period}
    if row["status"] not in lifecycle.OPEN:
        raise ExtractionStateError(f"extraction {extraction_id} is {row['status']}; only a "
                                   "running or landed extraction accepts writes", **context)
    if employer_id is not None and (row["employer_id"], row["period"]) != (employer_id, period):
        raise ExtractionStateError(f"extraction {extraction_id} belongs to {row['employer_id']} "
                                   f"{row['period']}, not {employer_id} {period}", **context)


def _staging_lines(spec: staging.Entity, prefix: str, rows: Iterable[Mapping]) -> Iterator[str]:
    columns = spec.columns
    width = len(columns)
    for index, row in enumerate(rows):
        try:
            values = [field(row[c]) for c in columns]
        except KeyError as err:
            raise LoadError(f"staging.{spec.name} row {index} has no column {err.args[0]!r}",
                            entity=spec.name) from None
        if len(row) != width:
            extra = sorted(set(row) - set(columns))
            raise LoadError(f"staging.{spec.name} row {index} has unknown column(s) {extra}",
                            entity=spec.name)
        yield prefix + "\t".join(values) + "\n"


def _raw_line(prefix: str, index: int, call: Mapping, now: dt.datetime) -> str:
    try:
        payload = to_json(call.get("payload"))
        values = [call["service"], call["operation"], call["company_id"],
                  call.get("employee_id"), call.get("request_keys") or {}]
    except KeyError as err:
        raise LoadError(f"raw call {index} has no {err.args[0]!r}", entity="raw") from None
    except TypeError as err:  # json_default's message names the type, never the value
        raise LoadError(f"raw call {index} ({call.get('operation')}): payload is not "
                        f"JSON-serialisable: {err}", entity="raw") from None
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    wire = call.get("wire")
    values += [payload, digest, call.get("fetched_at") or now,
               gzip.compress(wire, mtime=0) if wire is not None else None,
               len(wire) if wire is not None else None, call.get("source")]
    return prefix + "\t".join(map(field, values)) + "\n"
