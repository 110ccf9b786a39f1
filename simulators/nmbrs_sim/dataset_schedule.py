"""Contracts and weekly schedules derived from an employee's part-time history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .dataset_periods import at_midnight, money, rng_for
from .dataset_timeline import Change, Employment

if TYPE_CHECKING:
    from .dataset_employee import EmployeeData

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CDAARD_EMPLOYMENT_CONTRACT = 1  # CdAard 1: arbeidsovereenkomst (pension-handoff.md §3.5)


def _segments(employee: EmployeeData, employment: Employment) -> list[Change]:
    """Return the part-time changes that fall inside one employment."""
    end = employment.end or date.max
    return [c for c in employee.timeline.parttime if employment.start <= c.start <= end]


def _one_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def contract_rows(employee: EmployeeData) -> list[dict]:
    """Build one EmployeeContract per part-time segment of every valid employment."""
    rng = rng_for(employee.plan.seed, employee.id, "contracts")
    rows: list[dict] = []
    for employment in (e for e in employee.timeline.employments if e.valid):
        segments = _segments(employee, employment)
        # Recent hires start on a one-year contract; the rest are open-ended.
        fixed_term = employee.recently_hired(employment.start)
        year_end = _one_year_later(employment.start) - timedelta(days=1)
        for i, segment in enumerate(segments):
            if i + 1 < len(segments):
                end = segments[i + 1].start - timedelta(days=1)
            else:
                end = employment.end or (year_end if fixed_term else None)
            trial = None
            if i == 0 and rng.random() < 0.7:
                trial = employment.start + timedelta(days=30 if fixed_term else 60)
            rows.append(_contract(employee, employment, segment, end, trial, not fixed_term,
                                  len(rows) + 1))
    return rows


def _contract(employee: EmployeeData, employment: Employment, segment: Change,
              end: date | None, trial: date | None, indefinite: bool, seq: int) -> dict:
    return {
        "ContractID": employee.id * 100 + seq,
        "CreationDate": segment.created,
        "StartDate": at_midnight(segment.start),
        "TrialPeriod": at_midnight(trial),
        "EndDate": at_midnight(end),
        "EmployementType": CDAARD_EMPLOYMENT_CONTRACT,
        "EmploymentSequenceTaxId": employment.sequence,
        "Indefinite": indefinite,
        "PhaseClassification": 0,
        "WrittenContract": True,
        "HoursPerWeek": employee.hours_per_week(segment.value),
    }


def day_hours(fulltime: Decimal, hours: Decimal) -> list[Decimal]:
    """Spread weekly hours over Monday-Friday: whole days of a full-timer, then the rest."""
    per_day = money(fulltime / 5)
    days, left = [], hours
    for _ in range(5):
        today = min(per_day, left)
        days.append(money(today))
        left -= today
    return days + [money(0), money(0)]


def schedule_row(employee: EmployeeData, segment: Change) -> dict:
    """Build the Schedule (two identical rota weeks) for a part-time segment."""
    hours = employee.hours_per_week(segment.value)
    days = day_hours(employee.plan.cfg.fulltime_hours, hours)
    row = {f"Hours{day}": value for day, value in zip(WEEKDAYS, days, strict=True)}
    row.update({f"Hours{day}2": value for day, value in zip(WEEKDAYS, days, strict=True)})
    row["ParttimePercentage"] = money(segment.value * 100)
    row["StartDate"] = at_midnight(segment.start)
    return row
