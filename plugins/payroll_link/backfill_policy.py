"""Backfill policy: deliveries follow period order; an older period after a later one is refused.

Mutations are derived against the stands a.s.r. last received *before* the period. Delivering a
period that was never delivered while a later period already was would put it out of order: its
mutations would be derived against an older base, and the later period's mutations (derived
without it) would no longer chain. So by default such a delivery is refused, in the backfill
command (before anything is queued) and in the DAG's delivery task (a safety net for catch-up
after a moved backfill start, or cleared runs).

When a.s.r. does want the older history, it is asked for explicitly (`koppeling backfill
--out-of-order`, run conf ``{"out_of_order": true}``): the period is delivered, and the later
delivered periods are named as needing a re-run in period order, so their mutations are derived
again and sent as explicit corrections. Nothing here imports Airflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

CONF_KEY = "out_of_order"

_DELIVERED = text(
    "select period, min(period_start) as period_start from ops.delivery "
    "where employer_id = :e and status = 'delivered' group by period order by 2")


class OutOfOrderError(Exception):
    """A never-delivered period lies before a delivered one and was not asked for explicitly."""

    def __init__(self, message: str, *, employer_id: str, periods: list[str],
                 later: list[str]):
        super().__init__(message)
        self.employer_id = employer_id
        self.periods = periods
        self.later = later


@dataclass(frozen=True)
class Verdict:
    """What delivering `periods` now means: which are out of order, and the later delivered."""

    employer_id: str
    out_of_order: list[str]
    later_delivered: list[str]

    def refuse(self) -> None:
        """Raise OutOfOrderError when any period is out of order."""
        if not self.out_of_order:
            return
        raise OutOfOrderError(
            f"{self.employer_id}: {', '.join(self.out_of_order)} would be delivered for the "
            f"first time after the later period(s) {', '.join(self.later_delivered)}; mutations "
            "must follow period order. Ask for it explicitly (koppeling backfill "
            "--out-of-order, run conf {\"out_of_order\": true}); the later periods must then be "
            "re-run in order and go out as corrections", employer_id=self.employer_id,
            periods=self.out_of_order, later=self.later_delivered)


def delivered_periods(conn, employer_id: str) -> list[tuple[str, object]]:
    """Return (label, start) of every period with a delivered version, oldest first."""
    return [(row.period, row.period_start)
            for row in conn.execute(_DELIVERED, {"e": employer_id})]


def judge(conn, employer_id: str, periods, kept_before=None) -> Verdict:
    """Judge delivering `periods` (PayrollPeriod objects) against the delivery ledger.

    Periods starting before `kept_before` (the first exchange date of an employer that does not
    ask for history) are kept as baseline and never delivered, so they are never out of order.
    """
    delivered = delivered_periods(conn, employer_id)
    labels = {label for label, _ in delivered}
    latest = delivered[-1][1] if delivered else None
    late = [p.label for p in periods
            if latest is not None and p.start < latest and p.label not in labels
            and not (kept_before is not None and p.start < kept_before)]
    first = min((p.start for p in periods), default=None)
    later = [label for label, start in delivered if first is not None and start > first]
    return Verdict(employer_id, late, later if late else [])


def baseline_until(employer):
    """Return the date before which the employer's periods are kept as baseline, or None."""
    if getattr(employer, "deliver_history", False):
        return None
    return getattr(employer, "first_exchange_date", None)


def periods_between(first, last) -> list:
    """Return the periods from `first` to `last` inclusive (PayrollPeriod.next)."""
    periods, current = [first], first
    while (current.year, current.number) < (last.year, last.number):
        current = current.next()
        periods.append(current)
    return periods
