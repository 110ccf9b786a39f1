"""The quality step of an employer DAG: validate one published (employer, period) extraction.

``validate_period`` evaluates the product's rule set, runs it through Great Expectations (GX is
imported inside the call), stores results and flags in ``ops``, writes the run's Data Docs and
returns a JSON-able summary; ``enforce`` turns failed error rules into ``QualityGateError``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from payroll_link.logs import quiet_libraries
from payroll_link.periods import PayrollPeriod, PeriodError
from payroll_link.quality import report, store
from payroll_link.quality.docs_retention import Retention, prune
from payroll_link.quality.errors import QualityError, QualityGateError, QualityStateError
from payroll_link.quality.evaluate import Outcome, RunContext, evaluate, gx_query
from payroll_link.quality.ruleset import RuleSet, load_ruleset
from payroll_link.registry import Employer

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DOCS_ENV = "KOPPELING_DOCS_DIR"
PERIODS_PER_YEAR = {"monthly": 12, "four_weekly": 13}


def default_docs_root(environ: dict | None = None) -> Path:
    """Return the Data Docs root: ``$KOPPELING_DOCS_DIR``, else ``<repo>/.local/quality_docs``."""
    env = os.environ if environ is None else environ
    return Path(env[DOCS_ENV]) if env.get(DOCS_ENV) else PROJECT_ROOT / ".local" / "quality_docs"


def validate_period(engine: Engine, employer: Employer, extraction_id: str,
                    period: PayrollPeriod, docs_root: Path | None = None, *,
                    ruleset: RuleSet | None = None) -> dict:
    """Validate the published extraction of (employer, period); store results; return a summary.

    Summary: quality_run_id, employer_id, period, extraction_id, ruleset_version, passed,
    errors and warnings (failed rules per severity), rules [{rule_id, severity, evaluated,
    failed_count, key}] and docs_index. Warnings never block; call ``enforce`` for errors.
    """
    quiet_libraries()  # GX logs hundreds of INFO lines per run; the verdict must lead the log
    ruleset = ruleset or load_ruleset(employer.product)
    extraction_id = _check_published(engine, employer.employer_id, extraction_id, period)
    context = _context(engine, employer, extraction_id, period, ruleset)
    run = store.RunRecord(str(uuid.uuid4()), extraction_id, employer.employer_id, period.label,
                          employer.product, ruleset.version, dt.datetime.now(dt.UTC))
    quality_run_id = run.quality_run_id
    root = Path(docs_root) if docs_root is not None else default_docs_root()
    folder = root / employer.employer_id / period.label / quality_run_id
    outcomes = evaluate(engine, ruleset.rules, context)
    _run_gx(engine, ruleset, context, folder, f"{employer.employer_id}.{period.label}",
            quality_run_id, outcomes, root / "_static")
    index = report.write_index(folder, _header(employer, period, extraction_id, quality_run_id,
                                               ruleset), outcomes)
    store.save_run(engine, run, outcomes, str(index))
    summary = _summary(quality_run_id, employer, period, extraction_id, ruleset, outcomes, index)
    _log(summary, compared=context.previous_extraction_id is not None)
    removed = prune(root, Retention.from_env())  # every employer: offboarded ones age out too
    if removed:
        log.info("retention: removed %d older quality site(s)", len(removed))
    return summary


def enforce(summary: dict) -> None:
    """Raise QualityGateError naming the failed error rules and their counts, if any."""
    failed = [(rule["rule_id"], rule["failed_count"]) for rule in summary["rules"]
              if rule["severity"] == "error" and rule["failed_count"] > 0]
    if summary.get("errors", 0) > 0 or failed:
        raise QualityGateError(failed, employer_id=summary.get("employer_id"),
                               period=summary.get("period"),
                               quality_run_id=summary.get("quality_run_id"),
                               docs_index=summary.get("docs_index"))


def _check_published(engine: Engine, employer_id: str, extraction_id: str,
                     period: PayrollPeriod) -> str:
    try:
        wanted = str(uuid.UUID(str(extraction_id)))
    except ValueError:
        raise QualityStateError(f"extraction_id {extraction_id!r} is not a UUID") from None
    published = _published_extraction(engine, employer_id, period.label)
    if published is None or published != wanted:
        raise QualityStateError(f"extraction {extraction_id} is not the published extraction of "
                                f"{employer_id} {period.label} (published: {published})")
    return published


def _published_extraction(engine: Engine, employer_id: str, label: str) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(text("select extraction_id from ops.published_partition "
                                  "where employer_id = :e and period = :p"),
                             {"e": employer_id, "p": label}).scalar()
    return str(value) if value else None


def _context(engine: Engine, employer: Employer, extraction_id: str, period: PayrollPeriod,
             ruleset: RuleSet) -> RunContext:
    try:
        previous = _published_extraction(engine, employer.employer_id, period.previous().label)
    except PeriodError:  # e.g. the four-weekly table lacks the previous year
        previous = None
    return RunContext(
        extraction_id=extraction_id, previous_extraction_id=previous,
        dga_number=employer.dga.employee_number if employer.dga else None,
        periods_per_year=PERIODS_PER_YEAR[period.frequency],
        fulltime_hours=(Decimal(str(employer.full_time_hours_per_week))
                        if employer.full_time_hours_per_week
                        else ruleset.settings_for(employer.employer_id).fulltime_hours))


def _run_gx(engine: Engine, ruleset: RuleSet, context: RunContext, folder: Path, name: str,
            run_name: str, outcomes: list[Outcome], static_root: Path) -> None:
    """Validate through GX (Data Docs in ``folder/gx``) and require GX to agree with the gate."""
    from payroll_link.quality.gx_validation import run_checkpoint

    url = engine.url.render_as_string(hide_password=False)
    queries = [(rule, gx_query(rule, context)) for rule in ruleset.rules]
    verdicts, _ = run_checkpoint(url, queries, folder / "gx", name, run_name, static_root)
    for outcome in outcomes:
        verdict = verdicts.get(outcome.rule.id)
        if verdict is None or verdict.observed != outcome.failed \
                or verdict.success != outcome.passed:
            raise QualityError(f"quality rule {outcome.rule.id}: Great Expectations and the gate "
                               "disagree; the results are not stored as final")


def _header(employer: Employer, period: PayrollPeriod, extraction_id: str, quality_run_id: str,
            ruleset: RuleSet) -> dict[str, str]:
    return {"employer": employer.employer_id, "period": period.label,
            "product": employer.product, "extraction_id": extraction_id,
            "quality_run_id": quality_run_id, "rule set version": ruleset.version}


def _summary(quality_run_id: str, employer: Employer, period: PayrollPeriod,
             extraction_id: str, ruleset: RuleSet, outcomes: list[Outcome], index: Path) -> dict:
    rules = [{"rule_id": o.rule.id, "severity": o.rule.severity, "evaluated": o.evaluated,
              "failed_count": o.failed, "key": o.rule.key_kind} for o in outcomes]
    errors = sum(1 for r in rules if r["failed_count"] and r["severity"] == "error")
    warnings = sum(1 for r in rules if r["failed_count"] and r["severity"] == "warning")
    return {"quality_run_id": quality_run_id, "employer_id": employer.employer_id,
            "period": period.label, "extraction_id": extraction_id,
            "ruleset_version": ruleset.version, "passed": errors == 0, "errors": errors,
            "warnings": warnings, "rules": rules, "docs_index": str(index)}


def _log(summary: dict, *, compared: bool = True) -> None:
    """Log the verdict first, then each failed rule with its counts, then the quality page."""
    log.info("quality gate %s for %s %s: %d error and %d warning rules failed "
             "(rule set %s, quality run %s)",
             "PASSED" if summary["passed"] else "FAILED", summary["employer_id"],
             summary["period"], summary["errors"], summary["warnings"],
             summary["ruleset_version"], summary["quality_run_id"])
    for rule in summary["rules"]:
        if rule["failed_count"]:
            log.warning("failed rule %s (%s): %d of %d flagged", rule["rule_id"],
                        rule["severity"], rule["failed_count"], rule["evaluated"])
    log.info("quality page: file://%s (Great Expectations detail: gx/index.html beside it)",
             summary["docs_index"])
    if not compared:
        log.info("no published previous period: comparisons with it were skipped")
