"""Run a whole extraction of one (employer, period) in-process: the DAG's steps, chained.

Used by benchmarks, tests and the CLI; the DAG runs the same steps as separate tasks.
"""

from __future__ import annotations

from payroll_link.extraction.failures import describe, error_class
from payroll_link.extraction.publish import publish_partition
from payroll_link.extraction.steps import (
    Partition,
    extract_company,
    extract_employees,
    list_employees,
)
from payroll_link.periods import PayrollPeriod


def extract_period(warehouse, source, employer_id: str, company_id: int, period: PayrollPeriod, *,
                   batch_size: int = 100, concurrency: int = 8, run_id: str | None = None,
                   publish: bool = True) -> Partition:
    """Extract, land and (by default) publish one period; on failure mark the extraction failed."""
    xid = warehouse.begin_extraction(employer_id, period.label, period.start, period.end, run_id)
    warehouse.discard_unpublished(employer_id, period.label, keep=xid)
    part = Partition(employer_id, company_id, period, xid)
    try:
        extract_company(warehouse, source, part)
        batches = list_employees(warehouse, source, part, batch_size)
        results = [extract_employees(warehouse, source, part, batch, concurrency)
                   for batch in batches]
        if publish:
            publish_partition(warehouse, xid, batches, results)
    except Exception as err:
        warehouse.fail(xid, error_class(err), describe(err))
        raise
    return part
