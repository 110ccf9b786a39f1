"""From REST answers as received to canonical rows: one reading for live calls and reparse.

Company-level wire is the JSON array of the answered pages; per-employee wire is the employee's
item of the company-wide page (personal info: ``[personalinfo item, privateInfos item]``, the
BSN lives in the second); the wage-code wire is the document.
"""

from __future__ import annotations

import json

from payroll_link.extraction.sources import rest_select as pick
from payroll_link.extraction.sources.rest_map import RestIds, to_rows
from payroll_link.periods import PayrollPeriod

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
COMPANY_ENTITIES = {
    "getCompanyPayrollRuns": "company_run", "getEmployeesByCompany": "employee",
    "getFixedCompanyWageComponentsByCompany": "company_wage_component",
    "getVariableCompanyWageComponentsByCompany": "company_wage_component",
    "getEmploymentsByCompany": "employment", "getSalariesByCompany": "salary",
}
WAGE_CODES = "GetDocumentContentId"
# The partner rows come from personal info's partnerInfo; landed under their own label.
PARTNER_OP = "getEmployeePersonalInfoByCompany.partnerInfo"
EMPLOYEE_ENTITIES = {op: entity for entity, (op, _k, _c) in EMPLOYEE_ENDPOINTS.items()}
EMPLOYEE_ENTITIES[PARTNER_OP] = "partner"


def page_records(wire: bytes) -> list[dict]:
    """Return the records of a company-level wire (the JSON array of its pages)."""
    return [record for page in json.loads(wire) for record in page.get("data") or []]


def runs_in(records: list[dict], number: int) -> list[dict]:
    """Return the runs that cover period `number` of their year."""
    return [r for r in records if (r.get("periodStart") or 0) <= number <= (r.get("periodEnd")
                                                                            or 0)]


def company_rows(op: str, records: list[dict], keys: dict, ids: RestIds) -> list[dict]:
    """Return the canonical rows of one company-level answer."""
    if op == "getCompanyPayrollRuns":
        return to_rows("company_run", runs_in(records, keys["period"]), ids)
    if op == "getFixedCompanyWageComponentsByCompany":
        return to_rows("company_wage_component_fixed", records, ids)
    if op == "getVariableCompanyWageComponentsByCompany":
        mine = [r for r in records if (r.get("period") or {}).get("period") == keys["period"]]
        return to_rows("company_wage_component_var", mine, ids)
    if op == "getEmployeesByCompany":
        items = [{**(r.get("employeeBasicInfo") or {}), "employeeId": r["employeeId"]}
                 for r in records]
        for item in items:
            ids.learn(item["employeeId"], item.get("employeeNumber"))
        payroll = [item for item in items if item.get("employeeType") == "payroll"]
        return to_rows("employee", payroll, ids)
    entity, key = {"getEmploymentsByCompany": ("employment", "employments"),
                   "getSalariesByCompany": ("salary", "salaries")}[op]
    return [row for item in records
            for row in to_rows(entity, item.get(key) or [], ids, ids.employee(item["employeeId"]))]


def employee_rows(entity: str, items: list, period: PayrollPeriod, ids: RestIds) -> list[dict]:
    """Return one employee's canonical rows of `entity` (also "partner") for the period."""
    item = items[0]
    eid = ids.employee(item["employeeId"])
    source = "personal_info" if entity == "partner" else entity
    _op, key, choose = EMPLOYEE_ENDPOINTS[source]
    records = choose(item.get(key) or [], period)
    if source == "personal_info":
        private = items[1] if len(items) > 1 and items[1] else {}
        found = [r.get("BSN") for r in private.get("privateInfos") or [] if r.get("BSN")]
        records = [{**r, "BSN": found[-1] if found else None} for r in records]
    if entity == "partner":
        named = [{**r, "partnerKey": f"partner:{item['employeeId']}"} for r in records
                 if (r.get("partnerInfo") or {}).get("partnerName")]
        return to_rows("partner", named, ids, eid)
    return to_rows(entity, records, ids, eid)


def wage_rows(document: bytes, keys: dict, ids: RestIds) -> list[dict]:
    """Return the wage-code lines of the period in a run's document."""
    lines = list(pick.wage_code_lines(document, keys["period"]))
    for line in lines:
        ids.learn(line["employee"], line["number"])
    return to_rows("wage_code_line", [{**x, "run_id": keys["run_id"]} for x in lines], ids)
