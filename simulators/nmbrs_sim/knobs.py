"""Run-time behaviour knobs: latency, fair-use throttling and injected faults, per operation."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field

FAULT_KINDS = ("hang", "reset", "http500", "http503", "soap_fault", "malformed", "truncated")


@dataclass
class FaultRule:
    """Inject `kind` into calls of `operation` ('*' = any): on the nth match or by chance."""

    kind: str
    operation: str = "*"
    nth: int | None = None
    probability: float | None = None
    times: int | None = None  # how often it may fire; default 1 for nth, unlimited otherwise
    code: int = 1002  # for soap_fault
    text: str = "Unauthorized access"
    hang_s: float = 30.0
    seen: int = 0
    fired: int = 0

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {self.kind!r} is not one of {FAULT_KINDS}")
        if self.nth is None and self.probability is None:
            self.nth = 1
        if self.times is None and self.nth is not None:
            self.times = 1

    def matches(self, operation: str, rng: random.Random) -> bool:
        """Count this call and say whether the fault fires for it."""
        if self.operation not in ("*", operation):
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        hit = (self.seen >= self.nth) if self.nth is not None else rng.random() < self.probability
        if hit:
            self.fired += 1
        return hit


@dataclass
class Knobs:
    """All knobs; settable at start (CLI/fixture) and at run time (admin endpoint)."""

    latency_ms: dict[str, float] = field(default_factory=dict)  # operation or '*' -> ms
    throttle_per_s: float = 150.0  # Nmbrs fair use per account; 0 disables
    throttle_penalty_s: float = 0.5
    report_delay_s: float = 0.6  # background task: Enqueued -> Executing -> done
    report_status: str = "Success"  # or "Error"
    faults: list[FaultRule] = field(default_factory=list)
    shapes: dict[str, str] = field(default_factory=dict)  # operation -> answer shape profile
    extra_elements: dict[str, list[str]] = field(default_factory=dict)  # op -> unknown names
    rename_elements: dict[str, dict[str, str]] = field(default_factory=dict)  # op -> old: new

    def to_dict(self) -> dict:
        """Return the knobs as JSON-ready data."""
        return asdict(self)

    def update(self, data: dict) -> None:
        """Apply a partial update; 'faults' replaces the rule list."""
        for key, value in data.items():
            if key == "faults":
                self.faults = [FaultRule(**rule) for rule in value]
            elif key == "shapes":
                from simulators.nmbrs_sim.shapes import check_profiles

                check_profiles(value)
                self.shapes = dict(value)
            elif key in ("extra_elements", "rename_elements", "latency_ms", "throttle_per_s",
                         "throttle_penalty_s", "report_delay_s", "report_status"):
                setattr(self, key, value)
            else:
                raise ValueError(f"unknown knob {key!r}")

    def latency(self, operation: str) -> float:
        """Return the seconds to wait before answering this operation."""
        return self.latency_ms.get(operation, self.latency_ms.get("*", 0.0)) / 1000.0


class Throttle:
    """Fair-use model: past `limit` calls within one second an account's call is delayed."""

    def __init__(self):
        self._calls: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def delay(self, account: str, limit: float, penalty: float) -> float:
        """Record a call; return the delay it gets (0 when within the budget)."""
        if limit <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            window = self._calls[account]
            while window and now - window[0] >= 1.0:
                window.popleft()
            window.append(now)
            return penalty if len(window) > limit else 0.0


class Stats:
    """Counters the tests and the benchmark read through /admin/stats."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        self.calls: dict[str, int] = defaultdict(int)
        self.accounts: dict[str, int] = defaultdict(int)
        self.faults: dict[str, int] = defaultdict(int)
        self.throttled = 0
        self.in_flight = 0
        self.peak_in_flight = 0

    def enter(self, operation: str, account: str) -> None:
        """Count a call arriving."""
        with self._lock:
            self.calls[operation] += 1
            self.accounts[account] += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def leave(self) -> None:
        """Count a call leaving."""
        with self._lock:
            self.in_flight -= 1

    def to_dict(self) -> dict:
        """Return the counters as JSON-ready data."""
        with self._lock:
            return {"calls": dict(self.calls), "accounts": dict(self.accounts),
                    "faults": dict(self.faults), "throttled": self.throttled,
                    "peak_in_flight": self.peak_in_flight,
                    "total_calls": sum(self.calls.values())}
