"""Payroll periods (monthly and four-weekly): dates, labels, navigation and Nmbrs period strings.

Pure domain code: stdlib only, no Airflow. Monthly periods are calendar months. Four-weekly
periods are READ from ``data/four_weekly_periods.csv`` (generated once by
``scripts/make_four_weekly_table.py`` from the Belastingdienst rule and committed); they are never
computed at run time, and a year missing from the table is an error, not a guess.

Label scheme (``PayrollPeriod.label``), one per frequency, sortable as text within a frequency:
    monthly      ``YYYY-MM``      e.g. ``2026-11``   (November 2026)
    four_weekly  ``YYYY-4WNN``    e.g. ``2026-4W05`` (2026 four-weekly period 5)
Nmbrs period string (``PayrollPeriod.nmbrs_string``), as Nmbrs' documentation writes them:
    ``2026-11-M`` and ``2026-5-4W`` (no zero padding). ``parse_nmbrs_period`` reads every variant.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, get_args

Frequency = Literal["monthly", "four_weekly"]
FREQUENCIES: tuple[str, ...] = get_args(Frequency)
FOUR_WEEKLY_TABLE = Path(__file__).resolve().parent / "data" / "four_weekly_periods.csv"
_PERIODS_PER_YEAR = {"monthly": 12, "four_weekly": 13, "weekly": 53}
# Nmbrs writes the type as M / 4W / W4 / W1 depending on the source (nmbrs-api.md §6).
_NMBRS_TYPES = {
    "M": "monthly",
    "4W": "four_weekly",
    "W4": "four_weekly",
    "W1": "weekly",
    "W": "weekly",
}
_NMBRS_SUFFIX = {"monthly": "M", "four_weekly": "4W"}


class PeriodError(ValueError):
    """A payroll period cannot be built, found or parsed; the message says which and why."""


class FourWeeklyTableError(PeriodError):
    """The four-weekly period table is missing, malformed or lacks the year asked for."""


class NmbrsPeriod(NamedTuple):
    """A period as Nmbrs reports it: year, number within the year, and normalised frequency."""

    year: int
    number: int
    frequency: str  # "monthly", "four_weekly" or "weekly"


@dataclass(frozen=True, order=True)
class PayrollPeriod:
    """One payroll period; ``start`` and ``end`` are inclusive calendar dates."""

    frequency: str
    year: int
    number: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """Return the project label: ``2026-11`` (monthly) or ``2026-4W05`` (four-weekly)."""
        if self.frequency == "monthly":
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-4W{self.number:02d}"

    @property
    def nmbrs_string(self) -> str:
        """Return the period as Nmbrs writes it: ``2026-11-M`` or ``2026-5-4W``."""
        return f"{self.year}-{self.number}-{_NMBRS_SUFFIX[self.frequency]}"

    @property
    def days(self) -> int:
        """Return the number of calendar days in the period."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Return whether ``day`` falls inside the period."""
        return self.start <= day <= self.end

    def next(self) -> PayrollPeriod:
        """Return the period right after this one (period 1 of next year after the last)."""
        if self.number == _PERIODS_PER_YEAR[self.frequency]:
            return get_period(self.frequency, self.year + 1, 1)
        return get_period(self.frequency, self.year, self.number + 1)

    def previous(self) -> PayrollPeriod:
        """Return the period right before this one (the last of last year before period 1)."""
        if self.number == 1:
            return get_period(self.frequency, self.year - 1, _PERIODS_PER_YEAR[self.frequency])
        return get_period(self.frequency, self.year, self.number - 1)

    def __str__(self) -> str:
        return f"{self.label} ({self.start.isoformat()}..{self.end.isoformat()})"


def check_frequency(frequency: str) -> str:
    """Return ``frequency`` if it is a payroll frequency this product supports, else raise."""
    if frequency not in FREQUENCIES:
        raise PeriodError(f"unknown payroll frequency {frequency!r}; expected one of {FREQUENCIES}")
    return frequency


def get_period(frequency: str, year: int, number: int) -> PayrollPeriod:
    """Return period ``number`` of ``year`` for ``frequency``."""
    check_frequency(frequency)
    if not 1 <= number <= _PERIODS_PER_YEAR[frequency]:
        raise PeriodError(
            f"{frequency} period number {number} of {year} is out of range "
            f"1..{_PERIODS_PER_YEAR[frequency]}"
        )
    if frequency == "monthly":
        return _monthly_period(year, number)
    return four_weekly_periods(year)[number - 1]


def period_containing(frequency: str, day: dt.date) -> PayrollPeriod:
    """Return the ``frequency`` period that contains calendar date ``day``."""
    check_frequency(frequency)
    if isinstance(day, dt.datetime):
        raise PeriodError(f"period_containing expects a date, got datetime {day!r}")
    if frequency == "monthly":
        return _monthly_period(day.year, day.month)
    for period in four_weekly_periods(day.year):
        if period.contains(day):
            return period
    raise FourWeeklyTableError(  # a validated table tiles the year, so this means a bad table
        f"no four-weekly period contains {day.isoformat()} in {FOUR_WEEKLY_TABLE}"
    )


