"""Quality results in the warehouse: ops.quality_run, ops.quality_result and ops.quality_flag.

A run is written in one transaction once it is complete, so a reader (the handoff takes the
latest run of an extraction) never sees a half-written one. Only ids and counts are stored:
rule ids, severities, counts and employee ids (never BSN, IBAN or amounts). Flags carry every
flagged employee id of a rule; rules keyed by run or employer have none (counts only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from payroll_link.quality.evaluate import Outcome

SAMPLE_SIZE = 20


@dataclass(frozen=True)
class RunRecord:
    """The identity of one quality run (the ops.quality_run row without its outcome)."""

    quality_run_id: str
    extraction_id: str
    employer_id: str
    period: str
    product: str
    ruleset_version: str
    started_at: dt.datetime


def save_run(engine: Engine, run: RunRecord, outcomes: Sequence[Outcome], docs_path: str) -> None:
    """Write the run, every rule's result and all flags in one transaction."""
    errors = sum(1 for o in outcomes if not o.passed and o.rule.severity == "error")
    warnings = sum(1 for o in outcomes if not o.passed and o.rule.severity == "warning")
    with engine.begin() as conn:
        conn.execute(text(
            "insert into ops.quality_run (quality_run_id, extraction_id, employer_id, period, "
            "product, ruleset_version, started_at, finished_at, errors, warnings, passed, "
            "docs_path) values (:quality_run_id, :extraction_id, :employer_id, :period, "
            ":product, :ruleset_version, :started_at, :finished_at, :errors, :warnings, "
            ":passed, :docs)"),
            {**run.__dict__, "finished_at": dt.datetime.now(dt.UTC), "errors": errors,
             "warnings": warnings, "passed": errors == 0, "docs": docs_path})
        for outcome in outcomes:
            _save_outcome(conn, run, outcome)


def _save_outcome(conn: Connection, run: RunRecord, outcome: Outcome) -> None:
    rule = outcome.rule
    employee_ids = list(outcome.keys) if rule.key_kind == "employee_id" else []
    conn.execute(text(
        "insert into ops.quality_result (quality_run_id, rule_id, severity, evaluated, "
        "failed_count, sample_employee_ids, description_nl, description_en) values "
        "(:q, :r, :s, :n, :f, cast(:sample as int[]), :nl, :en)"),
        {"q": run.quality_run_id, "r": rule.id, "s": rule.severity, "n": outcome.evaluated,
         "f": outcome.failed, "sample": employee_ids[:SAMPLE_SIZE], "nl": rule.description.nl,
         "en": rule.description.en})
    if employee_ids:
        conn.execute(text(
            "insert into ops.quality_flag (quality_run_id, extraction_id, rule_id, severity, "
            "employee_id) select :q, :x, :r, :s, unnest(cast(:ids as int[]))"),
            {"q": run.quality_run_id, "x": run.extraction_id, "r": rule.id, "s": rule.severity,
             "ids": employee_ids})
