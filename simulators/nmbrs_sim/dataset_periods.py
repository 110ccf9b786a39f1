"""Payroll period calendar (monthly and 4-weekly) and the stable seeding helpers."""

from __future__ import annotations

import calendar
import hashlib
import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

MONTHLY = "monthly"
FOUR_WEEKLY = "four_weekly"
PERIOD_SUFFIX = {MONTHLY: "M", FOUR_WEEKLY: "4W"}
TIJDVAK = {MONTHLY: "Month", FOUR_WEEKLY: "Week4"}
CENT = Decimal("0.01")


def periods_per_year(frequency: str) -> int:
    """Return 12 for monthly and 13 for 4-weekly payrolls."""
    if frequency not in PERIOD_SUFFIX:
        raise ValueError(f"unknown payroll frequency {frequency!r}")
    return 12 if frequency == MONTHLY else 13


@lru_cache(maxsize=4096)
def period_bounds(frequency: str, year: int, period: int) -> tuple[date, date]:
    """Return the first and last day of a payroll period."""
    if not 1 <= period <= periods_per_year(frequency):
        raise ValueError(f"period {period} does not exist for a {frequency} payroll")
    if frequency == MONTHLY:
        return date(year, period, 1), date(year, period, calendar.monthrange(year, period)[1])
    # 4-weekly: period 1 starts on 1 January and period 13 ends on 31 December; periods 2-12
    # are whole ISO weeks 4k-3 .. 4k (pension-handoff.md §5).
    start = date(year, 1, 1) if period == 1 else date.fromisocalendar(year, 4 * period - 3, 1)
    end = date(year, 12, 31) if period == 13 else date.fromisocalendar(year, 4 * period, 7)
    return start, end


def period_of(frequency: str, day: date) -> tuple[int, int]:
    """Return the (year, period) that contains a day."""
    if frequency == MONTHLY:
        return day.year, day.month
    for period in range(1, 14):
        if day <= period_bounds(frequency, day.year, period)[1]:
            return day.year, period
    raise AssertionError("period 13 ends on 31 December")  # pragma: no cover


def shift_period(frequency: str, year: int, period: int, delta: int) -> tuple[int, int]:
    """Return the period `delta` periods after (or before, if negative) the given one."""
    count = periods_per_year(frequency)
    index = year * count + (period - 1) + delta
    return index // count, index % count + 1


def period_code(frequency: str, year: int, period: int) -> str:
    """Return the period string of Company_GetCurrentPeriod, e.g. "2026-11-M"."""
    return f"{year}-{period}-{PERIOD_SUFFIX[frequency]}"


def period_weeks(frequency: str) -> Decimal:
    """Return the number of weeks a period pays for (52/12 or 4)."""
    return Decimal(52) / Decimal(12) if frequency == MONTHLY else Decimal(4)


def derive_seed(*parts: object) -> int:
    """Derive a stable 64-bit seed from parts (unlike hash(), not salted per process)."""
    text = "\x1f".join(map(str, parts)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def rng_for(*parts: object) -> random.Random:
    """Return a Random seeded from parts, so each data stream is independent and stable."""
    return random.Random(derive_seed(*parts))


def money(value: Decimal | float | int) -> Decimal:
    """Round an amount to cents."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def at_midnight(day: date | None) -> datetime | None:
    """Turn a date into the naive midnight datetime Nmbrs uses for xs:dateTime fields."""
    return None if day is None else datetime.combine(day, time())


def random_day(rng: random.Random, first: date, last: date) -> date:
    """Draw a day in [first, last]."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def stamp(rng: random.Random, day: date, days_before: int = 14) -> datetime:
    """Draw an office-hours timestamp up to `days_before` days before a day (a CreationDate)."""
    moment = datetime.combine(day - timedelta(days=rng.randint(1, days_before)), time(8))
    return moment + timedelta(minutes=rng.randint(0, 9 * 60), seconds=rng.randint(0, 59))
