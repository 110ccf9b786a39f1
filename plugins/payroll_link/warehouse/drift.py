"""Source drift per extraction and call: record it (names only) and summarise it."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

_INSERT = text(
    "insert into ops.source_drift (extraction_id, source, service, operation, kind, element, "
    "employee_id, occurrences) values (:x, :source, :service, :operation, :kind, :element, "
    ":employee, :n) on conflict (extraction_id, operation, kind, element, employee_id) "
    "do update set occurrences = excluded.occurrences")
_SUMMARY = text(
    "select service, operation, kind, element, count(*) as employees, sum(occurrences) as "
    "occurrences from ops.source_drift where extraction_id = :x group by 1, 2, 3, 4 "
    "order by 2, 3, 4")


def record(engine: Engine, extraction_id: str, fetched: Iterable) -> int:
    """Store the drift of fetched items (``Fetched.drift``); log one warning per call and kind.

    Returns the number of (call, kind, element, employee) rows written. Logs carry names only.
    """
    counts: Counter = Counter()
    meta = {}
    for item in fetched:
        for drift in item.drift:
            key = (item.operation, drift.kind, drift.element, item.employee_id or 0)
            counts[key] += 1
            meta[key] = (item.source, item.service)
    if not counts:
        return 0
    rows = [{"x": extraction_id, "source": meta[key][0], "service": meta[key][1],
             "operation": key[0], "kind": key[1], "element": key[2], "employee": key[3],
             "n": n} for key, n in counts.items()]
    with engine.begin() as conn:
        conn.execute(_INSERT, rows)
    _log(counts)
    return len(rows)


def _log(counts: Counter) -> None:
    by_call: dict[tuple[str, str], set[str]] = {}
    employees: Counter = Counter()
    for (operation, kind, element, _employee), _n in counts.items():
        by_call.setdefault((operation, kind), set()).add(element)
        employees[(operation, kind)] += 1
    for (operation, kind), elements in sorted(by_call.items()):
        log.warning("source drift in %s: %s %s (%d answers)", operation, kind,
                    ", ".join(sorted(elements)), employees[(operation, kind)])


def summary(engine: Engine, extraction_id: str) -> list[dict]:
    """Return the drift of an extraction per call, kind and element, with employee counts."""
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(_SUMMARY, {"x": extraction_id})]
