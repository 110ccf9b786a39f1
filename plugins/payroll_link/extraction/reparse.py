"""Re-parse a landed extraction from its wire bytes into a new extraction, without any call.

The source that landed each call (``raw.call_payload.source``) reads the bytes again, with the
shape knowledge the code has now; the rows land under a new extraction of the same partition
(status 'landed', published only on request), and the difference per entity is reported as
counts. Nothing is fetched from the payroll system.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from payroll_link import staging
from payroll_link.extraction.sources.base import PayrollSource, RawCall
from payroll_link.extraction.steps import Partition, land
from payroll_link.periods import PayrollPeriod, get_period
from payroll_link.warehouse.rawread import raw_calls, staging_rows

log = logging.getLogger(__name__)
_LABEL = re.compile(r"^(\d{4})-(4W)?(\d{2})$")


def _soap() -> PayrollSource:
    from payroll_link.extraction.sources.soap import NmbrsSoapSource

    return NmbrsSoapSource(client=None)


# Source label -> a factory of a source that can re-parse its wire bytes (no client needed).
REPARSERS: dict[str, Callable[[], PayrollSource]] = {"soap": _soap}


@dataclass
class EntityDiff:
    """Rows of one entity: kept, only in the original, only in the re-parse."""

    same: int = 0
    removed: int = 0
    added: int = 0


@dataclass
class Reparsed:
    """The new extraction and what changed against the original, per entity (counts only)."""

    original_id: str
    extraction_id: str
    calls: int
    diff: dict[str, EntityDiff] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        """Tell whether every entity has the same rows as the original."""
        return all(d.removed == 0 and d.added == 0 for d in self.diff.values())


def period_of(label: str) -> PayrollPeriod:
    """Return the payroll period of a label ('2026-10' or '2026-4W05')."""
    match = _LABEL.match(label)
    if not match:
        raise ValueError(f"period label {label!r} is neither YYYY-MM nor YYYY-4WNN")
    frequency = "four_weekly" if match.group(2) else "monthly"
    return get_period(frequency, int(match.group(1)), int(match.group(3)))


def reparse_extraction(warehouse, extraction_id: str, *, publish: bool = False) -> Reparsed:
    """Rebuild an extraction's staging rows from its landed wire bytes; return the difference."""
    original = warehouse.extraction(extraction_id)
    calls = list(raw_calls(warehouse.engine, original["extraction_id"]))
    period = period_of(original["period"])
    fetched = _reread(calls)
    xid = warehouse.begin_extraction(original["employer_id"], original["period"], period.start,
                                     period.end, f"reparse of {original['extraction_id']}")
    company_id = calls[0]["company_id"] if calls else 0
    try:
        counts = land(warehouse, Partition(original["employer_id"], company_id, period, xid),
                      fetched)
        employees = (original["counts"] or {}).get("employees_in_period")
        warehouse.record(xid, counts={**counts, "employees_in_period": employees},
                         wage_code_path=original["wage_code_path"], status="landed")
        # Before publishing: publishing supersedes the original and drops its staging rows.
        result = Reparsed(str(original["extraction_id"]), xid, len(calls),
                          _diff(warehouse.engine, str(original["extraction_id"]), xid))
        if publish:
            warehouse.publish(xid)
    except Exception as err:
        warehouse.fail(xid, type(err).__name__, str(err).splitlines()[0][:500] if str(err) else "")
        raise
    log.info("re-parsed extraction %s into %s: %d calls, %s", result.original_id, xid,
             len(calls), "identical rows" if result.identical else "rows changed")
    return result


def _reread(calls: list[dict]) -> list:
    """Return the Fetched of every landed call, read again by the source that landed it."""
    sources: dict[str, PayrollSource] = {}
    fetched = []
    for row in calls:
        if row["source"] not in REPARSERS:
            raise ValueError(f"no source can re-read calls labelled {row['source']!r}")
        source = sources.setdefault(row["source"], REPARSERS[row["source"]]())
        item = source.reparse(RawCall(row["service"], row["operation"], row["company_id"],
                                      row["employee_id"], row["request_keys"], row["wire"],
                                      row["source"]))
        item.fetched_at = row["fetched_at"]
        fetched.append(item)
    return fetched


def _diff(engine, before: str, after: str) -> dict[str, EntityDiff]:
    out = {}
    for name in staging.ENTITIES:
        old, new = Counter(staging_rows(engine, name, before)), Counter(
            staging_rows(engine, name, after))
        if old or new:
            out[name] = EntityDiff(sum((old & new).values()), sum((old - new).values()),
                                   sum((new - old).values()))
    return out
