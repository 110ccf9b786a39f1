"""The Nmbrs REST source: company-wide paged endpoints in, canonical rows and JSON out.

A few hundred calls per company and period instead of SOAP's calls per employee: every
employee endpoint is read company-wide, page by page, and each page is reduced at once to the
records in force in the period (see ``rest_select``), so a company's history is never held.
Raw payloads are labelled source "rest"; ``rest_reading`` says what each one holds and reads
them, live and in ``reparse``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from nmbrs.rest.errors import NmbrsAuthError, NmbrsConfigError, NmbrsResponseError
from payroll_link.extraction.sources import rest_reading as reading
from payroll_link.extraction.sources.base import Drift, Fetched, RawCall
from payroll_link.extraction.sources.rest_map import MISSING, RestIds, surrogate, unreadable
from payroll_link.periods import PayrollPeriod, get_period

SERVICE = "NmbrsREST"
DOCUMENT_PATH = "document"  # wage codes come as an asynchronous document (taskId)
EMPLOYEE_ENDPOINTS = reading.EMPLOYEE_ENDPOINTS


class NmbrsRestSource:
    """PayrollSource over the Nmbrs REST client; `company_ids` maps registry ids to REST UUIDs."""

    name = "rest"
    # Each process reads the whole company once (company-wide pages), so a DAG gives a REST
    # employer one batch: more batches would read the company again in every mapped task.
    batch_size = 10_000

    def __init__(self, client, company_ids: dict[int, str], ids: RestIds | None = None, *,
                 sleep=time.sleep, poll_interval: float = 1.0):
        self.client = client
        self.company_ids = company_ids
        self.ids = ids or RestIds()
        self._sleep, self._poll = sleep, poll_interval
        self._runs: dict[int, str] = {}
        self._documents: dict[str, str] = {}  # run id -> taskId started by an earlier task
        self._learned: set[int] = set()
        self._cache: dict[tuple, dict[int, list[Fetched]]] = {}
        self._lock = threading.Lock()

    def is_fatal(self, error: Exception) -> bool:
        """A refused consent, a missing scope or bad settings fail every employee alike."""
        return isinstance(error, NmbrsAuthError | NmbrsConfigError)

    def _company(self, company_id: int) -> str:
        try:
            return self.company_ids[company_id]
        except KeyError:
            raise NmbrsConfigError(f"no REST companyId known for company {company_id}: add it "
                                   "to the registry (rest_company_id)") from None

    def current_period(self, company_id: int) -> tuple[int, int]:
        """Return (year, number) of the company's current payroll period."""
        body = self.client.get("getCurrentPeriod", companyId=self._company(company_id))
        item = (body.get("data") or [{}])[0] if "data" in body else body
        marker = item.get("period") or {}
        if not marker.get("year") or not marker.get("period"):
            raise NmbrsResponseError("Nmbrs REST answered no current period",
                                     operation="getCurrentPeriod", company_id=company_id)
        return int(marker["year"]), int(marker["period"])

    def runs(self, company_id: int, period: PayrollPeriod) -> Fetched:
        """Return the payroll runs of the year that cover the period."""
        fetched, records = self._company_call("getCompanyPayrollRuns", company_id,
                                              {"year": period.year}, _keys(period))
        for record in reading.runs_in(records, period.number):
            self._runs[surrogate(record["payrollRunId"])] = record["payrollRunId"]
        return fetched

    def wage_codes(self, company_id: int, run: dict,
                   period: PayrollPeriod) -> tuple[Fetched, str]:
        """Read the run's wage-code document (started here unless given), its period's lines."""
        run_uuid = self._runs.get(run["run_id"]) or self._run_uuid(company_id, run, period)
        task_id = (self._documents.get(str(run["run_id"]))
                   or self.start_document(company_id, run, period))
        document = self._document(task_id, company_id)
        keys = {"payrollRunId": run_uuid, "year": run["year"], "period": period.number,
                "run_id": run["run_id"]}
        rows = reading.wage_rows(document, keys, self.ids)
        return self._fetched(reading.WAGE_CODES, "wage_code_line", rows, company_id, keys,
                             document), DOCUMENT_PATH

    def use_documents(self, task_ids: dict[str, str]) -> None:
        """Read these started documents (run id -> taskId, e.g. awaited by a sensor)."""
        self._documents = dict(task_ids)

    def start_document(self, company_id: int, run: dict, period: PayrollPeriod) -> str:
        """Start the run's wage-code document; return its taskId."""
        run_uuid = self._runs.get(run["run_id"]) or self._run_uuid(company_id, run, period)
        task = self.client.get("getPayrollRunWageCodes", companyId=self._company(company_id),
                               payrollRunId=run_uuid, params={"year": run["year"]})
        task_id = str(task.get("taskId") or "")
        if not task_id:
            raise NmbrsResponseError("Nmbrs REST answered no taskId",
                                     operation="getPayrollRunWageCodes", company_id=company_id)
        return task_id

    def _run_uuid(self, company_id: int, run: dict, period: PayrollPeriod) -> str:
        self.runs(company_id, period)  # another process listed the runs: list them again
        if run["run_id"] not in self._runs:
            raise NmbrsResponseError("payroll run no longer listed by Nmbrs REST",
                                     operation="getCompanyPayrollRuns", company_id=company_id)
        return self._runs[run["run_id"]]

    def _document(self, task_id: str, company_id: int) -> bytes:
        """Poll /api/documents/{taskId} until the document is ready (bounded wait)."""
        if not task_id:
            raise NmbrsResponseError("Nmbrs REST answered no taskId",
                                     operation="getPayrollRunWageCodes", company_id=company_id)
        deadline = time.monotonic() + self.client.settings.document_max_wait
        for attempt in range(1_000_000):
            content = self.client.document(task_id)
            if content is not None:
                return content
            if time.monotonic() >= deadline:
                break
            self._sleep(min(self._poll, 0.1 * 2 ** attempt))  # most documents take a moment
        raise NmbrsResponseError("the wage-code document was not ready in time",
                                 operation="GetDocumentContentId", company_id=company_id)

    def company_wage_components(self, company_id: int, period: PayrollPeriod) -> list[Fetched]:
        """Return the company's fixed and variable wage components of the period."""
        keys = _keys(period)
        fixed = self._company_call("getFixedCompanyWageComponentsByCompany", company_id,
                                   {"year": period.year, "period": period.number}, keys)[0]
        var = self._company_call("getVariableCompanyWageComponentsByCompany", company_id,
                                 {"year": period.year}, keys)[0]
        return [fixed, var]

    def employees(self, company_id: int) -> Fetched:
        """Return the employees on the payroll now (SOAP's List_GetByCompany counterpart).

        One unfiltered pass: it also teaches every personnel number (leavers too); the payroll
        filter (`employeeType`) is applied while reading.
        """
        fetched = self._company_call("getEmployeesByCompany", company_id, {}, {})[0]
        self._learned.add(company_id)
        return fetched

    def employments(self, company_id: int) -> Fetched:
        """Return every employee's employment history (with the exit reason in the raw JSON)."""
        self._learn_numbers(company_id)
        return self._company_call("getEmploymentsByCompany", company_id, {}, {})[0]

    def salaries(self, company_id: int) -> Fetched:
        """Return every employee's salary history."""
        self._learn_numbers(company_id)
        return self._company_call("getSalariesByCompany", company_id, {}, {})[0]

    def _company_call(self, op: str, company_id: int, params: dict,
                      keys: dict) -> tuple[Fetched, list[dict]]:
        """Read a (small, company-level) paged operation whole; wire = the pages' bodies."""
        bodies = [wire for _data, wire in self.client.wire_pages(
            op, params=params, companyId=self._company(company_id))]
        wire = b"[" + b",".join(bodies) + b"]"
        records = reading.page_records(wire)
        rows = reading.company_rows(op, records, keys, self.ids)
        return self._fetched(op, reading.COMPANY_ENTITIES[op], rows, company_id, keys, wire,
                             records=records), records

    def employee_records(self, employee_id: int, company_id: int,
                         period: PayrollPeriod) -> list[Fetched]:
        """Return one employee's records of the period (company-wide reads, once per process)."""
        with self._lock:
            key = (company_id, period.label)
            if key not in self._cache:
                self._cache[key] = self._read_employees(company_id, period)
            return self._cache[key].get(employee_id, [])

    def _read_employees(self, company_id: int, period: PayrollPeriod) -> dict[int, list]:
        """Read the employee endpoints side by side (each one's pages in turn), map per period."""
        self._learn_numbers(company_id)
        out: dict[int, list[Fetched]] = defaultdict(list)
        with ThreadPoolExecutor(max_workers=len(EMPLOYEE_ENDPOINTS) + 1,
                                thread_name_prefix="nmbrs-rest") as pool:
            private = pool.submit(self._private_items, company_id)
            jobs = [pool.submit(self._read_endpoint, entity, company_id, period, private)
                    for entity in EMPLOYEE_ENDPOINTS]
            for job in jobs:
                for eid, fetched in job.result():
                    out[eid].append(fetched)
        return out

    def _read_endpoint(self, entity: str, company_id: int, period: PayrollPeriod,
                       private) -> list[tuple[int, Fetched]]:
        op = EMPLOYEE_ENDPOINTS[entity][0]
        keys = _keys(period)
        out = []
        for data, _wire in self.client.wire_pages(op, companyId=self._company(company_id)):
            for item in data:
                items = [item]
                if entity == "personal_info":
                    items.append(private.result().get(item["employeeId"]))
                eid, wire = self.ids.employee(item["employeeId"]), _items_wire(items)
                labels = [(op, entity)]
                if entity == "personal_info":
                    labels.append((reading.PARTNER_OP, "partner"))
                for label, name in labels:
                    rows = reading.employee_rows(name, items, period, self.ids)
                    out.append((eid, self._fetched(label, name, rows, company_id, keys, wire,
                                                   employee_id=eid)))
        return out

    def _private_items(self, company_id: int) -> dict[str, dict]:
        """Return each employee's privateInfos item (the BSN; the whole company at once)."""
        return {item["employeeId"]: item
                for data in self.client.pages("getPrivateInfosByCompany",
                                              companyId=self._company(company_id))
                for item in data if item.get("employeeId")}

    def _learn_numbers(self, company_id: int) -> None:
        """Learn every employee's personnel number once (ids stay the pre-switch ones)."""
        if company_id not in self._learned:
            self.employees(company_id)

    def _fetched(self, op, entity, rows, company_id, keys, wire, employee_id=None,
                 records=()) -> Fetched:
        drift = [Drift("missing", f"rest:{entity}", column) for column in MISSING.get(entity, ())]
        drift += [Drift("unreadable", element, column)
                  for element, column in unreadable(entity, list(records))]
        return Fetched(SERVICE, op, entity, rows, company_id, employee_id, dict(keys), wire,
                       "rest", drift)

    def reparse(self, call: RawCall) -> Fetched:
        """Rebuild a landed call's rows and drift from its JSON (or document) alone."""
        keys, op = call.request_keys, call.operation
        if op == reading.WAGE_CODES:
            entity, rows = "wage_code_line", reading.wage_rows(call.wire, keys, self.ids)
        elif op in reading.COMPANY_ENTITIES:
            entity = reading.COMPANY_ENTITIES[op]
            records = reading.page_records(call.wire)
            rows = reading.company_rows(op, records, keys, self.ids)
            return self._fetched(op, entity, rows, call.company_id, keys, call.wire,
                                 call.employee_id, records)
        elif op in reading.EMPLOYEE_ENTITIES:
            entity = reading.EMPLOYEE_ENTITIES[op]
            period = get_period(keys["frequency"], keys["year"], keys["number"])
            rows = reading.employee_rows(entity, json.loads(call.wire), period, self.ids)
        else:
            raise NmbrsResponseError("no REST reading for this landed call", operation=op)
        return self._fetched(op, entity, rows, call.company_id, keys, call.wire,
                             call.employee_id)


def _keys(period: PayrollPeriod) -> dict:
    return {"frequency": period.frequency, "year": period.year, "number": period.number,
            "period": period.number, "label": period.label}


def _items_wire(items: list) -> bytes:
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode()
