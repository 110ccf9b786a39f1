"""The error families of every Nmbrs client (SOAP and REST), grouped by how the caller reacts.

Neutral ground: no zeep, no HTTP library. Each client classifies its own failures into these in
one place (``nmbrs.client.errors`` for SOAP, ``nmbrs.rest.errors`` for REST).
"""

from __future__ import annotations


class NmbrsError(Exception):
    """Root of every client error; carries context as attributes, never payload values."""

    def __init__(self, message: str, *, operation: str | None = None,
                 company_id: int | None = None, employee_id: int | None = None,
                 period: str | None = None):
        self.operation = operation
        self.company_id = company_id
        self.employee_id = employee_id
        self.period = period
        super().__init__(f"{message}{self._where()}")

    def _where(self) -> str:
        parts = [f"{name}={value}" for name, value in (
            ("operation", self.operation), ("company_id", self.company_id),
            ("employee_id", self.employee_id), ("period", self.period)) if value is not None]
        return f" [{', '.join(parts)}]" if parts else ""


class NmbrsConfigError(NmbrsError):
    """Settings are missing or invalid: fail now."""


class NmbrsTransientError(NmbrsError):
    """Timeout, connection reset, HTTP 5xx or throttling: worth a retry."""


class NmbrsResponseError(NmbrsError):
    """The response does not have the shape we expect (schema drift, malformed XML): fail now."""


class NmbrsFault(NmbrsError):
    """A SOAP fault; `.code` is the Nmbrs code parsed from '---> NNNN: text' (None if absent)."""

    def __init__(self, message: str, *, code: int | None = None, **context):
        self.code = code
        super().__init__(message, **context)


class NmbrsAuthError(NmbrsFault):
    """Codes 1001–1006: credentials, a call not granted, no data rights: fail now."""


class NmbrsRequestError(NmbrsFault):
    """Codes 2xxx: employee/company/debtor not authorised, invalid period: fail this partition."""
