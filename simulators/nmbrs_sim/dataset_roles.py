"""Role scripts: how an ordinary employee, the DGA, a re-hire or a scripted mutation comes about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from .dataset_periods import random_day
from .dataset_plan import CompanyPlan
from .dataset_timeline import FULL, Timeline, TimelineBuilder


def build_timeline(plan: CompanyPlan, n: int, employee_id: int) -> Timeline:
    """Generate the history of employee n according to its role in the company plan."""
    builder = TimelineBuilder(plan, employee_id)
    kind, _, arg = plan.role(n).partition(":")
    _SCRIPTS[kind or "ordinary"](builder, arg)
    return builder.finish()


def _window_day(b: TimelineBuilder, k: str, at_edge: str) -> date:
    """Draw a day in window period k; half of them on the period's first or last day."""
    first, last = b.plan.window_bounds(int(k))
    if b.rng.random() < 0.5:
        return first if at_edge == "first" else last
    return random_day(b.rng, first, last)


def _add_raise(b: TimelineBuilder, day: date, factor: float) -> None:
    """Add a raise, folding it into a raise already dated that day (one record per day)."""
    for i, (when, old) in enumerate(b.raises):
        if when == day:
            b.raises[i] = (when, old * factor)
            return
    b.raises.append((day, factor))


def _ordinary(b: TimelineBuilder, _: str) -> None:
    start = b.hire_date()
    b.employ(start, b.leaver_end(start))
    b.random_changes()


def _stayer(b: TimelineBuilder, _: str = "") -> None:
    """Employ someone well before the window who is still employed at the clock."""
    b.employ(b.hire_date(b.cutoff - timedelta(days=120)), None)
    b.random_changes()


def _dga(b: TimelineBuilder, _: str) -> None:
    # The director-major shareholder founded the company: employed from the first day, full-time.
    b.employ(b.plan.history_start, None, base=b.rng.uniform(5000, 6500), factor=FULL)


def _hire(b: TimelineBuilder, k: str) -> None:
    b.employ(_window_day(b, k, "first"), None)


def _exit(b: TimelineBuilder, k: str) -> None:
    b.employ(b.hire_date(b.cutoff - timedelta(days=180)), _window_day(b, k, "last"))
    b.random_changes()


def _salary(b: TimelineBuilder, k: str) -> None:
    _stayer(b)
    _add_raise(b, b.plan.window_bounds(int(k))[0], b.rng.uniform(1.03, 1.08))


def _parttime(b: TimelineBuilder, k: str) -> None:
    _stayer(b)
    b.factors.append((b.plan.window_bounds(int(k))[0], b.other_factor()))


def _change(b: TimelineBuilder, k: str) -> None:
    """Salary and part-time change together (small companies have too few employees)."""
    _salary(b, k)
    b.factors.append((b.plan.window_bounds(int(k))[0], b.other_factor()))


def _rehire(b: TimelineBuilder, _: str) -> None:
    first_day, cutoff = b.plan.history_start, b.cutoff
    span = max((cutoff - first_day).days, 400)
    start1 = random_day(b.rng, first_day, first_day + timedelta(days=span // 4))
    end1 = random_day(b.rng, start1 + timedelta(days=90), start1 + timedelta(days=span // 3))
    earliest = end1 + timedelta(days=60)
    start2 = random_day(b.rng, earliest, max(earliest, cutoff - timedelta(days=30)))
    b.rehire = True
    b.employ(start1, end1)
    b.employ(start2, None)


def _defect(b: TimelineBuilder, name: str) -> None:
    if name == "employment_end_before_start":
        # A cancelled hire keyed in with its end before its start; the real employment follows.
        cancelled = b.hire_date(b.cutoff - timedelta(days=400))
        b.spans.append((cancelled, cancelled - timedelta(days=b.rng.randint(1, 45))))
        b.employ(cancelled + timedelta(days=b.rng.randint(30, 180)), None)
        return
    _stayer(b)
    if name == "negative_salary":
        # Valid in the current and the previous period: it starts at the previous period.
        b.negate_from = b.plan.window_bounds(2)[0]


_SCRIPTS: dict[str, Callable[[TimelineBuilder, str], None]] = {
    "ordinary": _ordinary,
    "dga": _dga,
    "hire": _hire,
    "exit": _exit,
    "salary": _salary,
    "parttime": _parttime,
    "change": _change,
    "rehire": _rehire,
    "defect": _defect,
}
