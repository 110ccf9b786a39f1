"""Payroll runs, wage-code report lines per employee and company wage components."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .dataset_periods import (
    MONTHLY,
    money,
    period_bounds,
    periods_per_year,
    rng_for,
)
from .dataset_timeline import value_at
from .world import CompanyConfig

if TYPE_CHECKING:
    from .dataset_employee import EmployeeData

WAGE_CODES = {
    1000: "Salaris",
    1100: "Uren",
    2000: "Vakantiegeld reservering",
    3000: "Pensioenpremie werknemer",
    4000: "Loon SV",
    4010: "Loon LH",
}
HOLIDAY_RATE = Decimal("0.08")
PENSION_RATE = Decimal("0.055")
# Illustrative yearly figures; real ones are per scheme and year (pension-handoff.md §8).
ANNUAL_FRANCHISE = Decimal("18475")
ANNUAL_MAX_SV_WAGE = Decimal("79409")
CORRECTION_PERIOD = 3
MONTHS = ("januari februari maart april mei juni juli augustus september oktober november"
          " december").split()
FIXED_COMPONENTS = ((5000, 12.50), (5010, 45.00), (5020, 150.00))
VAR_COMPONENTS = ((6000, 0.6, 80.0, 900.0), (6010, 0.5, 40.0, 400.0), (6020, 0.1, 250.0, 1500.0))


@dataclass(frozen=True)
class Run:
    """One payroll run (RunInfo) of a company."""

    id: int
    number: int
    year: int
    period: int
    description: str
    run_at: datetime
    correction: bool = False

    def info(self) -> dict:
        """Return the RunInfo dict (§7.1 order)."""
        return {
            "ID": self.id, "Number": self.number, "Year": self.year, "PeriodStart": self.period,
            "PeriodEnd": self.period, "Description": self.description, "RunAt": self.run_at,
            "IsLocked": True,
        }


def run_table(cfg: CompanyConfig, seed: int, year: int) -> list[Run]:
    """Return every run of a year as if the whole year had been processed."""
    if year < cfg.first_year:
        return []
    rng = rng_for(seed, cfg.id, "runs", year)
    runs: list[Run] = []
    for period in range(1, periods_per_year(cfg.frequency) + 1):
        end = period_bounds(cfg.frequency, year, period)[1]
        runs.append(_run(cfg, year, period, len(runs) + 1, _description(cfg, year, period),
                         _at(rng, end - timedelta(days=4), 13)))
        if period == CORRECTION_PERIOD:
            runs.append(_run(cfg, year, period, len(runs) + 1, f"Correctierun periode 3 {year}",
                             _at(rng, end + timedelta(days=10), 9), correction=True))
    return runs


def _run(cfg: CompanyConfig, year: int, period: int, number: int, text: str,
         run_at: datetime, correction: bool = False) -> Run:
    # Ids carry company and year so a run id used with the wrong company or year is caught.
    run_id = cfg.id * 100_000 + (year % 100) * 100 + number
    return Run(run_id, number, year, period, text, run_at, correction)


def _description(cfg: CompanyConfig, year: int, period: int) -> str:
    if cfg.frequency == MONTHLY:
        return f"Verloning {MONTHS[period - 1]} {year}"
    return f"Verloning periode {period} {year}"


def _at(rng, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour)) + timedelta(minutes=rng.randint(0, 180))


def runs_until(cfg: CompanyConfig, seed: int, year: int, clock: date) -> list[Run]:
    """Return the runs of a year that had happened before `clock`."""
    return [
        run for run in run_table(cfg, seed, year)
        if period_bounds(cfg.frequency, year, run.period)[1] < clock and run.run_at.date() < clock
    ]


def _line(code: int, value: Decimal) -> dict:
    return {"code": code, "description": WAGE_CODES[code], "value": value}


def employee_lines(employee: EmployeeData, year: int, period: int) -> list[dict] | None:
    """Return the regular wage-code lines of an employee for a period (None if not employed)."""
    frequency = employee.plan.frequency
    first, last = period_bounds(frequency, year, period)
    employment = employee.timeline.employment_in(first, last)
    if employment is None:
        return None
    reference = max(first, employment.start)
    factor = value_at(employee.timeline.parttime, reference).value
    # Calendar-day pro-rating (Nmbrs' "kalenderdagen" method): a hire or exit inside the
    # period is paid for the days in service of the period's calendar days.
    served = _days_in_service(first, last, employment.start, employment.end)
    share = Decimal(served) / Decimal((last - first).days + 1)
    salary = money(value_at(employee.timeline.salaries, reference).value * factor * share)
    count = periods_per_year(frequency)
    franchise = ANNUAL_FRANCHISE / count * factor * share
    pension = money(max(Decimal(0), salary - franchise) * PENSION_RATE)
    # Hours paid: the weekly hours for the calendar weeks in service (days / 7).
    hours = money(employee.plan.cfg.fulltime_hours * factor * served / 7)
    return [_line(1000, salary), _line(1100, hours), _line(2000, money(salary * HOLIDAY_RATE)),
            _line(3000, pension), *_wage_lines(employee, salary - pension, count)]


def _days_in_service(first: date, last: date, start: date, end: date | None) -> int:
    """Return the calendar days of [first, last] inside the employment [start, end]."""
    return (min(last, end or last) - max(first, start)).days + 1


def _wage_lines(employee: EmployeeData, taxable: Decimal, count: int) -> list[dict]:
    # A flagged DGA is not insured for the employee insurances, so has no SV wage.
    sv_wage = min(taxable, money(ANNUAL_MAX_SV_WAGE / count)) if not employee.dga_flagged else 0
    return [_line(4000, money(sv_wage)), _line(4010, money(taxable))]


def correction_lines(employee: EmployeeData, amount: Decimal) -> list[dict]:
    """Return the lines of a small correction of an employee's period-3 salary."""
    pension = money(amount * PENSION_RATE)
    count = periods_per_year(employee.plan.frequency)
    return [_line(1000, amount), _line(2000, money(amount * HOLIDAY_RATE)),
            _line(3000, pension), *_wage_lines(employee, amount - pension, count)]


def company_components(cfg: CompanyConfig, seed: int, kind: str, period: int,
                       year: int) -> list[dict]:
    """Return company-level WageComponentFixed_Get / WageComponentVar_Get results."""
    if kind not in ("fixed", "var"):
        raise ValueError(f"unknown wage component kind {kind!r}")
    period_bounds(cfg.frequency, year, period)  # rejects a period the payroll does not have
    if year < cfg.first_year:
        return []
    base_id = (year % 100) * 10_000 + period * 100
    if kind == "fixed":
        index = Decimal("1.02") ** (year - cfg.first_year)  # yearly indexation
        return [{"Id": base_id + i, "Code": code, "Value": money(Decimal(str(value)) * index)}
                for i, (code, value) in enumerate(FIXED_COMPONENTS, start=1)]
    rng = rng_for(seed, cfg.id, "var", year, period)
    return [{"Id": base_id + 50 + i, "Code": code, "Value": money(rng.uniform(low, high))}
            for i, (code, chance, low, high) in enumerate(VAR_COMPONENTS, start=1)
            if rng.random() < chance]
