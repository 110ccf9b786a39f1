"""One method per granted/needed Nmbrs operation, named as the snake_case of the operation."""

from __future__ import annotations

import logging
from datetime import datetime

from nmbrs.client.rows import as_list, as_record, plain
from nmbrs.client.shapes import read

log = logging.getLogger(__name__)


class _Service:
    name = ""

    def __init__(self, client):
        self._client = client

    def _call(self, op: str, **params):
        """Call `op` and read its answer from the wire, in any known shape; log drift names."""
        answer = self._client.call_wire(self.name, op, **params)
        if answer.wire is None:  # a test double without a transport: zeep's reading
            return answer.value
        reading = read(self.name, op, answer.wire)
        if reading.drift:
            log.warning("Nmbrs %s.%s answer drifted: %s", self.name, op,
                        ", ".join(f"{kind} {element}" for kind, element, _ in reading.drift))
        return reading.value


class CompanyService(_Service):
    """CompanyService: company-level calls."""

    name = "CompanyService"

    def company_get_current_period(self, company_id: int) -> str | None:
        """Return the company's current period string, e.g. '2026-11-M'."""
        return self._call("Company_GetCurrentPeriod", CompanyId=company_id)

    def run_get_list(self, company_id: int, year: int) -> list[dict]:
        """Return the payroll runs (RunInfo rows) of a company in a year."""
        return as_list(self._call("Run_GetList", CompanyId=company_id, Year=year))

    def list_get_all(self) -> list[dict]:
        """Return every company the API user may see."""
        return as_list(self._call("List_GetAll"))

    def list_get_by_debtor(self, debtor_id: int) -> list[dict]:
        """Return the companies of one debtor."""
        return as_list(self._call("List_GetByDebtor", DebtorId=debtor_id))

    def wage_component_fixed_get(self, company_id: int, period: int, year: int) -> list[dict]:
        """Return the company's fixed wage components of a period."""
        return as_list(self._call("WageComponentFixed_Get", CompanyId=company_id, Period=period,
                                  Year=year, period=f"{year}-{period}"))

    def wage_component_var_get(self, company_id: int, period: int, year: int) -> list[dict]:
        """Return the company's variable wage components of a period."""
        return as_list(self._call("WageComponentVar_Get", CompanyId=company_id, Period=period,
                                  Year=year, period=f"{year}-{period}"))

    def reports_get_wage_codes_by_run_company_v2(self, company_id: int, run_id: int,
                                                 year: int) -> str | None:
        """Return the wage-code report XML string of one run (synchronous; may be gone in v3)."""
        return self._call("Reports_GetWageCodesByRunCompany_v2", CompanyId=company_id,
                          RunId=run_id, intYear=year)

    def reports_get_wage_codes_by_run_company_filter_by_wage_code(
            self, company_id: int, run_id: int, year: int, wage_code: int) -> str | None:
        """Return the wage-code report XML of one run, one wage code (synchronous)."""
        return self._call("Reports_GetWageCodesByRunCompany_FilterByWageCode",
                          CompanyId=company_id, RunId=run_id, intYear=year, WageCode=wage_code)


