"""How an extraction failure is classified: fatal (a person must act) or transient (retry).

The one place that decides. The DAG tasks fail at once on a fatal error (Airflow's retries
cannot help) and leave transient ones to Airflow's retries; `ops.extraction.error_class`
stores the class named here (ours, never a library's class such as zeep's ``Fault``).

- fatal: credentials and grants (1xxx), scope and periods (2xxx), any other Nmbrs fault
  (9999 "unknown error" included: Nmbrs answers it again for the same request), a response
  we cannot read, bad settings;
- fatal too: a concurrent run of the same period published first (`PartitionConflictError`);
- transient: timeouts, resets, HTTP 5xx and throttling (`NmbrsTransientError`);
- anything else (a bug, the warehouse going away) is left to Airflow's retries unclassified.
"""

from __future__ import annotations

from collections import defaultdict

from nmbrs.errors import (  # the error families both sources raise (no client import)
    NmbrsConfigError,
    NmbrsError,
    NmbrsFault,
    NmbrsResponseError,
    NmbrsTransientError,
)
from payroll_link.warehouse.errors import PartitionConflictError

FATAL = (NmbrsConfigError, NmbrsFault, NmbrsResponseError, PartitionConflictError)
MESSAGE_LIMIT = 500


class ExtractionError(Exception):
    """An extraction step failed for named employees or calls (ids only, never payload)."""


class EmployeeBatchError(ExtractionError):
    """Per-employee calls of a batch failed; classified by the worst of the failures.

    ``fatal`` says whether a retry can help, ``error_class`` names the Nmbrs error class behind
    it, ``operation`` and ``code`` the call and fault code of the first fatal (or any) failure.
    """

    def __init__(self, message: str, *, fatal: bool, error_class: str,
                 operation: str | None, code: int | None, employee_ids: list[int]):
        super().__init__(message)
        self.fatal = fatal
        self.error_class = error_class
        self.operation = operation
        self.code = code
        self.employee_ids = employee_ids


def is_fatal(err: BaseException) -> bool:
    """Tell whether a retry cannot help (True) or might (False, also for unknown errors)."""
    if isinstance(err, EmployeeBatchError):
        return err.fatal
    return isinstance(err, FATAL) and not isinstance(err, NmbrsTransientError)


def error_class(err: BaseException) -> str:
    """Return the class name recorded in ops.extraction for this error."""
    return getattr(err, "error_class", None) or type(err).__name__


def describe(err: BaseException) -> str:
    """Return the first line of the error's message (bounded; messages never hold payload)."""
    text = str(err)
    return text.splitlines()[0][:MESSAGE_LIMIT] if text else type(err).__name__


def batch_error(employer_id: str, period: str, errors: dict[int, Exception]
                ) -> EmployeeBatchError:
    """Classify the failures of one employee batch (employee id -> error) as one error.

    The worst failure is the error's ``__cause__``: the batch error wraps the client's error.
    """
    fatal = sorted((eid for eid, err in errors.items() if is_fatal(err)))
    worst = errors[fatal[0]] if fatal else errors[min(errors)]
    code = getattr(worst, "code", None)
    operation = getattr(worst, "operation", None)
    kinds: dict[str, list[int]] = defaultdict(list)
    for employee_id, err in sorted(errors.items()):
        kinds[_kind(err)].append(employee_id)
    listed = "; ".join(f"{kind} for employees {ids[:10]}{' …' if len(ids) > 10 else ''}"
                       for kind, ids in sorted(kinds.items()))
    verdict = "fatal, not retried" if fatal else "transient, retried"
    message = (f"{employer_id} {period}: {len(errors)} employees failed ({verdict}): {listed}")
    made = EmployeeBatchError(message, fatal=bool(fatal), error_class=type(worst).__name__,
                              operation=operation, code=code, employee_ids=sorted(errors))
    made.__cause__ = worst  # the client's error behind the batch (tracebacks, wrappers' checks)
    return made


def _kind(err: Exception) -> str:
    """Name an error by class, call and fault code, e.g. NmbrsRequestError 2004 on X."""
    parts = [type(err).__name__]
    if getattr(err, "code", None) is not None:
        parts.append(str(err.code))
    if isinstance(err, NmbrsError) and err.operation:
        parts.append(f"on {err.operation}")
    return " ".join(parts)


def fatal_message(err: BaseException, employer_id: str, period: str) -> str:
    """Return the text of the task failure: employer, period, call and fault code first."""
    operation = getattr(err, "operation", None)
    code = getattr(err, "code", None)
    where = f"{employer_id} {period}"
    if operation:
        where += f", call {operation}"
    if code is not None:
        where += f", fault code {code}"
    return f"{where}: {error_class(err)}: {describe(err)}"
