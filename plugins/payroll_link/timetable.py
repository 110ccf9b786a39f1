"""Airflow timetable whose data intervals are payroll periods (monthly or four-weekly, Amsterdam).

Base class and registration, as found in the installed Airflow 3.3.2 source:

* A custom timetable must subclass the *Core* ``airflow.timetables.base.Timetable``, not the Task
  SDK's ``airflow.sdk.bases.timetable.BaseTimetable``. The SDK base is for Airflow's own SDK
  timetables only: ``airflow.serialization.encoders`` maps each of them to a built-in Core class
  (``BUILTIN_TIMETABLES``), and ``serialize_timetable`` raises ``NotImplementedError("can not
  serialize timetable ...")`` for any other object that is not a Core ``Timetable``. The SDK
  ``DAG`` accepts a Core timetable as ``schedule`` (``ScheduleArg`` includes ``CoreTimetable``).
* Registration through an ``AirflowPlugin`` (``timetables = [PayrollPeriodTimetable]``, in
  ``plugins/payroll_timetables.py``) is required in BOTH directions: the dag-processor's encoder
  calls ``find_registered_custom_timetable(qualname)`` and raises ``TimetableNotRegistered`` if the
  class is not listed by a plugin, and the scheduler/api-server decoder only imports classes under
  ``airflow.timetables.``; anything else is looked up in the plugin registry by its qualname
  (``payroll_link.timetable.PayrollPeriodTimetable``), never imported from the stored string.

Semantics (those of ``CronDataIntervalTimetable``, with payroll periods as the intervals):
data interval = [00:00 Europe/Amsterdam on the period's first day, 00:00 on the day after its last
day), returned in UTC like Airflow's own timetables; a run is due when its interval has ended.
With catchup, runs start at the first period starting at or after the DAG's ``start_date`` (the
employer's backfill start, a period start). Without catchup, the first run is the latest complete
period. A manual run at D gets the last complete period ending at or before D.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from pendulum import DateTime

from payroll_link.periods import (
    PayrollPeriod,
    PeriodError,
    check_frequency,
    period_containing,
)

PAYROLL_TZ = pendulum.timezone("Europe/Amsterdam")
_SUMMARIES = {
    "monthly": "Payroll periods (monthly)",
    "four_weekly": "Payroll periods (4-weekly, Belastingdienst table)",
}


def _utcnow() -> DateTime:
    """Return the current time in UTC (a seam for tests)."""
    return pendulum.now("UTC")


def period_start(period: PayrollPeriod) -> DateTime:
    """Return the instant the period starts: 00:00 Amsterdam on its first day, in UTC."""
    return amsterdam_midnight(period.start)


def period_end(period: PayrollPeriod) -> DateTime:
    """Return the instant the period ends: 00:00 Amsterdam on the day after its last day, in UTC."""
    return amsterdam_midnight(period.end + dt.timedelta(days=1))


def interval_for(period: PayrollPeriod) -> DataInterval:
    """Return the Airflow data interval of a payroll period."""
    return DataInterval(start=period_start(period), end=period_end(period))


def period_at(frequency: str, moment: dt.datetime) -> PayrollPeriod:
    """Return the period whose interval contains the aware instant ``moment``."""
    if moment.tzinfo is None:
        raise PeriodError(f"instant {moment!r} has no timezone; payroll periods need aware times")
    local_day = pendulum.instance(moment).in_timezone(PAYROLL_TZ).date()
    return period_containing(frequency, dt.date(local_day.year, local_day.month, local_day.day))


def period_for_interval(frequency: str, data_interval_start: dt.datetime) -> PayrollPeriod:
    """Return the payroll period a run is for, from its ``data_interval_start``.

    The start must be exactly a period start (00:00 Amsterdam on its first day); anything else
    means the run was not made by this timetable, and guessing a period would be wrong.
    """
    period = period_at(check_frequency(frequency), data_interval_start)
    if period_start(period) != data_interval_start:
        raise PeriodError(
            f"data interval start {pendulum.instance(data_interval_start).isoformat()} is not the "
            f"start of a {frequency} payroll period (it falls in {period.label}, which starts "
            f"{period_start(period).in_timezone(PAYROLL_TZ).isoformat()})"
        )
    return period


class PayrollPeriodTimetable(Timetable):
    """Schedule one run per payroll period, due once the period has ended (Europe/Amsterdam)."""

    periodic = True
    can_be_scheduled = True

    def __init__(self, frequency: str) -> None:
        self.frequency = check_frequency(frequency)
        self.description = _SUMMARIES[frequency]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PayrollPeriodTimetable):
            return NotImplemented
        return self.frequency == other.frequency

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.frequency))

    def __repr__(self) -> str:
        return f"PayrollPeriodTimetable(frequency={self.frequency!r})"

    @property
    def summary(self) -> str:
        """Return the text the UI shows as the schedule."""
        return _SUMMARIES[self.frequency]

    def serialize(self) -> dict[str, Any]:
        """Return the JSON-able state stored in the serialized DAG."""
        return {"frequency": self.frequency}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> PayrollPeriodTimetable:
        """Rebuild the timetable from ``serialize()`` output."""
        return cls(data["frequency"])

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        """Return the last complete period ending at or before ``run_after``."""
        return interval_for(period_at(self.frequency, run_after).previous())

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
    ) -> DagRunInfo | None:
        """Return the next period to run, or None when there is none (yet) within the bounds."""
        earliest = restriction.earliest
        if not restriction.catchup:
            earliest = self._skip_to_latest(earliest)
        elif earliest is not None:
            earliest = self._align_to_next(earliest)
        if last_automated_data_interval is None:
            if earliest is None:
                return None
            start = earliest
        else:
            start = self._next_start_after(last_automated_data_interval, earliest)
        if restriction.latest is not None and start > restriction.latest:
            return None
        return DagRunInfo.interval(start=start, end=period_end(self._period_at(start)))

    def _next_start_after(self, last: DataInterval, earliest: DateTime | None) -> DateTime:
        """Return the start of the period after the last automated run, not before ``earliest``."""
        start = self._align_to_prev(last.end)
        if earliest is not None:
            start = max(start, earliest)
        if start <= last.start:  # a realigned interval must still move forward
            start = period_end(self._period_at(last.start))
        return start

    def _skip_to_latest(self, earliest: DateTime | None) -> DateTime:
        """Return the start of the latest complete period (catchup off), not before ``earliest``."""
        latest_complete = period_at(self.frequency, _utcnow()).previous()
        start = period_start(latest_complete)
        if earliest is None:
            return start
        return max(start, self._align_to_next(earliest))

    def _align_to_next(self, moment: DateTime) -> DateTime:
        """Return ``moment`` if it is a period start, else the start of the next period."""
        period = self._period_at(moment)
        start = period_start(period)
        return start if start == moment else period_end(period)

    def _align_to_prev(self, moment: DateTime) -> DateTime:
        """Return ``moment`` if it is a period start, else the start of its period."""
        return period_start(self._period_at(moment))

    def _period_at(self, moment: dt.datetime) -> PayrollPeriod:
        return period_at(self.frequency, moment)


def amsterdam_midnight(day: dt.date) -> DateTime:
    """Return 00:00 Europe/Amsterdam on ``day`` in UTC (use it for a DAG's ``start_date``)."""
    return pendulum.datetime(day.year, day.month, day.day, tz=PAYROLL_TZ).in_timezone("UTC")
