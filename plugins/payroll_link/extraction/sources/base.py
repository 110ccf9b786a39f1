"""The source contract: what the pipeline asks of a payroll system, and what one answer is.

Every source method returns ``Fetched`` items. ``rows`` are *canonical rows*: dicts keyed by
exactly ``payroll_link.staging.entity(entity).columns`` with Python-typed values (int, str,
Decimal, datetime.date, datetime.datetime, bool, or None), checked by ``staging.check_rows``.
``wire`` is the response body as received (bytes, e.g. the SOAP envelope or the REST JSON),
labelled by ``source`` ("soap", "rest"); the warehouse stores it compressed in
raw.call_payload so that ``reparse`` can rebuild the rows later without calling the system.
``drift`` lists what the source could not map (names only, never values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from payroll_link.periods import PayrollPeriod

DRIFT_KINDS = ("unmapped", "missing", "unreadable", "shape")


@dataclass(frozen=True)
class Drift:
    """One deviation of an answer from the shapes a source knows (names only, no values).

    kind: ``unmapped`` (an element we do not read), ``missing`` (an expected element absent),
    ``unreadable`` (a value that does not fit its type; the column becomes NULL),
    ``shape`` (the answer came in a known but not the best-evidenced shape).
    """

    kind: str
    element: str
    column: str | None = None
    detail: str = ""


@dataclass
class Fetched:
    """One source call's answer: origin, canonical rows, the wire bytes and the drift seen."""

    service: str
    operation: str
    entity: str | None
    rows: list[dict]
    company_id: int
    employee_id: int | None = None
    request_keys: dict = field(default_factory=dict)
    wire: bytes | None = None
    source: str = "soap"
    drift: list[Drift] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def raw_row(self) -> dict:
        """Return the row for raw.call_payload (the warehouse compresses wire, adds the hash)."""
        return {"service": self.service, "operation": self.operation,
                "company_id": self.company_id, "employee_id": self.employee_id,
                "request_keys": self.request_keys, "payload": self.rows, "wire": self.wire,
                "source": self.source, "fetched_at": self.fetched_at}


@dataclass(frozen=True)
class RawCall:
    """A landed call read back from raw.call_payload, for ``PayrollSource.reparse``."""

    service: str
    operation: str
    company_id: int
    employee_id: int | None
    request_keys: dict
    wire: bytes
    source: str


class SourceError(Exception):
    """A source failed in a way the pipeline must classify; ``fatal`` fails every employee."""

    fatal = False


class PayrollSource(Protocol):
    """What the pipeline needs from a payroll system, per company and period."""

    name: str  # the label of its wire payloads: "soap", "rest"

    def current_period(self, company_id: int) -> tuple[int, int]: ...
    def runs(self, company_id: int, period: PayrollPeriod) -> Fetched: ...
    def wage_codes(self, company_id: int, run: dict,
                   period: PayrollPeriod) -> tuple[Fetched, str]: ...
    def company_wage_components(self, company_id: int, period: PayrollPeriod) -> list[Fetched]: ...
    def employees(self, company_id: int) -> Fetched: ...
    def employments(self, company_id: int) -> Fetched: ...
    def salaries(self, company_id: int) -> Fetched: ...
    def employee_records(self, employee_id: int, company_id: int,
                         period: PayrollPeriod) -> list[Fetched]: ...
    def is_fatal(self, error: Exception) -> bool:
        """Tell whether an error fails every employee alike (credentials, a missing grant)."""
    def reparse(self, call: RawCall) -> Fetched:
        """Rebuild a landed call's Fetched (rows and drift) from its wire bytes alone."""
