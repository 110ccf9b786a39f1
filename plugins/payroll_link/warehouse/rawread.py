"""Read an extraction back: its landed calls (wire bytes decompressed) and its staging rows."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Engine

from payroll_link import staging
from payroll_link.warehouse.errors import WarehouseError

# The latest landing of each call: a retried batch lands its calls again (raw is append-only).
_CALLS = text(
    "select distinct on (operation, coalesce(employee_id, 0), request_keys) id, service, "
    "operation, company_id, employee_id, request_keys, wire, source, fetched_at "
    "from raw.call_payload where extraction_id = :x "
    "order by operation, coalesce(employee_id, 0), request_keys, fetched_at desc, id desc")


def raw_calls(engine: Engine, extraction_id: str) -> Iterator[dict]:
    """Yield the extraction's landed calls in landing order, ``wire`` decompressed.

    Raises WarehouseError when a call was landed without its wire bytes (before they were kept).
    """
    with engine.connect() as conn:
        rows = sorted((dict(r._mapping) for r in conn.execute(_CALLS, {"x": extraction_id})),
                      key=lambda row: row["id"])
    for row in rows:
        if row["wire"] is None:
            raise WarehouseError(f"extraction {extraction_id}: call {row['operation']} was "
                                 "landed without its wire bytes; it cannot be re-parsed",
                                 extraction_id=extraction_id)
        row["wire"] = gzip.decompress(bytes(row["wire"]))
        yield row


def staging_rows(engine: Engine, entity: str, extraction_id: str) -> list[tuple]:
    """Return the staging rows of one entity and extraction as sorted tuples (no lineage)."""
    spec = staging.entity(entity)
    columns = ", ".join(f'"{c}"' for c in spec.columns)
    query = text(f'select {columns} from staging."{spec.name}" where _extraction_id = :x')
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query, {"x": extraction_id})]
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))
