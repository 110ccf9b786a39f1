"""The REST wage-code documents, split for Airflow: start them, then poke until ready.

A DAG task calls `start_documents` (the period's runs, one document per run; only the task ids
go on XCom), a reschedule sensor calls `documents_ready`, and the extraction reads the ready
documents through `NmbrsRestSource.use_documents`. Ids only: no payroll data leaves the source.
"""

from __future__ import annotations

from nmbrs.rest.errors import NmbrsResponseError, NmbrsTransientError
from payroll_link.periods import PayrollPeriod

DOCUMENT_FAILED = "Document_Failed"  # Nmbrs' title (code 50002) for a document task that failed


def start_documents(source, company_id: int, period: PayrollPeriod) -> dict[str, str]:
    """Start the wage-code document of every run of the period; return run id -> taskId."""
    runs = source.runs(company_id, period)
    return {str(run["run_id"]): source.start_document(company_id, run, period)
            for run in runs.rows}


def documents_ready(client, task_ids: dict[str, str], company_id: int | None = None) -> bool:
    """Poke every document once; True when all are ready. A failed document is fatal."""
    pending = 0
    for task_id in task_ids.values():
        try:
            ready = client.document(task_id) is not None
        except NmbrsTransientError as err:
            if DOCUMENT_FAILED not in str(err):
                raise
            raise NmbrsResponseError(
                f"the wage-code document {task_id} failed in Nmbrs ({DOCUMENT_FAILED}); "
                "a new run starts a new one", operation="GetDocumentContentId",
                company_id=company_id) from err
        pending += not ready
    return pending == 0
