"""Delivery deadlines: a period not delivered N days after its end alerts once, and once more
when it is delivered.

N is the employer's `delivery_deadline_days` (registry; default DEFAULT_DELIVERY_DEADLINE_DAYS).
Periods count from the employer's first catch-up period; only realised employers are checked
(a paused employer is not expected to deliver). `send` is injected: the Airflow face passes the
channels, tests may pass their own. Each alert is claimed and sent in one transaction, so an
alert whose sending failed is raised again on the next check, and a sent one never twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from payroll_link.alerts import state
from payroll_link.alerts.message import Alert
from payroll_link.periods import PayrollPeriod, periods_between
from payroll_link.registry import DEFAULT_DELIVERY_DEADLINE_DAYS

log = logging.getLogger(__name__)

ACTION_MISSED = ("Open this employer's DAG run for the period in Airflow: waiting for payroll "
                 "(ask the payroll processor), failed (see the failure alert) or paused "
                 "(resume it); `koppeling status --employer` shows where it stands.")
ACTION_RESOLVED = "None: a.s.r. has the period now; the earlier deadline alert is closed."


@dataclass
class DeadlineCheck:
    """What one check did."""

    raised: int = 0
    resolved: int = 0


def deadline_days(employer) -> int:
    """Return the employer's delivery deadline in days after a period's end."""
    days = employer.delivery_deadline_days
    return DEFAULT_DELIVERY_DEADLINE_DAYS if days is None else days


def missed_periods(employer, today: dt.date) -> list[tuple[PayrollPeriod, dt.date]]:
    """Return (period, due date) of each period whose due date lies before `today`."""
    days = deadline_days(employer)
    first = employer.catchup_start
    if first is None or first > today:
        return []
    return [(period, period.end + dt.timedelta(days=days))
            for period in periods_between(employer.frequency, first, today)
            if period.end + dt.timedelta(days=days) < today]


def check_deadlines(engine: Engine, employers: Iterable, today: dt.date,
                    send: Callable[[Alert], object]) -> DeadlineCheck:
    """Raise new missed deadlines and resolve delivered ones for the realised employers."""
    done = DeadlineCheck()
    for employer in employers:
        if employer.status != "realised":
            continue
        with engine.connect() as conn:
            delivered = state.delivered_periods(conn, employer.employer_id)
        for period, due in missed_periods(employer, today):
            if period.label not in delivered:
                done.raised += _raise(engine, employer, period, due, send)
        done.resolved += _resolve_delivered(engine, employer, delivered, send)
    log.info("deadline check %s: %d raised, %d resolved", today, done.raised, done.resolved)
    return done


def _raise(engine: Engine, employer, period: PayrollPeriod, due: dt.date, send) -> int:
    with engine.begin() as conn:
        if not state.raise_deadline(conn, employer.employer_id, period.label, period.end, due):
            return 0
        send(Alert("deadline_missed", employer.employer_id, employer.company_name, period.label,
                   ACTION_MISSED, due_date=due.isoformat()))
    return 1


def _resolve_delivered(engine: Engine, employer, delivered: dict[str, int], send) -> int:
    resolved = 0
    with engine.connect() as conn:
        open_periods = state.open_alerts(conn, employer.employer_id)
    for label, due in sorted(open_periods.items()):
        if label not in delivered:
            continue
        with engine.begin() as conn:
            if not state.resolve_deadline(conn, employer.employer_id, label):
                continue
            send(Alert("deadline_resolved", employer.employer_id, employer.company_name, label,
                       ACTION_RESOLVED, due_date=due.isoformat(),
                       delivered_version=delivered[label]))
        resolved += 1
    return resolved
