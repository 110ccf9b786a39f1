"""What each simulated operation answers, from the world at the simulator's clock."""

from __future__ import annotations

import threading
import time
import uuid
import zlib
from decimal import Decimal
from xml.sax.saxutils import escape

from simulators.nmbrs_sim.access import (
    Caller,
    Denied,
    check_company,
    check_debtor,
    check_employee,
    visible_debtors,
)

HANDLERS: dict[str, callable] = {}


def handles(*names):
    def register(func):
        for name in names:
            HANDLERS[name] = func
        return func
    return register


# --- CompanyService -----------------------------------------------------------------------

@handles("CompanyService.Company_GetCurrentPeriod")
def _current_period(state, caller: Caller, p: dict):
    check_company(state.world, caller, p["CompanyId"])
    return state.world.company(p["CompanyId"]).current_period(state.clock)


@handles("CompanyService.Run_GetList")
def _runs(state, caller, p):
    check_company(state.world, caller, p["CompanyId"])
    return state.world.company(p["CompanyId"]).runs(p["Year"], state.clock)


@handles("CompanyService.List_GetAll")
def _companies(state, caller, p):
    return [c for d in visible_debtors(state.world, caller) for c in state.world.companies(d)]


@handles("CompanyService.List_GetByDebtor")
def _companies_of_debtor(state, caller, p):
    check_debtor(state.world, caller, p["DebtorId"])
    return state.world.companies(p["DebtorId"])


@handles("CompanyService.WageComponentFixed_Get", "CompanyService.WageComponentVar_Get")
def _company_components(state, caller, p):
    check_company(state.world, caller, p["CompanyId"])
    _check_period(state, p["CompanyId"], p["Period"])
    kind = "fixed" if "Fixed" in p["_op"] else "var"
    return state.world.company(p["CompanyId"]).wage_components(kind, p["Period"], p["Year"])


@handles("CompanyService.Reports_GetWageCodesByRunCompany_v2",
         "CompanyService.Reports_GetWageCodesByRunCompany_FilterByWageCode")
def _report_sync(state, caller, p):
    check_company(state.world, caller, p["CompanyId"])
    return report_xml(state, p["CompanyId"], p["RunId"], p["intYear"], p.get("WageCode"))


def _check_period(state, company_id: int, period: int) -> None:
    limit = 13 if state.world.company(company_id).frequency == "four_weekly" else 12
    if not 1 <= period <= limit:
        raise Denied(2006, "Invalid period")


def report_xml(state, company_id: int, run_id: int, year: int, wage_code: int | None) -> str:
    """Return the wage-code report as Nmbrs carries it: an XML string declaring utf-16."""
    try:
        reports = state.world.company(company_id).wage_code_reports(run_id, year, wage_code,
                                                                    clock=state.clock)
    except KeyError:
        raise Denied(2021, "Invalid run") from None
    out = ['<?xml version="1.0" encoding="utf-16"?>', "<reports>"]
    for rep in reports:
        out.append(f"<report><employeeid>{rep['employeeid']}</employeeid>"
                   f"<period>{rep['period']}</period><year>{rep['year']}</year>"
                   f"<runnumber>{rep['runnumber']}</runnumber><lines>")
        for line in rep["lines"]:
            out.append(f"<line><code>{line['code']}</code>"
                       f"<description>{escape(line['description'])}</description>"
                       f"<value>{Decimal(line['value']):.2f}</value></line>")
        out.append("</lines></report>")
    out.append("</reports>")
    return "".join(out)


# --- EmployeeService ----------------------------------------------------------------------

@handles("EmployeeService.List_GetByCompany")
def _employees(state, caller, p):
    check_company(state.world, caller, p["CompanyId"])
    # 1 = employee; other types hold nobody here. A missing EmployeeType reads as 0 (ASMX's
    # default), a type that does not exist: strict answers nobody, lax (old rule) everybody.
    # A v2.1-style `active` element is not read at all.
    if p["EmployeeType"] == 1 or (p["EmployeeType"] == 0 and not state.knobs.strict):
        return state.world.company(p["CompanyId"]).employees(state.clock)
    return []


@handles("EmployeeService.EmployeeType_GetList")
def _employee_types(state, caller, p):
    return [{"Id": 1, "Description": "Werknemer"}, {"Id": 2, "Description": "Stagiair"}]


@handles("EmployeeService.Employment_GetAll_AllEmployeesByCompany")
def _employments(state, caller, p):
    check_company(state.world, caller, p["CompanyID"])
    return state.world.company(p["CompanyID"]).employments()


@handles("EmployeeService.Salary_GetAll_AllEmployeesByCompany")
def _salaries(state, caller, p):
    check_company(state.world, caller, p["CompanyID"])
    return state.world.company(p["CompanyID"]).salaries()


