"""Run-time behaviour of the REST simulator: latency, throttling, injected errors, tokens, tasks."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field

FAULT_KINDS = ("429", "500", "502", "503")


@dataclass
class RestFault:
    """Answer `kind` to calls of `path` (a spec path template, or '*'): on the nth match or by
    chance; a 429 carries Retry-After `retry_after_s`."""

    kind: str
    path: str = "*"
    nth: int | None = None
    probability: float | None = None
    times: int | None = None  # how often it may fire; default 1 for nth, unlimited otherwise
    retry_after_s: float = 1.0
    seen: int = 0
    fired: int = 0

    def __post_init__(self):
        self.kind = str(self.kind)
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {self.kind!r} is not one of {FAULT_KINDS}")
        if self.nth is None and self.probability is None:
            self.nth = 1
        if self.times is None and self.nth is not None:
            self.times = 1

    def matches(self, template: str, rng: random.Random) -> bool:
        """Count this call and say whether the fault fires for it."""
        if self.path not in ("*", template):
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        hit = (self.seen >= self.nth) if self.nth is not None else rng.random() < self.probability
        if hit:
            self.fired += 1
        return hit


_SIMPLE = ("latency_ms", "rate_limit_per_s", "retry_after_s", "access_token_ttl_s",
           "deny_scopes", "document_pending_polls", "document_fail", "revoke_family_on_reuse")


@dataclass
class RestKnobs:
    """All knobs; settable at start (CLI/fixture) and at run time (POST /admin/knobs)."""

    latency_ms: dict[str, float] = field(default_factory=dict)  # path template or '*' -> ms
    rate_limit_per_s: float = 0.0  # calls per second per account before 429; 0 = off
    retry_after_s: float = 1.0  # Retry-After of a rate-limit 429
    access_token_ttl_s: float = 3600.0
    deny_scopes: list[str] = field(default_factory=list)  # refused even when granted
    document_pending_polls: int = 1  # 202 answers before a document is ready
    document_fail: bool = False  # the document task fails instead
    revoke_family_on_reuse: bool = False  # a reused refresh token also kills its successors
    faults: list[RestFault] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the knobs as JSON-ready data."""
        return asdict(self)

    def update(self, data: dict) -> None:
        """Apply a partial update; 'faults' replaces the rule list."""
        for key, value in data.items():
            if key == "faults":
                self.faults = [RestFault(**rule) for rule in value]
            elif key in _SIMPLE:
                setattr(self, key, value)
            else:
                raise ValueError(f"unknown knob {key!r}")

    def latency(self, template: str) -> float:
        """Return the seconds to wait before answering a call of this path template."""
        return self.latency_ms.get(template, self.latency_ms.get("*", 0.0)) / 1000.0


class RateLimiter:
    """Past `limit` calls within one second, an account's call is refused (429)."""

    def __init__(self):
        self._calls: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, account: str, limit: float) -> bool:
        """Record a call; tell whether it is within the budget."""
        if limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            window = self._calls[account]
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limit:
                return False
            window.append(now)
            return True
