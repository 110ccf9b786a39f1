"""Publish one extraction: check every batch landed, count rows, flip the partition atomically."""

from __future__ import annotations

from payroll_link.extraction.steps import ExtractionError


def publish_partition(warehouse, extraction_id: str, batches: list[list[int]],
                      results: list[dict]) -> dict:
    """Publish when all employee batches landed; return rows per entity (ids and counts only)."""
    expected = sum(len(batch) for batch in batches)
    landed = sum(result.get("employees", 0) for result in results if result)
    if len(results) != len(batches) or landed != expected:
        raise ExtractionError(f"extraction {extraction_id}: {landed} of {expected} employees "
                              f"landed in {len(results)} of {len(batches)} batches; not publishing")
    counts = warehouse.count_rows(extraction_id)
    calls = sum(result.get("calls", 0) for result in results)
    warehouse.record(extraction_id, counts={**counts, "employee_calls": calls}, status="landed")
    warehouse.publish(extraction_id)
    return counts
