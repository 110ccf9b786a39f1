"""The Nmbrs REST source: company-wide paged endpoints in, canonical rows and JSON out.

A few hundred calls per company and period instead of SOAP's calls per employee: every
employee endpoint is read company-wide, page by page, and each page is reduced at once to the
records in force in the period (see ``rest_select``), so a company's history is never held.
Raw payloads are labelled source "rest": the page bodies as received for company-level calls,
and each employee's own JSON item of a company-wide page for the per-employee entities.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from nmbrs.rest.errors import NmbrsAuthError, NmbrsConfigError, NmbrsResponseError
from payroll_link.extraction.sources import rest_select as pick
from payroll_link.extraction.sources.base import Drift, Fetched, RawCall
from payroll_link.extraction.sources.rest_map import MISSING, RestIds, surrogate, to_rows
from payroll_link.periods import PayrollPeriod

SERVICE = "NmbrsREST"
DOCUMENT_PATH = "document"  # wage codes come as an asynchronous document (taskId)
# entity -> (operation, key of the records in each employee item, how to pick the period's ones)
EMPLOYEE_ENDPOINTS = {
    "personal_info": ("getEmployeePersonalInfoByCompany", "info", pick.in_force_by_period),
    "address": ("getAddressesByCompany", "addresses", pick.addresses_in_force),
    "bank_account": ("getBankAccountsByCompany", "bankAccounts", pick.created_by_end),
    "child": ("getEmployeesChildren", "children", pick.everything),
    "contract": ("getContractsByCompany", "contracts", pick.contracts_in_force),
    "schedule": ("getSchedulesByCompany", "schedules", pick.in_force_by_date),
    "svw": ("getSVWSettingsByCompany", "employeeSVWSettings", pick.in_force_by_period),
}


class NmbrsRestSource:
    """PayrollSource over the Nmbrs REST client; `company_ids` maps registry ids to REST UUIDs."""

    name = "rest"

    def __init__(self, client, company_ids: dict[int, str], ids: RestIds | None = None, *,
                 sleep=time.sleep, poll_interval: float = 1.0):
        self.client = client
        self.company_ids = company_ids
        self.ids = ids or RestIds()
        self._sleep, self._poll = sleep, poll_interval
        self._runs: dict[int, str] = {}
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
        keys = {"year": period.year, "period": period.number}
        records, wire = self._all("getCompanyPayrollRuns", company_id, {"year": period.year})
        mine = [r for r in records
                if (r.get("periodStart") or 0) <= period.number <= (r.get("periodEnd") or 0)]
        for record in mine:
            self._runs[surrogate(record["payrollRunId"])] = record["payrollRunId"]
        return self._fetched("getCompanyPayrollRuns", "company_run",
                             to_rows("company_run", mine, self.ids), company_id, keys, wire)

    def wage_codes(self, company_id: int, run: dict,
                   period: PayrollPeriod) -> tuple[Fetched, str]:
        """Start the run's wage-code document, wait for it, return its lines of the period."""
        run_uuid = self._runs.get(run["run_id"]) or self._run_uuid(company_id, run, period)
        company = self._company(company_id)
        task = self.client.get("getPayrollRunWageCodes", companyId=company,
                               payrollRunId=run_uuid, params={"year": run["year"]})
        document = self._document(str(task.get("taskId") or ""), company_id)
        lines = list(pick.wage_code_lines(document, period.number))
        for line in lines:
            self.ids.learn(line["employee"], line["number"])
        rows = to_rows("wage_code_line", [{**x, "run_id": run["run_id"]} for x in lines],
                       self.ids)
        keys = {"payrollRunId": run_uuid, "year": run["year"], "period": period.number,
                "run_id": run["run_id"]}
        return self._fetched("GetDocumentContentId", "wage_code_line", rows, company_id, keys,
                             document), DOCUMENT_PATH

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
        keys = {"year": period.year, "period": period.number}
        fixed, wire_f = self._all("getFixedCompanyWageComponentsByCompany", company_id, keys)
        var, wire_v = self._all("getVariableCompanyWageComponentsByCompany", company_id,
                                {"year": period.year})
        var = [r for r in var if (r.get("period") or {}).get("period") == period.number]
        return [self._fetched("getFixedCompanyWageComponentsByCompany", "company_wage_component",
                              to_rows("company_wage_component_fixed", fixed, self.ids),
                              company_id, keys, wire_f),
                self._fetched("getVariableCompanyWageComponentsByCompany",
                              "company_wage_component",
                              to_rows("company_wage_component_var", var, self.ids),
                              company_id, keys, wire_v)]

    def employees(self, company_id: int) -> Fetched:
        """Return the employees on the payroll now (SOAP's List_GetByCompany counterpart).

        One unfiltered pass: it also teaches every personnel number (leavers too), and the
        payroll filter (`employeeType`) is applied here.
        """
        records, wire = self._all("getEmployeesByCompany", company_id, {})
        items = [{**(r.get("employeeBasicInfo") or {}), "employeeId": r["employeeId"]}
                 for r in records]
        for item in items:
            self.ids.learn(item["employeeId"], item.get("employeeNumber"))
        self._learned.add(company_id)
        payroll = [item for item in items if item.get("employeeType") == "payroll"]
        return self._fetched("getEmployeesByCompany", "employee",
                             to_rows("employee", payroll, self.ids), company_id,
                             {"employeeType": "payroll (applied by the source)"}, wire)

    def employments(self, company_id: int) -> Fetched:
        """Return every employee's employment history (with the exit reason in the raw JSON)."""
        return self._history("getEmploymentsByCompany", "employments", "employment", company_id)

    def salaries(self, company_id: int) -> Fetched:
        """Return every employee's salary history."""
        return self._history("getSalariesByCompany", "salaries", "salary", company_id)

    def _history(self, op: str, key: str, entity: str, company_id: int) -> Fetched:
        self._learn_numbers(company_id)
        items, wire = self._all(op, company_id, {})
        rows = [row for item in items
                for row in to_rows(entity, item.get(key) or [], self.ids,
                                   self.ids.employee(item["employeeId"]))]
        return self._fetched(op, entity, rows, company_id, {}, wire)

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
            bsn = pool.submit(self._bsns, company_id)
            jobs = [pool.submit(self._read_endpoint, entity, company_id, period, bsn)
                    for entity in EMPLOYEE_ENDPOINTS]
            for job in jobs:
                for eid, fetched in job.result():
                    out[eid].append(fetched)
        return out

    def _read_endpoint(self, entity: str, company_id: int, period: PayrollPeriod,
                       bsn) -> list[tuple[int, Fetched]]:
        op, key, choose = EMPLOYEE_ENDPOINTS[entity]
        out = []
        for data, _wire in self.client.wire_pages(op, companyId=self._company(company_id)):
            for item in data:
                eid = self.ids.employee(item["employeeId"])
                records = choose(item.get(key) or [], period)
                if entity == "personal_info":
                    number = bsn.result().get(item["employeeId"])
                    records = [{**r, "BSN": number} for r in records]
                    out.append((eid, self._partner(item, records, company_id, eid, period)))
                rows = to_rows(entity, records, self.ids, eid)
                out.append((eid, self._fetched(op, entity, rows, company_id,
                                               {"period": period.label}, _item_wire(item),
                                               employee_id=eid)))
        return out

    def _partner(self, item, records, company_id, eid, period) -> Fetched:
        named = [{**r, "partnerKey": f"partner:{item['employeeId']}"} for r in records
                 if (r.get("partnerInfo") or {}).get("partnerName")]
        rows = to_rows("partner", named, self.ids, eid)
        return self._fetched("getEmployeePersonalInfoByCompany", "partner", rows, company_id,
                             {"period": period.label}, None, employee_id=eid)

    def _bsns(self, company_id: int) -> dict[str, str]:
        """Return BSN per employee UUID (privateInfos answers the whole company at once)."""
        out = {}
        for data in self.client.pages("getPrivateInfosByCompany",
                                      companyId=self._company(company_id)):
            for item in data:
                found = [r.get("BSN") for r in item.get("privateInfos") or [] if r.get("BSN")]
                if found and item.get("employeeId"):
                    out[item["employeeId"]] = found[-1]
        return out

    def _learn_numbers(self, company_id: int) -> None:
        """Learn every employee's personnel number once (ids stay the pre-switch ones)."""
        if company_id in self._learned:
            return
        for record in self.client.records("getEmployeesByCompany",
                                          companyId=self._company(company_id)):
            self.ids.learn(record["employeeId"],
                           (record.get("employeeBasicInfo") or {}).get("employeeNumber"))
        self._learned.add(company_id)

    def _all(self, op: str, company_id: int, params: dict) -> tuple[list, bytes]:
        """Read a (small, company-level) paged operation whole; wire = the pages' bodies."""
        records, bodies = [], []
        for data, wire in self.client.wire_pages(op, params=params,
                                                 companyId=self._company(company_id)):
            records += data
            bodies.append(wire)
        return records, b"[" + b",".join(bodies) + b"]"

    def _fetched(self, op, entity, rows, company_id, keys, wire, employee_id=None) -> Fetched:
        drift = [Drift("missing", f"rest:{entity}", column) for column in MISSING.get(entity, ())]
        return Fetched(SERVICE, op, entity, rows, company_id, employee_id, dict(keys), wire,
                       "rest", drift)

    def reparse(self, call: RawCall) -> Fetched:
        """Not offered yet for REST: the raw JSON is kept, rebuilding rows from it is manual."""
        raise NotImplementedError("reparse of REST payloads is not implemented")


def _item_wire(item: dict) -> bytes:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()
