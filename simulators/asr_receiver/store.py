"""Receipts and messages kept by the receiver, deduplicated by Idempotency-Key."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from dataclasses import dataclass, field, fields
from pathlib import Path


class KeyReused(Exception):
    """An Idempotency-Key came back with a different body."""


@dataclass
class Knobs:
    """How the receiver misbehaves on request (tests and demo)."""

    fail_next: int = 0        # answer the next N POSTs with fail_status, storing nothing
    fail_status: int = 503
    delay_s: float = 0.0      # store, then wait this long before answering (a slow a.s.r.)
    down: bool = False        # answer every POST with 503

    def update(self, data: dict) -> None:
        """Set knobs from a JSON object; unknown names raise ValueError."""
        known = [f.name for f in fields(self)]
        for name, value in data.items():
            if name not in known:
                raise ValueError(f"unknown knob {name!r}; known: {sorted(known)}")
            current = getattr(self, name)
            if isinstance(current, bool) and not isinstance(value, bool):
                raise ValueError(f"knob {name!r} takes true or false")
            setattr(self, name, value if isinstance(current, bool) else type(current)(value))

    def to_dict(self) -> dict:
        """Return the knobs as JSON-able dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class MessageStore:
    """Accepted messages by Idempotency-Key; optionally also written to a folder."""

    folder: Path | None = None
    receipts: dict[str, dict] = field(default_factory=dict)        # key -> receipt
    bodies: dict[str, bytes] = field(default_factory=dict)         # receipt id -> body
    stats: dict[str, int] = field(default_factory=lambda: {
        "posts": 0, "accepted": 0, "duplicates": 0, "refused": 0, "failed_on_purpose": 0})
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def accept(self, key: str, body: bytes, summary: dict) -> tuple[dict, bool]:
        """Store a message once per key; return (receipt, duplicate)."""
        digest = hashlib.sha256(body).hexdigest()
        with self._lock:
            known = self.receipts.get(key)
            if known is not None:
                if known["body_sha256"] != digest:
                    raise KeyReused(key)
                self.stats["duplicates"] += 1
                return known, True
            receipt = {"receipt_id": f"ASR-{uuid.uuid4().hex[:20].upper()}",
                       "status": "accepted", "idempotency_key": key, "body_sha256": digest,
                       "received_at": dt.datetime.now(dt.UTC).isoformat(), **summary}
            self.receipts[key] = receipt
            self.bodies[receipt["receipt_id"]] = body
            self.stats["accepted"] += 1
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{receipt['receipt_id']}.json").write_bytes(body)
        return receipt, False

    def count(self, name: str) -> None:
        """Add one to a counter."""
        with self._lock:
            self.stats[name] += 1

    def reset(self) -> None:
        """Forget every message and counter."""
        with self._lock:
            self.receipts.clear()
            self.bodies.clear()
            for name in self.stats:
                self.stats[name] = 0