class EmployeeService(_Service):
    """EmployeeService: company-wide employee lists and per-employee records."""

    name = "EmployeeService"

    def list_get_by_company(self, company_id: int, employee_type: int = 1) -> list[dict]:
        """Return the employees of a company (Id, Number, DisplayName)."""
        return as_list(self._call("List_GetByCompany", CompanyId=company_id,
                                  EmployeeType=employee_type))

    def employee_type_get_list(self) -> list[dict]:
        """Return the employee types usable in list_get_by_company."""
        return as_list(self._call("EmployeeType_GetList"))

    def employment_get_all_all_employees_by_company(self, company_id: int) -> list[dict]:
        """Return every employee's employment history."""
        return as_list(self._call("Employment_GetAll_AllEmployeesByCompany", CompanyID=company_id))

    def salary_get_all_all_employees_by_company(self, company_id: int) -> list[dict]:
        """Return every employee's salary history."""
        return as_list(self._call("Salary_GetAll_AllEmployeesByCompany", CompanyID=company_id))

    def personal_info_get_current(self, employee_id: int) -> dict | None:
        """Return the employee's current personal info (contains the BSN)."""
        return as_record(self._call("PersonalInfo_GetCurrent", EmployeeId=employee_id))

    def address_get_list_current(self, employee_id: int) -> list[dict]:
        """Return the employee's current addresses."""
        return as_list(self._call("Address_GetListCurrent", EmployeeId=employee_id))

    def bank_account_get_list(self, employee_id: int, period: int, year: int) -> list[dict]:
        """Return the employee's active bank accounts in a period."""
        return as_list(self._call("BankAccount_GetList", EmployeeId=employee_id, Period=period,
                                  Year=year, period=f"{year}-{period}"))

    def children_get(self, employee_id: int) -> dict | None:
        """Return the employee's children item (EmployeeChildren is a list)."""
        return as_record(self._call("Children_Get", EmployeeId=employee_id))

    def partner_get(self, employee_id: int) -> dict | None:
        """Return the employee's partner, or None."""
        return as_record(self._call("Partner_Get", EmployeeId=employee_id))

    def contract_get_current_period(self, employee_id: int) -> dict | None:
        """Return the employee's contracts in the current period (EmployeeContracts is a list)."""
        return as_record(self._call("Contract_GetCurrentPeriod", EmployeeId=employee_id))

    def schedule_get_current(self, employee_id: int) -> dict | None:
        """Return the employee's current working schedule."""
        return as_record(self._call("Schedule_GetCurrent", EmployeeId=employee_id))

    def svw_get_current(self, employee_id: int) -> dict | None:
        """Return the employee's current social-insurance (SVW) settings."""
        return as_record(self._call("SVW_GetCurrent", EmployeeId=employee_id))

    def wage_component_fixed_get(self, employee_id: int, period: int, year: int) -> list[dict]:
        """Return the employee's fixed wage components of a period."""
        return as_list(self._call("WageComponentFixed_Get", EmployeeId=employee_id,
                                  Period=period, Year=year))

    def wage_component_var_get(self, employee_id: int, period: int, year: int) -> list[dict]:
        """Return the employee's variable wage components of a period."""
        return as_list(self._call("WageComponentVar_Get", EmployeeId=employee_id,
                                  Period=period, Year=year))


class DebtorService(_Service):
    """DebtorService: debtors, their tags, the environment (domain) of the API user."""

    name = "DebtorService"

    def list_get_all(self) -> list[dict]:
        """Return the debtors the API user may see."""
        return as_list(self._call("List_GetAll"))

    def tags_get(self, debtor_id: int) -> list[dict]:
        """Return the tags on a debtor."""
        return as_list(self._call("Tags_Get", DebtorId=debtor_id))

    def environment_get(self) -> dict | None:
        """Return the user's environment (Domain, SubDomain); authenticates without a domain."""
        return as_record(self._call("Environment_Get"))


class ReportService(_Service):
    """ReportService: background report tasks."""

    name = "ReportService"

    def reports_get_wage_codes_by_run_company_v2_background(self, company_id: int, run_id: int,
                                                            year: int) -> str:
        """Start the wage-code report of one run; return the task id."""
        return self._call("Reports_GetWageCodesByRunCompany_v2_Background", companyId=company_id,
                          runId=run_id, year=year)

    def reports_get_wage_codes_by_run_company_filter_by_wage_code_background(
            self, company_id: int, run_id: int, year: int, wage_code: int) -> str:
        """Start the one-wage-code report of one run; return the task id."""
        return self._call("Reports_GetWageCodesByRunCompany_FilterByWageCode_Background",
                          companyId=company_id, runId=run_id, year=year, wageCode=wage_code)

    def reports_background_task_result(self, task_id: str) -> dict:
        """Return {TaskId, Status, Content} of a background task."""
        return plain(self._call("Reports_BackgroundTask_Result", TaskId=task_id)) or {}


def as_date(value):
    """Return the date part of a zeep datetime (Nmbrs sends dates as midnight datetimes)."""
    return value.date() if isinstance(value, datetime) else value
