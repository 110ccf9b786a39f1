"""Handoff errors, grouped by how the caller should react (fail now, retry, fix the data).

Messages name employer, period, version, ids and JSON paths, never values: no BSN, IBAN,
salary or token ever goes into an exception text.
"""

from __future__ import annotations


class HandoffError(Exception):
    """Root of the handoff errors; ``retriable`` tells the DAG whether a task retry can help."""

    retriable = False

    def __init__(self, message: str, *, employer_id: str | None = None,
                 period: str | None = None, version: int | None = None):
        super().__init__(message)
        self.employer_id = employer_id
        self.period = period
        self.version = version


class HandoffConfigError(HandoffError):
    """Handoff configuration or delivery connection is missing or invalid: fail now."""


class HandoffDataError(HandoffError):
    """The published data cannot make a complete, trustworthy set of stands: fix the data."""


class HandoffBlockedError(HandoffDataError):
    """The extraction is not the published one, or the quality gate did not pass it."""


class MessageInvalidError(HandoffError):
    """The message fails its JSON Schema; it never leaves. ``problems`` = [(path, rule)]."""

    def __init__(self, message: str, problems: list[tuple[str, str]], **context):
        super().__init__(message, **context)
        self.problems = problems


class DeliveryError(HandoffError):
    """Delivering a message failed; ``adapter`` names the channel (https, file_drop)."""

    def __init__(self, message: str, *, adapter: str | None = None, **context):
        super().__init__(message, **context)
        self.adapter = adapter


class DeliveryTransientError(DeliveryError):
    """Timeouts, resets, HTTP 5xx/429 after the adapter's own retries: retry the task later."""

    retriable = True


class DeliveryConflictError(DeliveryError):
    """Another delivery of the same period is in flight, or a key was reused: retry later."""

    retriable = True


class DeliveryRejectedError(DeliveryError):
    """The receiver refused the message (HTTP 4xx): a human must look; retrying cannot help.

    ``status`` is the HTTP status, ``code`` the receiver's error code and ``problems`` the
    (path, rule) pairs it named; the receiver's free text is not kept (it may quote values).
    """

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 problems: list[tuple[str, str]] | None = None, **context):
        super().__init__(message, **context)
        self.status = status
        self.code = code
        self.problems = problems or []
