"""The Nmbrs SOAP v3 source: granted calls in, canonical rows and wire bytes out.

Answers are read from the wire by ``nmbrs.client.shapes`` (every shape we have evidence for),
mapped to canonical rows by ``soap_map``, and everything the reading could not place is kept as
``Drift``. ``reparse`` does the same from landed wire bytes alone.
"""

from __future__ import annotations

from nmbrs.client import NmbrsAuthError, NmbrsConfigError
from nmbrs.client.shapes import read
from nmbrs.client.shapes_alt import best_shape
from nmbrs.client.wagecodes import BACKGROUND, fetch_wage_codes, rows_from_wire
from payroll_link.extraction.sources.base import Drift, Fetched, RawCall
from payroll_link.extraction.sources.soap_map import to_rows
from payroll_link.periods import PayrollPeriod, parse_nmbrs_period

_E, _C = "EmployeeService", "CompanyService"
_WAGE_REPORT = "Reports_GetWageCodesByRunCompany_v2"
# operation -> (service, entity, period-taking) of the per-employee calls, in call order.
EMPLOYEE_CALLS = {
    "PersonalInfo_GetCurrent": "personal_info", "Address_GetListCurrent": "address",
    "BankAccount_GetList": "bank_account", "Children_Get": "child", "Partner_Get": "partner",
    "Contract_GetCurrentPeriod": "contract", "Schedule_GetCurrent": "schedule",
    "SVW_GetCurrent": "svw",
}
_COMPANY_CALLS = {"Run_GetList": (_C, "company_run"),
                  "WageComponentFixed_Get": (_C, "company_wage_component"),
                  "WageComponentVar_Get": (_C, "company_wage_component"),
                  "List_GetByCompany": (_E, "employee"),
                  "Employment_GetAll_AllEmployeesByCompany": (_E, "employment"),
                  "Salary_GetAll_AllEmployeesByCompany": (_E, "salary")}


class NmbrsSoapSource:
    """PayrollSource over the Nmbrs SOAP v3 client (only the granted calls, plus Run_GetList)."""

    name = "soap"

    def __init__(self, client, wage_code_path: str | None = None):
        self.client = client
        self.wage_code_path = wage_code_path

    def is_fatal(self, error: Exception) -> bool:
        """Bad credentials or a missing grant fail every employee alike."""
        return isinstance(error, NmbrsAuthError | NmbrsConfigError)

    def current_period(self, company_id: int) -> tuple[int, int]:
        """Return (year, number) of the company's current (not yet run) payroll period."""
        text = self.client.company.company_get_current_period(company_id)
        parsed = parse_nmbrs_period(text or "")
        return parsed.year, parsed.number

    def runs(self, company_id: int, period: PayrollPeriod) -> Fetched:
        """Return the payroll runs of the year that cover the period."""
        return self._fetch(_C, "Run_GetList", company_id, None,
                           {"CompanyId": company_id, "Year": period.year},
                           {"Year": period.year, "Period": period.number})

    def wage_codes(self, company_id: int, run: dict, period: PayrollPeriod) -> tuple[Fetched, str]:
        """Return one run's wage-code lines of the period and the call path used."""
        prefer = self.wage_code_path or BACKGROUND
        result = fetch_wage_codes(self.client, company_id, run["run_id"], run["year"],
                                  prefer=prefer)
        self.wage_code_path = result.path  # the next run goes straight to the path that works
        keys = {"RunId": run["run_id"], "Year": run["year"], "Period": period.number}
        fetched = Fetched("ReportService" if result.path == BACKGROUND else _C, _WAGE_REPORT,
                          "wage_code_line", _wage_rows(result.rows, keys), company_id,
                          request_keys=keys, wire=result.wire)
        return fetched, result.path

    def company_wage_components(self, company_id: int, period: PayrollPeriod) -> list[Fetched]:
        """Return the company's fixed and variable wage components of the period."""
        params = {"CompanyId": company_id, "Period": period.number, "Year": period.year}
        keys = {"Period": period.number, "Year": period.year}
        return [self._fetch(_C, op, company_id, None, params, keys)
                for op in ("WageComponentFixed_Get", "WageComponentVar_Get")]

    def employees(self, company_id: int) -> Fetched:
        """Return the company's employee list (a snapshot at run time)."""
        return self._fetch(_E, "List_GetByCompany", company_id, None,
                           {"CompanyId": company_id, "EmployeeType": 1}, {"EmployeeType": 1})

    def employments(self, company_id: int) -> Fetched:
        """Return every employee's employment history."""
        return self._fetch(_E, "Employment_GetAll_AllEmployeesByCompany", company_id, None,
                           {"CompanyID": company_id}, {})

    def salaries(self, company_id: int) -> Fetched:
        """Return every employee's salary history."""
        return self._fetch(_E, "Salary_GetAll_AllEmployeesByCompany", company_id, None,
                           {"CompanyID": company_id}, {})

    def employee_records(self, employee_id: int, company_id: int,
                         period: PayrollPeriod) -> list[Fetched]:
        """Return the eight per-employee calls of one period."""
        out = []
        for op in EMPLOYEE_CALLS:
            params = {"EmployeeId": employee_id}
            if op == "BankAccount_GetList":
                params.update(Period=period.number, Year=period.year)
            out.append(self._fetch(_E, op, company_id, employee_id, params,
                                   {"EmployeeId": employee_id}))
        return out

    def reparse(self, call: RawCall) -> Fetched:
        """Rebuild a landed call's rows and drift from its wire bytes, without calling Nmbrs."""
        keys = call.request_keys
        if call.operation == _WAGE_REPORT:
            rows = rows_from_wire(call.wire, operation=_WAGE_REPORT, company_id=call.company_id)
            return Fetched(call.service, call.operation, "wage_code_line",
                           _wage_rows(rows, keys), call.company_id, request_keys=keys,
                           wire=call.wire)
        service = _E if call.operation in EMPLOYEE_CALLS else _COMPANY_CALLS[call.operation][0]
        return self._rows(service, call.operation, call.wire, call.company_id, call.employee_id,
                          keys)

    def _fetch(self, service: str, op: str, company_id: int, employee_id: int | None,
               params: dict, keys: dict) -> Fetched:
        answer = self.client.call_wire(service, op, **params)
        return self._rows(service, op, answer.wire, company_id, employee_id, keys)

    def _rows(self, service: str, op: str, wire: bytes, company_id: int,
              employee_id: int | None, keys: dict) -> Fetched:
        entity = EMPLOYEE_CALLS.get(op) or _COMPANY_CALLS[op][1]
        reading = read(service, op, wire)
        records = reading.value
        if op == "Run_GetList":
            records = [r for r in records or []
                       if r["PeriodStart"] <= keys["Period"] <= r["PeriodEnd"]]
        elif entity == "company_wage_component":
            kind = "fixed" if "Fixed" in op else "var"
            records = [{"kind": kind, **r} for r in records or []]
        drift = [Drift(kind, element, detail=detail) for kind, element, detail in reading.drift]
        if reading.shape != best_shape(op):
            drift.append(Drift("shape", reading.shape))
        rows = to_rows(entity, records, employee_id)
        return Fetched(service, op, entity, rows, company_id, employee_id, keys, wire, "soap",
                       drift)


def _wage_rows(rows: list[dict], keys: dict) -> list[dict]:
    mine = [{"run_id": keys["RunId"], **row} for row in rows if row["period"] == keys["Period"]]
    return to_rows("wage_code_line", mine)
