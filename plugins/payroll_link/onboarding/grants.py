"""Call each of the 16 granted operations once, read-only, and find the wage-code path that works.

A call answering 1002 is switched off in the API user's template. The synchronous report calls
are probably gone from v3 (nmbrs-api.md §7.1, §10): when one fails otherwise while a wage-code
path works, it is reported as unavailable, not as a problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nmbrs.client import NmbrsAuthError, NmbrsError
from nmbrs.client.wagecodes import BACKGROUND, fetch_wage_codes
from payroll_link.onboarding.result import (
    FAILED,
    GRANTED,
    NOT_CHECKED,
    NOT_GRANTED,
    OK,
    UNAVAILABLE,
    WARNING,
    Check,
    GrantProbe,
)
from payroll_link.onboarding.texts import action

SYNC_REPORTS = ("Reports_GetWageCodesByRunCompany_v2",
                "Reports_GetWageCodesByRunCompany_FilterByWageCode")


@dataclass
class ProbeContext:
    """The real company, employee, period and run the probes use."""

    company_id: int
    year: int
    period: int
    employee_id: int | None = None
    run_id: int | None = None
    run_year: int | None = None
    wage_code: int = 1


def _c(call):
    return lambda client, x: call(client.company, x)


def _e(call):
    return lambda client, x: call(client.employee, x)


# (call, service, needs, how) in the order of the grant list (DESIGN.md §1).
PROBES = (
    ("Company_GetCurrentPeriod", "CompanyService", "", _c(
        lambda s, x: s.company_get_current_period(x.company_id))),
    ("Reports_GetWageCodesByRunCompany_v2", "CompanyService", "run", _c(
        lambda s, x: s.reports_get_wage_codes_by_run_company_v2(x.company_id, x.run_id,
                                                                 x.run_year))),
    ("WageComponentFixed_Get", "CompanyService", "", _c(
        lambda s, x: s.wage_component_fixed_get(x.company_id, x.period, x.year))),
    ("WageComponentVar_Get", "CompanyService", "", _c(
        lambda s, x: s.wage_component_var_get(x.company_id, x.period, x.year))),
    ("Reports_GetWageCodesByRunCompany_FilterByWageCode", "CompanyService", "run", _c(
        lambda s, x: s.reports_get_wage_codes_by_run_company_filter_by_wage_code(
            x.company_id, x.run_id, x.run_year, x.wage_code))),
    ("Address_GetListCurrent", "EmployeeService", "employee", _e(
        lambda s, x: s.address_get_list_current(x.employee_id))),
    ("BankAccount_GetList", "EmployeeService", "employee", _e(
        lambda s, x: s.bank_account_get_list(x.employee_id, x.period, x.year))),
    ("Children_Get", "EmployeeService", "employee", _e(
        lambda s, x: s.children_get(x.employee_id))),
    ("Contract_GetCurrentPeriod", "EmployeeService", "employee", _e(
        lambda s, x: s.contract_get_current_period(x.employee_id))),
    ("Employment_GetAll_AllEmployeesByCompany", "EmployeeService", "", _e(
        lambda s, x: s.employment_get_all_all_employees_by_company(x.company_id))),
    ("List_GetByCompany", "EmployeeService", "", _e(
        lambda s, x: s.list_get_by_company(x.company_id))),
    ("Partner_Get", "EmployeeService", "employee", _e(
        lambda s, x: s.partner_get(x.employee_id))),
    ("PersonalInfo_GetCurrent", "EmployeeService", "employee", _e(
        lambda s, x: s.personal_info_get_current(x.employee_id) and None)),  # BSN: drop it
    ("Salary_GetAll_AllEmployeesByCompany", "EmployeeService", "", _e(
        lambda s, x: s.salary_get_all_all_employees_by_company(x.company_id) and None)),
    ("Schedule_GetCurrent", "EmployeeService", "employee", _e(
        lambda s, x: s.schedule_get_current(x.employee_id))),
    ("SVW_GetCurrent", "EmployeeService", "employee", _e(
        lambda s, x: s.svw_get_current(x.employee_id))),
)
GRANTED_CALLS = tuple(probe[0] for probe in PROBES)


def probe_call(client, call: str, service: str, how, context: ProbeContext):
    """Call one operation; return (probe, result). Never raises an NmbrsError."""
    try:
        result = how(client, context)
    except NmbrsAuthError as err:
        status = NOT_GRANTED if err.code == 1002 else UNAVAILABLE
        return GrantProbe(call, service, status, err.code, str(err)), None
    except NmbrsError as err:
        return GrantProbe(call, service, UNAVAILABLE, getattr(err, "code", None), str(err)), None
    return GrantProbe(call, service, GRANTED), result


def probe_grants(client, company_id: int, *, today: dt.date | None = None,
                 progress=None) -> tuple[list[GrantProbe], ProbeContext, list[Check]]:
    """Probe the 16 calls on the company and one of its employees; return probes and checks."""
    today = today or dt.date.today()
    context = ProbeContext(company_id, today.year, today.month)
    results: dict[str, object] = {}
    probes: dict[str, GrantProbe] = {}
    extra: list[Check] = []
    for index, (call, service, needs, how) in enumerate(_ordered(), start=1):
        if progress:
            progress(index, len(PROBES), "probing granted calls")
        if needs == "run" and not extra:  # look the run up once, when first needed
            extra.extend(_find_run(client, context))
        if needs == "employee" and context.employee_id is None:
            context.employee_id = _employee_from(results)
        if needs and getattr(context, f"{needs}_id") is None:
            probes[call] = GrantProbe(call, service, NOT_CHECKED,
                                      message=f"no {needs} to call it with")
            continue
        probes[call], results[call] = probe_call(client, call, service, how, context)
        if call == "Company_GetCurrentPeriod" and results[call]:
            context.year, context.period = _split_period(results[call], today)
    return [probes[call] for call in GRANTED_CALLS], context, extra


def _ordered():
    """Company-wide calls first: they give the period and an employee for the others."""
    return sorted(PROBES, key=lambda probe: (probe[2] == "employee", probe[2] == "run"))


def _split_period(text: str, today: dt.date) -> tuple[int, int]:
    """Return (year, period) of a period string like '2026-11-M' (today's month if odd)."""
    parts = str(text).split("-")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return today.year, today.month


def _employee_from(results: dict) -> int | None:
    """Return an employee id from the company-wide results already fetched."""
    for call, key in (("List_GetByCompany", "Id"),
                      ("Employment_GetAll_AllEmployeesByCompany", "EmployeeId")):
        rows = results.get(call) or []
        if rows:
            return int(rows[0][key])
    return None


def _find_run(client, context: ProbeContext) -> list[Check]:
    """Set the latest run of this or last year on `context`; return the Run_GetList check."""
    for year in (context.year, context.year - 1):
        try:
            runs = client.company.run_get_list(context.company_id, year)
        except NmbrsError as err:
            status = FAILED if isinstance(err, NmbrsAuthError) and err.code == 1002 else WARNING
            return [Check("Run_GetList", status, f"Run_GetList failed: {err}",
                          action("grant", call="Run_GetList", service="CompanyService")
                          if status == FAILED else None)]
        if runs:
            latest = max(runs, key=lambda run: (run.get("PeriodEnd") or 0, run["ID"]))
            context.run_id, context.run_year = int(latest["ID"]), year
            return [Check("Run_GetList", OK, f"Run_GetList works ({len(runs)} runs in {year})",
                          details={"run_id": context.run_id, "year": year})]
    return [Check("Run_GetList", WARNING,
                  f"Run_GetList works but the company has no payroll run in {context.year - 1} "
                  f"or {context.year}: the report calls could not be checked")]


def wage_code_path(client, context: ProbeContext) -> tuple[str | None, Check]:
    """Fetch one run's wage codes the way extraction will; return the path used and a check."""
    if context.run_id is None:
        return None, Check("wage_code_path", WARNING,
                           "no payroll run to fetch wage codes for: path not determined")
    try:
        result = fetch_wage_codes(client, context.company_id, context.run_id, context.run_year,
                                  prefer=BACKGROUND)
    except NmbrsAuthError as err:
        if err.code == 1002:
            return None, Check("wage_code_path", FAILED, f"neither report path works: {err}",
                               action("wage_codes", call=SYNC_REPORTS[0]))
        return None, Check("wage_code_path", FAILED, f"wage codes by run failed: {err}")
    except NmbrsError as err:
        return None, Check("wage_code_path", FAILED, f"wage codes by run failed: {err}")
    if result.rows:
        context.wage_code = int(result.rows[0]["code"])
    how = ("the ReportService background report works" if result.path == BACKGROUND else
           "the background report is not available; the synchronous call works")
    return result.path, Check("wage_code_path", OK, f"wage codes by run: {how}",
                              details={"path": result.path})
