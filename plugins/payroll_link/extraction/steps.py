"""The extraction steps of one (employer, period), each landing raw payloads and typed staging rows.

The DAG runs these in order; each takes plain values (ids, the period) and returns counts, so
only ids and counts travel through XCom. Personal data stays in the warehouse.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from payroll_link.extraction.failures import ExtractionError, batch_error
from payroll_link.extraction.pool import map_bounded
from payroll_link.extraction.sources.base import Fetched, PayrollSource
from payroll_link.periods import PayrollPeriod
from payroll_link.staging import check_rows

__all__ = ["ExtractionError", "Partition", "extract_company", "extract_employees",
           "list_employees", "payroll_has_run"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partition:
    """The (employer, period) a run works on, and its extraction id."""

    employer_id: str
    company_id: int
    period: PayrollPeriod
    extraction_id: str


def land(warehouse, part: Partition, fetched: Iterable[Fetched]) -> dict[str, int]:
    """Land payloads in raw and their rows in staging (COPY); return rows per entity."""
    fetched = list(fetched)
    warehouse.land_raw(part.extraction_id, part.employer_id, part.period.label,
                       (item.raw_row() for item in fetched))
    rows: dict[str, list[dict]] = defaultdict(list)
    for item in fetched:
        if item.entity:
            rows[item.entity].extend(check_rows(item.entity, item.rows))
    warehouse.record_drift(part.extraction_id, fetched)
    counts = {}
    for entity, entity_rows in sorted(rows.items()):
        counts[entity] = warehouse.load_staging(entity, part.extraction_id, part.employer_id,
                                                part.period.label, entity_rows)
    return counts


def payroll_has_run(source: PayrollSource, company_id: int, period: PayrollPeriod) -> bool:
    """Tell whether the period's payroll has run: Nmbrs' current period lies past it."""
    return source.current_period(company_id) > (period.year, period.number)


def extract_company(warehouse, source: PayrollSource, part: Partition) -> dict:
    """Land the period's runs, their wage codes and the company wage components."""
    started = time.monotonic()
    runs = source.runs(part.company_id, part.period)
    fetched, path = [runs], None
    for run in runs.rows:
        report, path = source.wage_codes(part.company_id, run, part.period)
        fetched.append(report)
    fetched += source.company_wage_components(part.company_id, part.period)
    counts = land(warehouse, part, fetched)
    warehouse.record(part.extraction_id, counts=counts, wage_code_path=path,
                     timings={"extract_company": round(time.monotonic() - started, 3)})
    return {"runs": len(runs.rows), "wage_code_path": path, **counts}


def list_employees(warehouse, source: PayrollSource, part: Partition,
                   batch_size: int) -> list[list[int]]:
    """Land the employee list and the employment and salary histories; return id batches.

    The employees of a period are those with an employment overlapping it (history, so a
    backfill sees leavers too) plus everyone Nmbrs lists now.
    """
    started = time.monotonic()
    listed, employments = source.employees(part.company_id), source.employments(part.company_id)
    counts = land(warehouse, part, [listed, employments, source.salaries(part.company_id)])
    ids = {row["employee_id"] for row in listed.rows} | set(_employed_in(employments.rows,
                                                                         part.period))
    ordered = sorted(ids)
    batches = [ordered[i:i + batch_size] for i in range(0, len(ordered), batch_size)]
    warehouse.record(part.extraction_id, counts={**counts, "employees_in_period": len(ordered)},
                     timings={"list_employees": round(time.monotonic() - started, 3)})
    return batches


def _employed_in(rows: list[dict], period: PayrollPeriod) -> Iterable[int]:
    """Yield the employees with an employment (canonical rows) overlapping the period."""
    for row in rows:
        start, end = row["start_date"], row["end_date"]
        if start and start <= period.end and (end is None or end >= period.start):
            yield row["employee_id"]


def extract_employees(warehouse, source: PayrollSource, part: Partition, employee_ids: list[int],
                      concurrency: int) -> dict:
    """Land the per-employee calls of a batch; failures are named by employee id, then raised.

    Employees that succeed are landed even when others fail, so a retry of the batch (which
    first removes this batch's rows) loses nothing.
    """
    started = time.monotonic()
    warehouse.delete_employee_rows(part.extraction_id, employee_ids)
    outcome = map_bounded(
        lambda eid: source.employee_records(eid, part.company_id, part.period),
        employee_ids, concurrency)
    fetched = [item for result in outcome.results if result for item in result]
    counts = land(warehouse, part, fetched)
    elapsed = round(time.monotonic() - started, 3)
    if outcome.errors:  # classified: fatal ones fail the task at once, transient ones retry
        raise batch_error(part.employer_id, part.period.label, outcome.errors)
    log.info("batch of %d employees: %d calls in %.2fs", len(employee_ids), len(fetched), elapsed)
    return {"employees": len(employee_ids), "calls": len(fetched), "seconds": elapsed, **counts}
