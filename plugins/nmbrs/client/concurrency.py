"""Bounded concurrency for per-employee calls; the zeep clients are shared safely across threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Outcome:
    """Results in input order, and the failures keyed by input (other items still complete)."""

    results: list
    errors: dict = field(default_factory=dict)
    peak_in_flight: int = 0


def map_bounded(func: Callable, items: Iterable, max_workers: int) -> Outcome:
    """Apply `func` to every item with at most `max_workers` calls in flight."""
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    items = list(items)
    results: list = [None] * len(items)
    errors: dict = {}
    gauge = _Gauge()

    def run(index: int):
        with gauge:
            try:
                results[index] = func(items[index])
            except Exception as err:  # noqa: BLE001 - one bad employee must not stop the rest
                errors[items[index]] = err

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="nmbrs") as pool:
        list(pool.map(run, range(len(items))))
    return Outcome(results, errors, gauge.peak)


class _Gauge:
    def __init__(self):
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def __enter__(self):
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)

    def __exit__(self, *exc):
        with self._lock:
            self.current -= 1
