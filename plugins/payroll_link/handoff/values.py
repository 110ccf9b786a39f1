"""How stand values are written: exact decimal strings and ISO dates (deterministic JSON)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
ANNUALISATION = {"monthly": 12, "four_weekly": 13}  # pension-handoff.md §5: × 12 or × 13
# Weeks a period pays for: a month is 52/12 weeks; a 4-weekly period is 4 weeks, also the
# irregular periods 1 and 13, as payroll counts it.
PERIOD_WEEKS = {"monthly": Decimal(52) / Decimal(12), "four_weekly": Decimal(4)}
PERIOD_TYPE = {"monthly": "M", "four_weekly": "4W"}


def to_decimal(value) -> Decimal | None:
    """Return a Decimal (exactly, via str for floats) or None."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value) -> str | None:
    """Write an amount with two decimals, half up: ``'4709.55'``."""
    value = to_decimal(value)
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def hours(value) -> str | None:
    """Write hours with two decimals: ``'38.00'``."""
    return money(value)


def factor(value) -> str | None:
    """Write a factor with four decimals: ``'0.7500'``."""
    value = to_decimal(value)
    return None if value is None else str(value.quantize(TEN_THOUSANDTH, rounding=ROUND_HALF_UP))


def rate(value) -> str | None:
    """Write a Nmbrs salary value: two decimals, four when the source has them (hourly)."""
    value = to_decimal(value)
    if value is None:
        return None
    if value == value.quantize(CENT):
        return money(value)
    return factor(value)


def iso(value) -> str | None:
    """Write a date as ``YYYY-MM-DD`` (a datetime loses its time)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()
