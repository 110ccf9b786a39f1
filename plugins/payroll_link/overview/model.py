"""Rows of the overview: the registry's employers joined with what the warehouse recorded.

Pure apart from the queries it is handed a connection for: ``employer_rows`` for the page (one
row per employer), ``period_rows`` for an employer's detail view (one row per period).

A period before the employer's first exchange date is kept as baseline (``ops.handoff_baseline``,
see ``payroll_link.handoff.golive``), not delivered: the rows carry it as ``baseline`` so the
page says so instead of showing the period as undelivered.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from payroll_link.handoff import ledger
from payroll_link.overview import queries
from payroll_link.periods import PayrollPeriod, PeriodError, period_containing
from payroll_link.registry import Employer

SOAP_END = dt.date(2027, 3, 1)  # Nmbrs switches SOAP off on this day
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ACTIVE = ("realised", "paused")


@dataclass(frozen=True)
class Failure:
    """An open failure of one period: the stage it stopped in, error class and message."""

    period: str
    stage: str
    error_class: str
    message: str


@dataclass(frozen=True)
class EmployerRow:
    """One employer on the page."""

    employer: Employer
    source: str
    soap_days_left: int | None
    last_delivered: dict | None
    quality: dict | None
    next_period: PayrollPeriod | None
    failures: list[Failure] = field(default_factory=list)
    baseline: dict | None = None  # the latest period kept as baseline (not delivered)


@dataclass(frozen=True)
class PeriodRow:
    """One period of an employer: its latest extraction, quality run and delivery versions."""

    period: str
    period_start: dt.date
    extraction: dict | None
    quality: dict | None
    deliveries: list[dict]
    failures: list[Failure]
    baseline: dict | None = None  # kept before the first exchange date, not delivered


def today_in_amsterdam(now: dt.datetime | None = None) -> dt.date:
    """Return today's date in Europe/Amsterdam (the payroll calendar's time zone)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(AMSTERDAM).date()


def source_of(employer: Employer) -> str:
    """Return the employer's Nmbrs source, ``soap`` unless the registry entry names one."""
    return str(getattr(employer, "source", None) or "soap").lower()


def soap_days_left(source: str, today: dt.date) -> int | None:
    """Return the days from `today` until SOAP's end for a SOAP employer (None for REST)."""
    return (SOAP_END - today).days if source == "soap" else None


def next_period(employer: Employer, last_delivered: dict | None,
                baseline: dict | None = None) -> PayrollPeriod | None:
    """Return the period due next: after the last delivered or baseline one, else the catch-up
    start's."""
    if employer.status not in ACTIVE:
        return None
    done = [row["period_end"] for row in (last_delivered, baseline) if row]
    try:
        if done:
            return period_containing(employer.frequency, max(done)).next()
        if employer.catchup_start:
            return period_containing(employer.frequency, employer.catchup_start)
    except PeriodError:  # e.g. the four-weekly table does not reach that far yet
        return None
    return None


def employer_rows(conn: Connection, employers: Iterable[Employer],
                  today: dt.date) -> list[EmployerRow]:
    """Return one row per employer, in the registry's order."""
    employers = list(employers)
    ids = [e.employer_id for e in employers]
    delivered = queries.last_delivered(conn, ids)
    baselines = _latest_per_employer(queries.baselines(conn, ids))
    runs = queries.quality_runs(conn, ids)
    failures = open_failures(queries.extractions(conn, ids), runs,
                             queries.delivery_attempts(conn, ids))
    latest_run = {}
    for run in sorted(runs, key=lambda r: r["started_at"]):
        latest_run[run["employer_id"]] = run
    return [_employer_row(e, today, delivered.get(e.employer_id),
                          latest_run.get(e.employer_id), failures.get(e.employer_id, []),
                          baselines.get(e.employer_id))
            for e in employers]


def _latest_per_employer(rows: list[dict]) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: (r["period_start"], r["created_at"])):
        latest[row["employer_id"]] = row
    return latest


def _employer_row(employer: Employer, today: dt.date, delivered: dict | None,
                  quality: dict | None, failures: list[Failure],
                  baseline: dict | None = None) -> EmployerRow:
    source = source_of(employer)
    return EmployerRow(employer, source, soap_days_left(source, today), delivered, quality,
                       next_period(employer, delivered, baseline), failures, baseline)


def open_failures(extractions: list[dict], runs: list[dict],
                  attempts: list[dict]) -> dict[str, list[Failure]]:
    """Return per employer the failures still open: the latest try of a period failed."""
    found: dict[str, list[tuple[str, Failure]]] = defaultdict(list)
    for row in extractions:
        if row["status"] == "failed":
            found[row["employer_id"]].append((row["period"], Failure(
                row["period"], "extraction", row["error_class"] or "unknown",
                row["error_message"] or "")))
    for run in runs:
        if run["passed"] is False:
            found[run["employer_id"]].append((run["period"], Failure(
                run["period"], "quality", "QualityGateError",
                f"{run['errors']} error rules failed: {run['failed_rules'] or '-'}")))
    for row in attempts:
        if row["status"] in ("failed", "rejected"):
            found[row["employer_id"]].append((row["period"], Failure(
                row["period"], "delivery", row["error_class"] or row["status"],
                row["error_message"] or f"delivery v{row['version']} {row['status']}")))
    return {employer: [f for _, f in sorted(items, key=lambda item: item[0], reverse=True)]
            for employer, items in found.items()}


def period_rows(conn: Connection, employer: Employer) -> list[PeriodRow]:
    """Return the employer's periods, newest first: extraction, quality, ledger, failures."""
    ids = [employer.employer_id]
    extractions = {r["period"]: r for r in queries.extractions(conn, ids)}
    runs = {r["period"]: r for r in queries.quality_runs(conn, ids)}
    attempts = queries.delivery_attempts(conn, ids)
    failures = open_failures(list(extractions.values()), list(runs.values()), attempts)
    history = _with_in_force(ledger.history(conn, employer.employer_id))
    baselines = {r["period"]: r for r in queries.baselines(conn, ids)}
    starts = {r["period"]: r["period_start"]
              for r in [*extractions.values(), *attempts, *baselines.values()]}
    labels = sorted(set(starts) | set(runs), key=lambda p: (starts.get(p) or dt.date.min, p),
                    reverse=True)
    by_period = defaultdict(list)
    for failure in failures.get(employer.employer_id, []):
        by_period[failure.period].append(failure)
    return [PeriodRow(label, starts.get(label), extractions.get(label), runs.get(label),
                      [d for d in history if d["period"] == label], by_period[label],
                      baselines.get(label))
            for label in labels]


def _with_in_force(rows: list[dict]) -> list[dict]:
    """Mark each period's highest delivered version as the one in force."""
    current: dict[str, int] = {}
    for row in rows:
        if row["status"] == "delivered":
            current[row["period"]] = max(current.get(row["period"], 0), row["version"])
    return [{**row, "in_force": current.get(row["period"]) == row["version"]} for row in rows]
