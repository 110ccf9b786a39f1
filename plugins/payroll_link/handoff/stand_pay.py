"""The pay side of a stand: contract and part-time factor, salary, pensionable components.

Snapshot calls (Contract_GetCurrentPeriod, Schedule_GetCurrent) show Nmbrs' state when the
extraction ran, which is after the period: the DAG waits until the payroll of the period has run,
so the snapshot may already carry a change dated in a later period. Hours are therefore taken
from the first source that is valid on the stand's reference date:

1. the contract row whose start/end cover the reference date;
2. the schedule, when its start date is on or before the reference date;
3. the hours paid in the period (``hours_wage_code``, default 1100 "Uren") ÷ the weeks the
   employee was in service in it: calendar days in service ÷ 7 (a 25-, 28- or 32-day 4-weekly
   period and a month alike).

The source used is written in ``contract.hours_source``; no source leaves hours ``null``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from payroll_link.handoff.values import (
    ANNUALISATION,
    CENT,
    PERIOD_WEEKS,
    factor,
    hours,
    iso,
    money,
    rate,
    to_decimal,
)

SALARY_TYPES = {1: "gross_fulltime", 2: "gross_parttime", 3: "gross_hourly"}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def covering(rows: list[dict], day: dt.date) -> dict | None:
    """Return the row whose start_date/end_date cover `day` (latest start wins), if any."""
    hits = [r for r in rows if r.get("start_date") and r["start_date"] <= day
            and (r.get("end_date") is None or r["end_date"] >= day)]
    return max(hits, key=lambda r: (r["start_date"], r.get("contract_id") or 0), default=None)


def days_in_service(period, job: dict) -> tuple[int, int]:
    """Return (calendar days of the period the employment covers, days of the period)."""
    first = max(period.start, job["start_date"])
    last = min(period.end, job["end_date"]) if job.get("end_date") else period.end
    return max(0, (last - first).days + 1), (period.end - period.start).days + 1


def contract_block(contracts: list[dict], schedule: dict | None, wage_hours: Decimal | None,
                   ref: dt.date, days: int, full_time: Decimal) -> dict:
    """Return the contract group: type, hours per week and part-time factor valid on `ref`."""
    row = covering(contracts, ref)
    per_week, source = _hours(row, schedule, wage_hours, ref, days)
    indefinite = row.get("indefinite") if row else None
    return {
        "contract_id": row["contract_id"] if row else None,
        "type": None if indefinite is None else ("indefinite" if indefinite else "fixed_term"),
        "nature_code": row.get("employment_type") if row else None,
        "start_date": iso(row["start_date"]) if row else None,
        "end_date": iso(row.get("end_date")) if row else None,
        "hours_per_week": hours(per_week),
        "full_time_hours_per_week": hours(full_time),
        "part_time_factor": factor(per_week / full_time) if per_week is not None else None,
        "hours_source": source,
    }


def _hours(row, schedule, wage_hours, ref, days) -> tuple[Decimal | None, str | None]:
    if row is not None and row.get("hours_per_week") is not None:
        return to_decimal(row["hours_per_week"]), "contract"
    if schedule and schedule.get("start_date") and schedule["start_date"] <= ref:
        week1 = [to_decimal(schedule.get(f"hours_{d}")) or Decimal(0) for d in _DAYS]
        week2 = [to_decimal(schedule.get(f"hours_{d}_w2")) for d in _DAYS]
        total = sum(week1)
        if any(value is not None for value in week2):  # a two-week rota: average the weeks
            total = (total + sum(v or Decimal(0) for v in week2)) / 2
        return total, "schedule"
    if wage_hours is not None and days > 0:
        return wage_hours * 7 / days, "wage_code"
    return None, None


def salary_block(salaries: list[dict], ref: dt.date, employment_start: dt.date,
                 contract: dict, frequency: str) -> dict | None:
    """Return the salary group: the Nmbrs salary valid on `ref`, per period and annualised."""
    valid = [s for s in salaries if s.get("start_date") and s["start_date"] <= ref
             and s.get("value") is not None]
    if not valid:
        return None
    row = max(valid, key=lambda s: (s["start_date"], s.get("creation_date") or dt.date.min,
                                    s["salary_id"]))
    kind = SALARY_TYPES.get(row.get("salary_type"), "other")
    value = to_decimal(row["value"])
    per_week = to_decimal(contract["hours_per_week"])
    part = to_decimal(contract["part_time_factor"])
    full_time, actual = _period_amounts(kind, value, per_week, part,
                                        to_decimal(contract["full_time_hours_per_week"]),
                                        frequency)
    times = ANNUALISATION[frequency]
    full_time, actual = _cents(full_time), _cents(actual)
    return {  # annual = the delivered (rounded) period amount × 12 or 13, exactly
        "salary_type": kind,
        "amount": rate(value),
        "valid_from": iso(max(row["start_date"], employment_start)),
        "full_time_period_amount": money(full_time),
        "period_amount": money(actual),
        "full_time_annual_amount": money(full_time * times) if full_time is not None else None,
        "annual_amount": money(actual * times) if actual is not None else None,
        "annualisation_factor": times,
    }


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(money(value))


def _period_amounts(kind, value, per_week, part, full_week, frequency):
    """Return (full-time, actual) amounts per period; None where the hours are unknown."""
    if kind == "gross_fulltime":
        return value, (value * part if part is not None else None)
    if kind == "gross_parttime":
        return (value / part if part else None), value
    if kind == "gross_hourly":
        weeks = PERIOD_WEEKS[frequency]
        return value * full_week * weeks, (value * per_week * weeks if per_week else None)
    return None, None


def pensionable_block(scheme_id: str | None, scheme, wage_lines: list[dict],
                      frequency: str) -> dict | None:
    """Return the pensionable group: the scheme's codes summed over the employee's own lines.

    Each component is rounded to the cent; ``period_total`` is their sum and ``annual_total``
    that sum × 12 or × 13, so both follow exactly from the delivered components.
    """
    if scheme is None:
        return None
    by_code: dict[int, Decimal] = {}
    for line in wage_lines:
        by_code[line["code"]] = by_code.get(line["code"], Decimal(0)) + to_decimal(line["value"])
    components, total = [], Decimal(0)
    for item in scheme.components:
        amount = by_code.get(item.code, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
        total += amount
        components.append({"name": item.name, "source": item.source, "code": item.code,
                           "amount": money(amount)})
    return {"scheme": scheme_id, "components": components, "period_total": money(total),
            "annual_total": money(total * ANNUALISATION[frequency])}


def unused_codes(scheme, wage_lines) -> list[int]:
    """Return the scheme's codes that appear on no wage-code line of the period (any employee)."""
    if scheme is None:
        return []
    used = {line["code"] for line in wage_lines}
    return sorted(scheme.codes() - used)


def wage_hours(wage_lines: list[dict], code: int | None) -> Decimal | None:
    """Return the hours paid in the period (sum over runs of `code`), or None without lines."""
    if code is None:
        return None
    values = [to_decimal(line["value"]) for line in wage_lines if line["code"] == code]
    return sum(values) if values else None
