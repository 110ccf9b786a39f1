"""Wage codes of a run as an asynchronous document: …/wagecodes/xml -> taskId -> /api/documents.

A task answers 202 ("Document is being processed") for `document_pending_polls` polls, then the
document (200, application/octet-stream) or, with the knob `document_fail`, a 500.

The document is the world's wage-code report as UTF-8 XML: ``<reports><report>`` per employee
paid in the run with ``employeeId`` (REST UUID), ``employeeNumber``, ``period``, ``year``,
``runNumber`` and ``<lines><line><code/><description/><value/></line></lines>``.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from simulators.nmbrs_rest_sim.errors import ApiError, invalid_param
from simulators.nmbrs_rest_sim.ids import rest_id

PROCESSING = "Document is being processed"


@dataclass
class Raw:
    """A non-JSON (or pre-serialised) answer."""

    status: int
    content_type: str
    body: bytes


@dataclass
class Task:
    owner: str
    company_id: int
    run_id: int
    year: int
    wage_codes: frozenset[int]
    polls_left: int
    fail: bool


class TaskStore:
    """Document tasks by id."""

    def __init__(self):
        self._tasks: dict[str, Task] = {}
        self._lock = threading.Lock()

    def add(self, task: Task) -> str:
        task_id = str(uuid.uuid4())
        with self._lock:
            self._tasks[task_id] = task
        return task_id

    def poll(self, task_id: str, owner: str) -> Task | None:
        """Return the task (counting this poll) when it exists and belongs to `owner`."""
        with self._lock:
            task = self._tasks.get(task_id.lower())
            if task is None or task.owner != owner:
                return None
            task.polls_left -= 1
            return task


def _wage_codes(ctx) -> frozenset[int]:
    values = [v for raw in ctx.query.get("wageCodes", []) for v in raw.split(",") if v.strip()]
    try:
        return frozenset(int(v) for v in values)
    except ValueError:
        raise invalid_param("wageCodes", "The parameter is invalid. Integers expected.") from None


def wagecodes_xml(ctx) -> dict:
    """GET …/runs/{payrollRunId}/wagecodes/xml?year=&wageCodes=: start a document task."""
    year = ctx.int_arg("year")
    company = ctx.state.world.company(ctx.company_id)
    years = range(year, year + 1) if year else range(company.config.first_year,
                                                     ctx.clock.year + 1)
    found = ctx.state.ids.run(ctx.company_id, ctx.params["payrollRunId"], years)
    if found is None:
        raise ApiError("not_found", "Payroll run not found for this company and year.")
    try:
        company.run(found[0], found[1], ctx.clock)
    except KeyError:
        raise ApiError("not_found", "Payroll run not found for this company and year.") from None
    knobs = ctx.state.knobs
    task = Task(ctx.caller.key, ctx.company_id, found[0], found[1], _wage_codes(ctx),
                int(knobs.document_pending_polls), bool(knobs.document_fail))
    return {"taskId": ctx.state.tasks.add(task)}


def documents(ctx) -> Raw:
    """GET /api/documents/{taskId}: 202 while processing, then the document."""
    task = ctx.state.tasks.poll(ctx.params["taskId"], ctx.caller.key)
    if task is None:
        raise ApiError("not_found", "Document task not found.")
    if task.polls_left >= 0:
        return Raw(202, "application/json", f'"{PROCESSING}"'.encode())
    if task.fail:
        raise ApiError("document_failed")
    return Raw(200, "application/octet-stream", report_document(ctx, task))


def report_document(ctx, task: Task) -> bytes:
    """Return the wage-code document of a task."""
    company = ctx.state.world.company(task.company_id)
    reports = company.wage_code_reports(task.run_id, task.year, clock=ctx.clock)
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<reports>"]
    for rep in reports:
        lines = [x for x in rep["lines"] if not task.wage_codes or x["code"] in task.wage_codes]
        if not lines:
            continue
        number = company.employee(rep["employeeid"]).number
        out.append(f"<report><employeeId>{rest_id('employee', rep['employeeid'])}</employeeId>"
                   f"<employeeNumber>{number}</employeeNumber><period>{rep['period']}</period>"
                   f"<year>{rep['year']}</year><runNumber>{rep['runnumber']}</runNumber><lines>")
        out += [f"<line><code>{x['code']}</code><description>{escape(x['description'])}"
                f"</description><value>{Decimal(x['value']):.2f}</value></line>" for x in lines]
        out.append("</lines></report>")
    out.append("</reports>")
    return "".join(out).encode("utf-8")
