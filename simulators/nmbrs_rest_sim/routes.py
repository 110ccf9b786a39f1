"""What each served REST operation answers, from the world at the simulator's clock."""

from __future__ import annotations

from simulators.nmbrs_rest_sim import shapes_employee as emp
from simulators.nmbrs_rest_sim.documents import documents, wagecodes_xml
from simulators.nmbrs_rest_sim.errors import ApiError, invalid_param
from simulators.nmbrs_rest_sim.ids import rest_id
from simulators.nmbrs_rest_sim.paging import Ctx, employee_ids, paged, paged_list, per_employee
from simulators.nmbrs_rest_sim.wire import number, period, ts
from simulators.nmbrs_sim.access import visible_debtors
from simulators.nmbrs_sim.dataset_periods import period_bounds, period_of, periods_per_year

COMPANY = "/api/companies/{companyId}"
EMPLOYEES = COMPANY + "/employees"

# suffix under /employees -> (key of the records, builder, honours employeeId)
EMPLOYEE_ENDPOINTS = {
    "/personalinfo": ("info", emp.personal_info, True),
    "/privateInfos": ("privateInfos", emp.private_infos, False),
    "/addresses": ("addresses", emp.addresses, True),
    "/bankaccounts": ("bankAccounts", emp.bank_accounts, True),
    "/contracts": ("contracts", emp.contracts, True),
    "/schedules": ("schedules", emp.schedules, True),
    "/salaries": ("salaries", emp.salaries, True),
    "/employments": ("employments", emp.employments, True),
    "/svwsettings": ("employeeSVWSettings", emp.svw_settings, True),
    "/children": ("children", emp.children, True),
    "/fixedWageComponents": ("fixedWageComponents", emp.fixed_components, True),
    "/variablewagecomponents": ("variablewagecomponents", emp.variable_components, True),
}

def _employee_route(key, builder, filterable):
    def handle(ctx: Ctx) -> dict:
        if builder in (emp.fixed_components, emp.variable_components):
            ctx.year_period = _year_period(ctx)
        return per_employee(ctx, key, builder, filterable)
    return handle

def _year_period(ctx: Ctx, period_required: bool = True) -> tuple[int, int]:
    """Return (year, period) from the query, defaulting to the clock's period."""
    frequency = ctx.state.world.company(ctx.company_id).frequency
    current = period_of(frequency, ctx.clock)
    year = ctx.int_arg("year", current[0])
    number_ = ctx.int_arg("period", current[1] if period_required else 1)
    if not 1 <= number_ <= periods_per_year(frequency):
        raise invalid_param("period", "The parameter is invalid. It needs to be a valid period.")
    return year, number_

def employees(ctx: Ctx) -> dict:
    """GET …/employees: every employee with basic info; employeeType filters."""
    company = ctx.state.world.company(ctx.company_id)
    ids, wanted = employee_ids(ctx), ctx.arg("employeeType")

    def row(employee_id: int) -> dict:
        employee = company.employee(employee_id)
        return {"employeeId": rest_id("employee", employee_id),
                "employeeBasicInfo": emp.basic_info(employee, ctx.clock)}

    if not wanted:  # build only the asked page
        return paged(ctx, len(ids), lambda a, b: [row(i) for i in ids[a:b]])
    rows = [r for r in map(row, ids) if r["employeeBasicInfo"]["employeeType"] == wanted]
    return paged_list(ctx, rows)


def current_period(ctx: Ctx) -> dict:
    """GET …/period: the company's current payroll period."""
    company = ctx.state.world.company(ctx.company_id)
    year, number_ = period_of(company.frequency, ctx.clock)
    kind = "month" if company.frequency == "monthly" else "4-weeks"
    return paged_list(ctx, [{"period": period(year, number_), "periodType": kind,
                             "displayPeriod": f"{number_:02d}-{year}"}])

def runs(ctx: Ctx) -> dict:
    """GET …/runs?year=: the runs of a year done before the clock."""
    company = ctx.state.world.company(ctx.company_id)
    year = ctx.int_arg("year", ctx.clock.year)
    rows = [{"payrollRunId": rest_id("run", r["ID"]), "number": r["Number"],
             "description": r["Description"], "year": r["Year"],
             "periodStart": r["PeriodStart"], "periodEnd": r["PeriodEnd"],
             "createdAt": ts(r["RunAt"]), "type": "normal", "locked": r["IsLocked"]}
            for r in company.runs(year, ctx.clock)]
    return paged_list(ctx, rows)

