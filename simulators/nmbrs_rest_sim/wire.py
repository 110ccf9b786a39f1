"""Small wire-format helpers shared by the REST shapes: timestamps, dates, periods, numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def ts(value: datetime | date | None) -> str | None:
    """Return an RFC 3339 UTC timestamp as the spec's examples write them (…T10:15:08Z)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: datetime | date | None) -> str | None:
    """Return an ISO date (format: date)."""
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def period(year: int, number: int) -> dict:
    """Return the spec's Period object."""
    return {"year": year, "period": number}


def number(value: Decimal | int | float | None) -> float | None:
    """Return a JSON number (money and hours have two decimals; float keeps them exactly)."""
    return None if value is None else float(value)