def periods_between(frequency: str, first_date: dt.date, last_date: dt.date) -> list[PayrollPeriod]:
    """Return, in order, the periods from the one containing ``first_date`` to ``last_date``'s."""
    if last_date < first_date:
        raise PeriodError(
            f"periods_between: last_date {last_date.isoformat()} is before "
            f"first_date {first_date.isoformat()}"
        )
    current = period_containing(frequency, first_date)
    result = [current]
    while current.end < last_date:
        current = current.next()
        result.append(current)
    return result


def parse_nmbrs_period(text: str) -> NmbrsPeriod:
    """Parse an Nmbrs period string: ``2024-5-M``, ``2024-05-M``, ``2010-4-4W``, ``2026-3-W4``."""
    parts = [part.strip() for part in str(text).strip().split("-")]
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise PeriodError(f"Nmbrs period {text!r} is not 'year-period-type' (e.g. '2024-5-M')")
    year, number, raw_type = int(parts[0]), int(parts[1]), parts[2].upper()
    frequency = _NMBRS_TYPES.get(raw_type)
    if frequency is None:
        raise PeriodError(
            f"Nmbrs period {text!r} has unknown type {parts[2]!r}; expected one of "
            f"{sorted(_NMBRS_TYPES)}"
        )
    if not 1 <= number <= _PERIODS_PER_YEAR[frequency]:
        raise PeriodError(
            f"Nmbrs period {text!r}: period {number} is out of range for {frequency} "
            f"(1..{_PERIODS_PER_YEAR[frequency]})"
        )
    return NmbrsPeriod(year, number, frequency)


def four_weekly_periods(year: int, table: Path | None = None) -> tuple[PayrollPeriod, ...]:
    """Return the 13 four-weekly periods of ``year`` from the committed table."""
    path = table or FOUR_WEEKLY_TABLE
    by_year = _load_four_weekly_table(path)
    if year not in by_year:
        covered = f"{min(by_year)}-{max(by_year)}" if by_year else "no years"
        raise FourWeeklyTableError(
            f"four-weekly period table {path} has no rows for year {year} (it covers {covered}); "
            "extend it with scripts/make_four_weekly_table.py and commit the result"
        )
    return by_year[year]


def _monthly_period(year: int, month: int) -> PayrollPeriod:
    """Return the calendar-month period (year, month)."""
    start = dt.date(year, month, 1)
    next_start = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return PayrollPeriod("monthly", year, month, start, next_start - dt.timedelta(days=1))


@functools.lru_cache(maxsize=4)
def _load_four_weekly_table(path: Path) -> dict[int, tuple[PayrollPeriod, ...]]:
    """Read and check the four-weekly table; cached per path (the file is part of the release)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise FourWeeklyTableError(f"cannot read four-weekly period table {path}: {err}") from err
    rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
    by_year: dict[int, list[PayrollPeriod]] = {}
    for row in rows:
        period = _row_to_period(row, path, rows.line_num)
        by_year.setdefault(period.year, []).append(period)
    for year, periods in by_year.items():
        _check_year(year, periods, path)
    return {year: tuple(periods) for year, periods in by_year.items()}


def _row_to_period(row: dict[str, str], path: Path, line: int) -> PayrollPeriod:
    """Turn one CSV row into a PayrollPeriod, naming file and data row on bad input."""
    try:
        return PayrollPeriod(
            "four_weekly",
            int(row["year"]),
            int(row["period"]),
            dt.date.fromisoformat(row["start"]),
            dt.date.fromisoformat(row["end"]),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise FourWeeklyTableError(
            f"four-weekly period table {path}, data row {line}: cannot read {row!r} ({err})"
        ) from err


def _check_year(year: int, periods: list[PayrollPeriod], path: Path) -> None:
    """Raise unless the year's periods are 1..13 and tile 1 January to 31 December."""
    periods.sort(key=lambda period: period.number)
    problem = None
    if [period.number for period in periods] != list(range(1, 14)):
        problem = f"period numbers are {[period.number for period in periods]}, expected 1..13"
    elif periods[0].start != dt.date(year, 1, 1) or periods[-1].end != dt.date(year, 12, 31):
        problem = "periods do not run from 1 January to 31 December"
    else:
        for before, after in zip(periods, periods[1:], strict=False):
            if after.start != before.end + dt.timedelta(days=1) or before.start > before.end:
                problem = f"period {before.number} and {after.number} do not join up"
                break
    if problem:
        raise FourWeeklyTableError(f"four-weekly period table {path}, year {year}: {problem}")