_PER_EMPLOYEE = {
    "PersonalInfo_GetCurrent": lambda e, s, p: e.personal_info(s.clock),
    "Address_GetListCurrent": lambda e, s, p: e.addresses(s.clock),
    "BankAccount_GetList": lambda e, s, p: e.bank_accounts(p["Period"], p["Year"]),
    "Children_Get": lambda e, s, p: e.children(),
    "Partner_Get": lambda e, s, p: e.partner(),
    "Contract_GetCurrentPeriod": lambda e, s, p: e.contract_current_period(s.clock),
    "Schedule_GetCurrent": lambda e, s, p: e.schedule_current(s.clock),
    "SVW_GetCurrent": lambda e, s, p: e.svw_current(s.clock),
    "WageComponentFixed_Get": lambda e, s, p: employee_components(e.id, "fixed", p),
    "WageComponentVar_Get": lambda e, s, p: employee_components(e.id, "var", p),
}


def _per_employee(state, caller, p):
    check_employee(state.world, caller, p["EmployeeId"])
    employee = state.world.employee(p["EmployeeId"])
    return _PER_EMPLOYEE[p["_op"]](employee, state, p)


for _name in _PER_EMPLOYEE:
    HANDLERS[f"EmployeeService.{_name}"] = _per_employee


def employee_components(employee_id: int, kind: str, p: dict) -> list[dict]:
    """Per-employee wage components: a travel allowance (fixed) and overtime some periods (var)."""
    seed = zlib.crc32(f"{employee_id}:{kind}:{p['Year']}:{p['Period']}".encode())
    if kind == "fixed":
        return [{"Id": employee_id * 10 + 1, "Code": 5100,
                 "Value": Decimal(40 + seed % 80).quantize(Decimal("0.01"))}]
    if seed % 3:
        return []
    return [{"Id": employee_id * 10 + 2, "Code": 5200,
             "Value": (Decimal(seed % 2000) / 10).quantize(Decimal("0.01"))}]


# --- DebtorService ------------------------------------------------------------------------

@handles("DebtorService.List_GetAll")
def _debtors(state, caller, p):
    visible = set(visible_debtors(state.world, caller))
    return [d for d in state.world.debtors(caller.account.domain) if d["Id"] in visible]


@handles("DebtorService.Tags_Get")
def _tags(state, caller, p):
    check_debtor(state.world, caller, p["DebtorId"])
    return state.world.debtor_tags(p["DebtorId"])


@handles("DebtorService.Environment_Get")
def _environment(state, caller, p):
    domain = caller.account.domain
    return {"Domain": f"{domain}.nmbrs.nl", "SubDomain": domain}


# --- ReportService ------------------------------------------------------------------------

class TaskStore:
    """Background report tasks: Enqueued, then Executing, then Success/Error after a delay."""

    def __init__(self):
        self._tasks: dict[str, dict] = {}
        self._lock = threading.Lock()

    def add(self, owner: str, job: dict) -> str:
        task_id = str(uuid.uuid4())
        with self._lock:
            self._tasks[task_id] = {"owner": owner, "created": time.monotonic(), **job}
        return task_id

    def get(self, task_id: str) -> dict | None:
        with self._lock:
            return self._tasks.get(task_id)


@handles("ReportService.Reports_GetWageCodesByRunCompany_v2_Background",
         "ReportService.Reports_GetWageCodesByRunCompany_FilterByWageCode_Background")
def _report_background(state, caller, p):
    check_company(state.world, caller, p["companyId"])
    job = {"company": p["companyId"], "run": p["runId"], "year": p["year"],
           "wage_code": p.get("wageCode"), "delay": state.knobs.report_delay_s,
           "status": state.knobs.report_status}
    return state.tasks.add(caller.key, job)


@handles("ReportService.Reports_BackgroundTask_Result")
def _task_result(state, caller, p):
    task = state.tasks.get(p["TaskId"].strip())
    if task is None:
        raise Denied(2019, "Task status not available")
    if task["owner"] != caller.key:
        raise Denied(2020, "Task status not available")
    elapsed = time.monotonic() - task["created"]
    if elapsed < task["delay"] / 2:
        return {"TaskId": p["TaskId"], "Status": "Enqueued"}
    if elapsed < task["delay"]:
        return {"TaskId": p["TaskId"], "Status": "Executing"}
    if task["status"] != "Success":
        return {"TaskId": p["TaskId"], "Status": task["status"]}
    content = report_xml(state, task["company"], task["run"], task["year"], task["wage_code"])
    return {"TaskId": p["TaskId"], "Status": "Success", "Content": content}