def fixed_company_components(ctx: Ctx) -> dict:
    """GET …/fixedwagecomponents?year=&period=: the company's fixed components of a period."""
    year, number_ = _year_period(ctx)
    company = ctx.state.world.company(ctx.company_id)
    start = ts(period_bounds(company.frequency, year, number_)[0])
    rows = [{"fixedWageComponentId": rest_id("companyfixed", f"{r['Id']}:{ctx.company_id}"),
             "code": r["Code"], "value": number(r["Value"]),
             "startPeriod": period(year, number_), "endPeriod": period(year, number_),
             "createdAt": start} for r in company.wage_components("fixed", number_, year)]
    return paged_list(ctx, rows)

def variable_company_components(ctx: Ctx) -> dict:
    """GET …/variablewagecomponents?year=: the company's variable components of every period."""
    company = ctx.state.world.company(ctx.company_id)
    year = ctx.int_arg("year", ctx.clock.year)
    rows = []
    for number_ in range(1, periods_per_year(company.frequency) + 1):
        start = ts(period_bounds(company.frequency, year, number_)[0])
        rows += [{"variableWageComponentId": rest_id("companyvar", f"{r['Id']}:{ctx.company_id}"),
                  "code": r["Code"], "value": number(r["Value"]),
                  "period": period(year, number_), "createdAt": start}
                 for r in company.wage_components("var", number_, year)]
    return paged_list(ctx, rows)

def salary_tables(ctx: Ctx) -> dict:
    """GET …/salarytables: the world's salaries are not on a table, so the list is empty."""
    return paged_list(ctx, [])


def _company_rows(ctx: Ctx, debtor_ids: list[int]) -> list[dict]:
    world = ctx.state.world
    return [{"companyId": rest_id("company", c["ID"]), "number": str(c["Number"]),
             "name": c["Name"], "debtorId": rest_id("debtor", d)}
            for d in debtor_ids for c in world.companies(d)]

def companies(ctx: Ctx) -> dict:
    """GET /api/companies: refused for a token that spans several debtors."""
    visible = visible_debtors(ctx.state.world, ctx.caller)
    if len(visible) > 1:
        raise ApiError("multiple_debtors")
    return paged_list(ctx, _company_rows(ctx, visible))

def debtors(ctx: Ctx) -> dict:
    """GET /api/debtors: the debtors the login may see."""
    world, visible = ctx.state.world, set(visible_debtors(ctx.state.world, ctx.caller))
    rows = [{"debtorId": rest_id("debtor", d["Id"]), "number": d["Number"], "name": d["Name"]}
            for d in world.debtors(ctx.caller.account.domain) if d["Id"] in visible]
    return paged_list(ctx, rows)

def debtor_companies(ctx: Ctx) -> dict:
    """GET /api/debtors/{debtorId}/companies."""
    return paged_list(ctx, _company_rows(ctx, [ctx.extra["debtor_id"]]))

def debtor_tags(ctx: Ctx) -> dict:
    """GET /api/debtors/{debtorId}/tags."""
    tags = ctx.state.world.debtor_tags(ctx.extra["debtor_id"])
    return paged_list(ctx, [{"tagNumber": str(t["Number"]), "description": t["Tag"]}
                            for t in tags])

def end_contract_reasons(ctx: Ctx) -> dict:
    """GET /api/debtors/endcontractreasons/{Year}."""
    return paged_list(ctx, [{"code": c, "reason": r} for c, r in emp.END_REASONS.items()])

# (path template, handler, what the path's ids must resolve to)
ROUTES: list[tuple[str, object, str]] = [
    ("/api/companies", companies, ""),
    ("/api/debtors", debtors, ""),
    ("/api/debtors/{debtorId}/companies", debtor_companies, "debtor"),
    ("/api/debtors/{debtorId}/tags", debtor_tags, "debtor"),
    ("/api/debtors/endcontractreasons/{Year}", end_contract_reasons, ""),
    (COMPANY + "/period", current_period, "company"),
    (COMPANY + "/runs", runs, "company"),
    (COMPANY + "/runs/{payrollRunId}/wagecodes/xml", wagecodes_xml, "company"),
    (COMPANY + "/fixedwagecomponents", fixed_company_components, "company"),
    (COMPANY + "/variablewagecomponents", variable_company_components, "company"),
    (COMPANY + "/salarytables", salary_tables, "company"),
    (EMPLOYEES, employees, "company"),
    ("/api/documents/{taskId}", documents, ""),
] + [(EMPLOYEES + suffix, _employee_route(*spec), "company")
     for suffix, spec in EMPLOYEE_ENDPOINTS.items()]

