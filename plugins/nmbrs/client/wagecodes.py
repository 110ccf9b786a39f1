"""Wage codes of a run: the background report with bounded polling, or the synchronous call."""

from __future__ import annotations

import time
from dataclasses import dataclass

from nmbrs.client.errors import NmbrsAuthError, NmbrsRequestError, NmbrsTransientError
from nmbrs.client.reports import parse_wage_code_report
from nmbrs.client.rows import plain

BACKGROUND = "ReportService background"
SYNCHRONOUS = "CompanyService synchronous"
_DONE_FAILED = {"error", "failed", "unknown"}


@dataclass
class WageCodeResult:
    """Parsed report rows and which call path produced them."""

    rows: list[dict]
    path: str
    wire: bytes | None = None  # the envelope that carried the report, as received


def fetch_wage_codes(client, company_id: int, run_id: int, year: int, *,
                     wage_code: int | None = None, prefer: str = BACKGROUND,
                     clock=time.monotonic) -> WageCodeResult:
    """Fetch one run's wage codes, falling back to the other path when one is not granted."""
    order = [BACKGROUND, SYNCHRONOUS] if prefer == BACKGROUND else [SYNCHRONOUS, BACKGROUND]
    context = {"operation": "wage codes by run", "company_id": company_id, "period": f"{year}"}
    for index, path in enumerate(order):
        try:
            text, wire = (_background(client, company_id, run_id, year, wage_code, clock)
                          if path == BACKGROUND else _synchronous(client, company_id, run_id,
                                                                  year, wage_code))
        except NmbrsAuthError as err:
            # 1002 on one path (not granted / not existing): try the other before failing.
            if err.code != 1002 or index == len(order) - 1:
                raise
            continue
        return WageCodeResult(parse_wage_code_report(text, **context), path, wire)
    raise AssertionError("unreachable")


def _synchronous(client, company_id, run_id, year, wage_code) -> tuple[str | None, bytes]:
    params = {"CompanyId": company_id, "RunId": run_id, "intYear": year}
    if wage_code is None:
        answer = client.call_wire("CompanyService", "Reports_GetWageCodesByRunCompany_v2",
                                  **params)
    else:
        answer = client.call_wire("CompanyService",
                                  "Reports_GetWageCodesByRunCompany_FilterByWageCode",
                                  WageCode=wage_code, **params)
    return answer.value, answer.wire


def _background(client, company_id, run_id, year, wage_code, clock) -> tuple[str | None, bytes]:
    report = client.report
    if wage_code is None:
        task = report.reports_get_wage_codes_by_run_company_v2_background(company_id, run_id, year)
    else:
        task = report.reports_get_wage_codes_by_run_company_filter_by_wage_code_background(
            company_id, run_id, year, wage_code)
    return _poll(client, task, company_id, clock)


def _poll(client, task_id: str, company_id: int, clock) -> tuple[str | None, bytes]:
    """Poll the task with growing pauses (0.2 s doubling to 5 s) within report_max_wait."""
    deadline = clock() + client.settings.report_max_wait
    pause = 0.2
    context = {"operation": "ReportService.Reports_BackgroundTask_Result",
               "company_id": company_id}
    while True:
        answer = client.call_wire("ReportService", "Reports_BackgroundTask_Result",
                                  TaskId=task_id)
        result = plain(answer.value) or {}
        status = (result.get("Status") or "").strip().lower()
        if status == "success":
            return result.get("Content"), answer.wire
        if status in _DONE_FAILED:
            raise NmbrsRequestError(f"background report ended with status {status!r}", **context)
        if clock() + pause > deadline:
            raise NmbrsTransientError(
                f"background report not ready after {client.settings.report_max_wait:.0f}s",
                **context)
        client._sleep(pause)
        pause = min(pause * 2, 5.0)


def rows_from_wire(wire: bytes, **context) -> list[dict]:
    """Re-read a landed report envelope (background result or synchronous answer) into rows."""
    from nmbrs.client.shapes import read, response_name

    name = response_name(wire, **context)
    if name == "Reports_BackgroundTask_Result":
        text = (read("ReportService", name, wire).value or {}).get("Content")
    else:
        text = read("CompanyService", name, wire).value
    return parse_wage_code_report(text, **context)
