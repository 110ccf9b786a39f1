"""Which REST history records stand for one payroll period, and the wage-code document's lines.

REST answers history where SOAP answered "current": for a period we take, per employee, the
record in force in that period (the latest that started on or before its end), which is what a
SOAP snapshot taken in that period would have shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree

from payroll_link.periods import PayrollPeriod


def _period_key(record: dict) -> tuple[int, int]:
    marker = record.get("period") or {}
    return int(marker.get("year") or 0), int(marker.get("period") or 0)


def _start(record: dict, key: str = "startDate") -> str:
    return str(record.get(key) or "")[:10]


def in_force_by_period(records: list[dict], period: PayrollPeriod) -> list[dict]:
    """Return the latest record whose `period` marker is on or before the period.

    Someone hired after the period has no such record yet: then the earliest one, as a SOAP
    snapshot would also show it.
    """
    target = (period.year, period.number)
    ordered = sorted(records, key=lambda r: (_period_key(r), str(r.get("createdAt") or "")))
    started = [r for r in ordered if _period_key(r) <= target]
    return started[-1:] or ordered[:1]


def in_force_by_date(records: list[dict], period: PayrollPeriod) -> list[dict]:
    """Return the latest record started on or before the period's last day (else the earliest)."""
    end = period.end.isoformat()
    ordered = sorted((r for r in records if _start(r)), key=_start)
    started = [r for r in ordered if _start(r) <= end]
    return started[-1:] or ordered[:1]


def addresses_in_force(records: list[dict], period: PayrollPeriod) -> list[dict]:
    """Return, per address type, the address in force in the period."""
    by_type: dict[str, list[dict]] = {}
    for record in records:
        by_type.setdefault(str(record.get("type")), []).append(record)
    return [hit for group in by_type.values() for hit in in_force_by_period(group, period)]


def contracts_in_force(records: list[dict], period: PayrollPeriod) -> list[dict]:
    """Return the contracts overlapping the period, else the latest one started before it."""
    first, last = period.start.isoformat(), period.end.isoformat()
    overlapping = [r for r in records if _start(r) and _start(r) <= last
                   and (not r.get("endDate") or _start(r, "endDate") >= first)]
    return overlapping or in_force_by_date(records, period)


def everything(records: list[dict], period: PayrollPeriod) -> list[dict]:
    """Return every record (lists that are not history: children)."""
    return list(records)


def created_by_end(records: list[dict], period: PayrollPeriod) -> list[dict]:
    """Return the records that existed by the period's end (bank accounts, as SOAP per period)."""
    end = period.end.isoformat()
    return [r for r in records if str(r.get("createdAt") or "")[:10] <= end]


def wage_code_lines(document: bytes, period_number: int) -> Iterable[dict]:
    """Yield the lines of a wage-code document for one period, with the employee's UUID/number.

    The document's layout is the one our REST simulator serves (Nmbrs does not publish it):
    ``<reports><report>`` per employee with employeeId, employeeNumber, period, year,
    runNumber and ``<lines><line>`` of code, description, value.
    """
    root = ElementTree.fromstring(document)
    for report in root.iter("report"):
        if int(report.findtext("period") or 0) != period_number:
            continue
        head = {"employee": report.findtext("employeeId"),
                "number": report.findtext("employeeNumber"),
                "year": report.findtext("year"), "period": report.findtext("period"),
                "run_number": report.findtext("runNumber")}
        for line in report.iter("line"):
            yield {**head, "code": line.findtext("code"),
                   "description": line.findtext("description"), "value": line.findtext("value")}
