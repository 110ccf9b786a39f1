"""The source interface: what the pipeline asks of a payroll system, and its Nmbrs SOAP v3 form.

Everything above this module talks to `PayrollSource`, so a REST source (Nmbrs ends SOAP on
2027-03-01) can be added without touching staging, quality or handoff. Every method returns
`Fetched` items: the raw payload for the landing zone plus its staging entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from payroll_link.periods import PayrollPeriod, parse_nmbrs_period


@dataclass
class Fetched:
    """One source call's answer: its origin, its payload, and the staging entity it feeds."""

    service: str
    operation: str
    entity: str | None
    payload: Any
    company_id: int
    employee_id: int | None = None
    request_keys: dict = field(default_factory=dict)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def raw_row(self) -> dict:
        """Return the row for raw.call_payload (the warehouse adds the content hash)."""
        return {"service": self.service, "operation": self.operation,
                "company_id": self.company_id, "employee_id": self.employee_id,
                "request_keys": self.request_keys, "payload": self.payload,
                "fetched_at": self.fetched_at}


class PayrollSource(Protocol):
    """What the pipeline needs from a payroll system, per company and period."""

    def current_period(self, company_id: int) -> tuple[int, int]: ...
    def runs(self, company_id: int, period: PayrollPeriod) -> Fetched: ...
    def wage_codes(self, company_id: int, run: dict) -> tuple[Fetched, str]: ...
    def company_wage_components(self, company_id: int, period: PayrollPeriod) -> list[Fetched]: ...
    def employees(self, company_id: int) -> Fetched: ...
    def employments(self, company_id: int) -> Fetched: ...
    def salaries(self, company_id: int) -> Fetched: ...
    def employee_records(self, employee_id: int, company_id: int,
                         period: PayrollPeriod) -> list[Fetched]: ...


class NmbrsSoapSource:
    """PayrollSource over the Nmbrs SOAP v3 client (only the granted calls, plus Run_GetList)."""

    def __init__(self, client, wage_code_path: str | None = None):
        self.client = client
        self.wage_code_path = wage_code_path

    def current_period(self, company_id: int) -> tuple[int, int]:
        """Return (year, number) of the company's current (not yet run) payroll period."""
        text = self.client.company.company_get_current_period(company_id)
        parsed = parse_nmbrs_period(text or "")
        return parsed.year, parsed.number

    def runs(self, company_id: int, period: PayrollPeriod) -> Fetched:
        """Return the payroll runs of the year that cover the period."""
        rows = self.client.company.run_get_list(company_id, period.year)
        mine = [r for r in rows if r["PeriodStart"] <= period.number <= r["PeriodEnd"]]
        return Fetched("CompanyService", "Run_GetList", "company_run", mine, company_id,
                       request_keys={"Year": period.year})

    def wage_codes(self, company_id: int, run: dict) -> tuple[Fetched, str]:
        """Return one run's wage-code lines and the call path used (background or synchronous)."""
        from nmbrs.client.wagecodes import BACKGROUND, fetch_wage_codes

        prefer = self.wage_code_path or BACKGROUND
        result = fetch_wage_codes(self.client, company_id, run["ID"], run["Year"], prefer=prefer)
        self.wage_code_path = result.path  # the next run goes straight to the path that works
        rows = [{"run_id": run["ID"], **row} for row in result.rows]
        fetched = Fetched("ReportService" if result.path == BACKGROUND else "CompanyService",
                          "Reports_GetWageCodesByRunCompany_v2", "wage_code_line", rows,
                          company_id, request_keys={"RunId": run["ID"], "Year": run["Year"]})
        return fetched, result.path

    def company_wage_components(self, company_id: int, period: PayrollPeriod) -> list[Fetched]:
        """Return the company's fixed and variable wage components of the period."""
        company = self.client.company
        keys = {"Period": period.number, "Year": period.year}
        fixed = company.wage_component_fixed_get(company_id, period.number, period.year)
        var = company.wage_component_var_get(company_id, period.number, period.year)
        return [Fetched("CompanyService", "WageComponentFixed_Get", "company_wage_component",
                        [{"kind": "fixed", **row} for row in fixed], company_id, request_keys=keys),
                Fetched("CompanyService", "WageComponentVar_Get", "company_wage_component",
                        [{"kind": "var", **row} for row in var], company_id, request_keys=keys)]

    def employees(self, company_id: int) -> Fetched:
        """Return the company's employee list (a snapshot at run time)."""
        rows = self.client.employee.list_get_by_company(company_id)
        return Fetched("EmployeeService", "List_GetByCompany", "employee", rows, company_id,
                       request_keys={"EmployeeType": 1})

    def employments(self, company_id: int) -> Fetched:
        """Return every employee's employment history."""
        rows = self.client.employee.employment_get_all_all_employees_by_company(company_id)
        return Fetched("EmployeeService", "Employment_GetAll_AllEmployeesByCompany", "employment",
                       rows, company_id)

    def salaries(self, company_id: int) -> Fetched:
        """Return every employee's salary history."""
        rows = self.client.employee.salary_get_all_all_employees_by_company(company_id)
        return Fetched("EmployeeService", "Salary_GetAll_AllEmployeesByCompany", "salary", rows,
                       company_id)

    def employee_records(self, employee_id: int, company_id: int,
                         period: PayrollPeriod) -> list[Fetched]:
        """Return the eight per-employee calls of one period."""
        emp = self.client.employee
        calls = [
            ("PersonalInfo_GetCurrent", "personal_info", emp.personal_info_get_current, ()),
            ("Address_GetListCurrent", "address", emp.address_get_list_current, ()),
            ("BankAccount_GetList", "bank_account", emp.bank_account_get_list,
             (period.number, period.year)),
            ("Children_Get", "child", emp.children_get, ()),
            ("Partner_Get", "partner", emp.partner_get, ()),
            ("Contract_GetCurrentPeriod", "contract", emp.contract_get_current_period, ()),
            ("Schedule_GetCurrent", "schedule", emp.schedule_get_current, ()),
            ("SVW_GetCurrent", "svw", emp.svw_get_current, ()),
        ]
        return [Fetched("EmployeeService", op, entity, method(employee_id, *args), company_id,
                        employee_id, {"EmployeeId": employee_id})
                for op, entity, method, args in calls]
