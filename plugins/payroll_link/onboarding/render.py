"""Output for people and scripts: plain-text tables, JSON, and progress on stderr."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from decimal import Decimal
from typing import Any, TextIO

_MARK = {"ok": "OK", "warning": "WARN", "failed": "FAIL", "skipped": "SKIP",
         "granted": "granted", "not_granted": "NOT GRANTED", "unavailable": "unavailable",
         "not_checked": "not checked"}


def to_json(data: Any) -> str:
    """Return `data` as indented JSON (dates ISO, decimals as strings)."""
    def default(value):
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return json.dumps(data, indent=2, ensure_ascii=False, default=default)


def table(headers: list[str], rows: list[list[Any]], max_width: int | None = 90) -> str:
    """Return rows as an aligned text table; cells over `max_width` are cut with an ellipsis."""
    cells = [[_cell(value, max_width) for value in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    line = "  ".join("-" * width for width in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells]
    return "\n".join(out)


def _cell(value: Any, max_width: int | None) -> str:
    text = "" if value is None else _MARK.get(value, str(value)) if isinstance(value, str) \
        else str(value)
    return text if max_width is None or len(text) <= max_width else text[: max_width - 1] + "…"


def render_preflight(result: dict) -> str:
    """Return a preflight result (its JSON form) as text for a terminal or a task log."""
    reg, company = result["registration"], result.get("company") or {}
    head = [f"Preflight of {reg['company_name']!r} ({reg['account_mode']}, user "
            f"{reg['username']}, domain {reg['domain']}, token from {reg['token_source']})"]
    if company:
        head.append(f"Company {company['company_id']}, debtor {company.get('debtor_id')}, "
                    f"frequency {company.get('frequency')}")
    parts = ["\n".join(head), table(["check", "status", "message"], [
        [c["check"] + (f" {c['call']}" if c.get("call") else ""), c["status"], c["message"]]
        for c in result["checks"]], max_width=None)]
    if result.get("grants"):
        parts.append(table(["granted call", "service", "result"], [
            [g["call"], g["service"], g["status"]] for g in result["grants"]]))
        parts.append(f"Wage-code path: {result.get('wage_code_path') or 'none'}")
    verdict = "READY" if result["ready"] else "NOT READY"
    parts.append(f"Verdict: {verdict}")
    for number, item in enumerate(result.get("actions") or [], start=1):
        kind = "" if item["blocking"] else " (advies/advice)"
        parts.append(f"{number}.{kind} NL: {item['nl']}\n   EN: {item['en']}")
    return "\n\n".join(parts)


class Progress:
    """Report long operations on stderr: a rewritten line on a terminal, a few lines otherwise."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self._last = 0.0
        self._label = ""

    def __call__(self, done: int, total: int, label: str) -> None:
        """Show that `done` of `total` steps of `label` are done."""
        if self.quiet:
            return
        now = time.monotonic()
        finished = done >= total
        if label == self._label and not finished and now - self._last < (0.1 if self.tty else 5):
            return
        self._last, self._label = now, label
        text = f"{label}: {done}/{total}"
        if self.tty:
            self.stream.write("\r\033[K" + text + ("\n" if finished else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """Write one line of status."""
        if not self.quiet:
            self.stream.write(text + "\n")
            self.stream.flush()
