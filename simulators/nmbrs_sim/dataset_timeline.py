"""One employee's payroll history: employments, full-time salary and part-time factor over time."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .dataset_periods import (
    FOUR_WEEKLY,
    money,
    period_bounds,
    period_of,
    periods_per_year,
    random_day,
    rng_for,
    stamp,
)
from .dataset_plan import CompanyPlan

PARTTIME_FACTORS = tuple(Decimal(f) for f in ("0.5", "0.6", "0.7", "0.75", "0.8", "0.9"))
FULL = Decimal("1")
LEAVER_SHARE = 0.15
MAX_MONTHLY_SALARY = 9000.0


@dataclass(frozen=True)
class Employment:
    """One employment (dienstverband) of an employee."""

    id: int
    start: date
    end: date | None
    initial_start: date
    created: datetime
    sequence: int  # income relationship number (NumIV): a re-hire gets a new one

    @property
    def valid(self) -> bool:
        """Tell whether the record is sane (its end is not before its start)."""
        return self.end is None or self.end >= self.start

    def overlaps(self, first: date, last: date) -> bool:
        """Tell whether this (valid) employment covers any day of [first, last]."""
        return self.valid and self.start <= last and (self.end is None or self.end >= first)


@dataclass(frozen=True)
class Change:
    """A dated value: a Salary_V2 record or a part-time factor."""

    start: date
    value: Decimal
    created: datetime


def value_at(changes: list[Change], day: date) -> Change:
    """Return the change in effect on a day (the first one if the day precedes them all)."""
    index = bisect_right([c.start for c in changes], day) - 1
    return changes[max(index, 0)]


@dataclass
class Timeline:
    """The generated history of one employee."""

    employments: list[Employment]
    salaries: list[Change]  # full-time salary per payroll period (Salary_V2 type 1)
    parttime: list[Change]  # part-time factor, 1 = full-time

    def employment_in(self, first: date, last: date) -> Employment | None:
        """Return the latest valid employment covering part of [first, last]."""
        hits = [e for e in self.employments if e.overlaps(first, last)]
        return hits[-1] if hits else None

    def active_from(self, day: date) -> bool:
        """Tell whether a valid employment runs on or after a day."""
        return any(e.valid and (e.end is None or e.end >= day) for e in self.employments)

    @property
    def first_start(self) -> date:
        """Return the earliest valid employment start."""
        return min(e.start for e in self.employments if e.valid)


@dataclass
class TimelineBuilder:
    """Collects the events of one employee; dataset_roles scripts them per role."""

    plan: CompanyPlan
    employee_id: int
    spans: list[tuple[date, date | None]] = field(default_factory=list)
    bases: list[tuple[date, float]] = field(default_factory=list)  # monthly amount per start
    raises: list[tuple[date, float]] = field(default_factory=list)  # (day, multiplier)
    factors: list[tuple[date, Decimal]] = field(default_factory=list)
    negate_from: date | None = None  # dirty data: salary sign flipped from this day on
    rehire: bool = False

    def __post_init__(self) -> None:
        self.rng = rng_for(self.plan.seed, self.employee_id, "timeline")
        # Ordinary events stay before the scripted window, so its mutations are exactly known.
        self.cutoff = self.plan.window_bounds(0)[0]

    def period_start(self, day: date) -> date:
        """Return the first day of the payroll period containing a day."""
        return period_bounds(self.plan.frequency, *period_of(self.plan.frequency, day))[0]

    def hire_date(self, latest: date | None = None) -> date:
        """Draw a hire date between the history start and `latest` (default: before the window)."""
        first = self.plan.history_start
        latest = max(latest or self.cutoff - timedelta(days=30), first)
        day = random_day(self.rng, first, latest)
        # Many contracts start on the first day of a period.
        return self.period_start(day) if self.rng.random() < 0.5 else day

    def employ(self, start: date, end: date | None, base: float | None = None,
               factor: Decimal | None = None) -> None:
        """Add an employment with its starting salary, part-time factor and 1 January raises."""
        rng = self.rng
        self.spans.append((start, end))
        self.bases.append((start, base or rng.triangular(2200, 6500, 3000)))
        if factor is None:
            factor = FULL if rng.random() < 0.55 else rng.choice(PARTTIME_FACTORS)
        self.factors.append((start, factor))
        last = min(end or self.plan.clock, self.plan.clock)
        for year in range(start.year + 1, last.year + 1):
            self.raises.append((date(year, 1, 1), rng.uniform(1.015, 1.045)))

    def random_changes(self) -> None:
        """Add some mid-year raises and now and then a part-time change, all before the window."""
        start, end = self.spans[-1]
        last = min(end or self.cutoff, self.cutoff) - timedelta(days=1)
        for year in range(start.year, last.year + 1):
            if self.rng.random() < 0.2:
                self._add_in_year(self.raises, year, start, last, self.rng.uniform(1.02, 1.06))
        if last.year >= start.year and self.rng.random() < 0.2:
            year = self.rng.randint(start.year, last.year)
            self._add_in_year(self.factors, year, start, last, self.other_factor())

    def _add_in_year(self, into: list, year: int, start: date, last: date, value) -> None:
        period = self.rng.randint(2, periods_per_year(self.plan.frequency))
        day = period_bounds(self.plan.frequency, year, period)[0]
        if start < day <= last:
            into.append((day, value))

    def other_factor(self) -> Decimal:
        """Draw a part-time factor different from the latest one."""
        current = max(self.factors)[1]
        return self.rng.choice([f for f in (FULL, *PARTTIME_FACTORS) if f != current])

    def leaver_end(self, start: date) -> date | None:
        """Draw an end date for about 15% of ordinary employees, spread over recent periods."""
        first = max(start + timedelta(days=90), self.cutoff - timedelta(days=730))
        last = self.cutoff - timedelta(days=1)
        if self.rng.random() >= LEAVER_SHARE or first > last:
            return None
        return random_day(self.rng, first, last)

    def finish(self) -> Timeline:
        """Turn the collected events into the employee's Timeline."""
        return Timeline(self._employments(), self._salaries(), self._factors())

    def _employments(self) -> list[Employment]:
        first = self.spans[0][0]
        return [
            Employment(self.employee_id * 10 + seq, start, end, first if self.rehire else start,
                       stamp(self.rng, start, 21), seq)
            for seq, (start, end) in enumerate(self.spans, start=1)
        ]

    def _salaries(self) -> list[Change]:
        # A 4-weekly payroll pays the same annual salary in 13 parts instead of 12.
        scale = 12 / 13 if self.plan.frequency == FOUR_WEEKLY else 1.0
        events = sorted([(d, 0, v) for d, v in self.bases] + [(d, 1, f) for d, f in self.raises])
        changes, amount = [], 0.0
        for day, is_raise, value in events:
            # Keep to the realistic range: raises stop at the top of the pay scale.
            amount = min(amount * value if is_raise else value, MAX_MONTHLY_SALARY)
            changes.append(Change(day, money(amount * scale), stamp(self.rng, day)))
        if self.negate_from is not None:
            kept = [c for c in changes if c.start < self.negate_from]
            flipped = -abs(value_at(changes, self.negate_from).value)
            changes = kept + [Change(self.negate_from, flipped, stamp(self.rng, self.negate_from))]
        return changes

    def _factors(self) -> list[Change]:
        return [Change(d, f, stamp(self.rng, d)) for d, f in sorted(self.factors)]
