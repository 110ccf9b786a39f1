"""Bounded concurrency for per-employee source calls (the source's client is thread-safe)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Outcome:
    """Results in input order (None where failed), and the failures keyed by input."""

    results: list
    errors: dict = field(default_factory=dict)


def map_bounded(func: Callable, items: Iterable, max_workers: int) -> Outcome:
    """Apply `func` to every item with at most `max_workers` calls in flight."""
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    items = list(items)
    results: list = [None] * len(items)
    errors: dict = {}

    def run(index: int) -> None:
        try:
            results[index] = func(items[index])
        except Exception as err:  # noqa: BLE001 - one bad employee must not stop the rest
            errors[items[index]] = err

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="source") as pool:
        list(pool.map(run, range(len(items))))
    return Outcome(results, errors)
