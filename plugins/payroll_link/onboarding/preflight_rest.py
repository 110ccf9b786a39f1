"""Preflight of a REST employer: company, scopes per data set, and (umbrella) the debtor tag.

Like the SOAP preflight's grants, each data set the pipeline reads is probed once with the
employer's consent (one page, read-only). A refused scope (403, code 40301) becomes a failed
check naming the scope the operation needs (from the published spec's ``security``, see
``nmbrs.rest.operations``) and how to re-consent. No Airflow here; ids and names only.
"""

from __future__ import annotations

from nmbrs.rest.errors import NmbrsAuthError, NmbrsError
from nmbrs.rest.operations import operation
from payroll_link.onboarding.result import FAILED, OK, Action, Check, PreflightResult
from payroll_link.onboarding.texts import ASR_TAG

INSUFFICIENT_SCOPE = 40301
# data set (as the SOAP grants name them) -> the REST operation that reads it
DATA_SETS = {
    "current period": "getCurrentPeriod",
    "payroll runs": "getCompanyPayrollRuns",
    "company wage components": "getFixedCompanyWageComponentsByCompany",
    "employee list": "getEmployeesByCompany",
    "personal info": "getEmployeePersonalInfoByCompany",
    "BSN": "getPrivateInfosByCompany",
    "addresses": "getAddressesByCompany",
    "bank accounts": "getBankAccountsByCompany",
    "children": "getEmployeesChildren",
    "contracts": "getContractsByCompany",
    "employments": "getEmploymentsByCompany",
    "salaries": "getSalariesByCompany",
    "schedules": "getSchedulesByCompany",
    "SVW settings": "getSVWSettingsByCompany",
}


def needed_scope(op_name: str) -> str:
    """Return the read scope the pipeline asks for an operation (one of those the spec accepts)."""
    scopes = operation(op_name).scopes
    return next((s for s in scopes if s.endswith(".read")), scopes[0])


def reconsent(conn_id: str, scope: str) -> Action:
    """The re-consent action for a missing scope, in Dutch and English."""
    return Action(
        nl=f"Geef opnieuw toestemming met `koppeling authorize --conn-id {conn_id}` en vink "
           f"daarbij de scope {scope} aan.",
        en=f"Re-consent with `koppeling authorize --conn-id {conn_id}` and grant the scope "
           f"{scope}.")


def probe(client, data_set: str, op_name: str, company: str, conn_id: str) -> Check:
    """Read one page of a data set; a refused scope names the scope and the re-consent."""
    where = {"data_set": data_set, "operation": op_name}
    try:
        if operation(op_name).paged:
            next(iter(client.pages(op_name, companyId=company)), None)
        else:
            client.get(op_name, companyId=company, params=_params(op_name))
    except NmbrsAuthError as err:
        if getattr(err, "code", None) == INSUFFICIENT_SCOPE:
            scope = needed_scope(op_name)
            return Check("scope", FAILED, f"{data_set}: the consent lacks scope {scope} "
                         f"({op_name})", reconsent(conn_id, scope), {**where, "scope": scope})
        return Check("scope", FAILED, f"{data_set}: {err}", details=where)
    except NmbrsError as err:
        return Check("scope", FAILED, f"{data_set}: {err}", details=where)
    return Check("scope", OK, f"{data_set}: readable", details=where)


def _params(op_name: str) -> dict:
    import datetime as dt

    return {"year": dt.date.today().year} if op_name == "getCompanyPayrollRuns" else {}


def check_company(client, employer) -> Check:
    """Find the registry's REST company under its debtor and compare its name literally."""
    try:
        companies = list(client.records("getCompaniesByDebtor", debtorId=employer.rest_debtor_id)
                         if employer.rest_debtor_id else client.records("getCompanies"))
    except NmbrsError as err:
        return Check("company", FAILED, f"listing the consent's companies failed: {err}")
    found = next((c for c in companies
                  if str(c.get("companyId")).lower() == employer.rest_company_id), None)
    if found is None:
        return Check("company", FAILED, f"REST company {employer.rest_company_id} is not among "
                     f"the {len(companies)} companies the consent reaches")
    if found.get("name") != employer.company_name:
        return Check("company", FAILED, f"REST company {employer.rest_company_id} is named "
                     f"{found.get('name')!r}, the registry says {employer.company_name!r}")
    return Check("company", OK, f"REST company {employer.rest_company_id} is "
                 f"{employer.company_name!r}")


def check_tag_rest(client, debtor_id: str | None) -> Check:
    """Umbrella mode: the debtor must carry the agreed tag (/api/debtors/{debtorId}/tags)."""
    if not debtor_id:
        return Check("tag", FAILED, "umbrella mode needs the REST debtor id (rest_debtor_id)")
    try:
        tags = [str(t.get("description") or "") for t in
                client.records("getTagsByDebtor", debtorId=debtor_id)]
    except NmbrsError as err:
        return Check("tag", FAILED, f"reading the tags of debtor {debtor_id} failed: {err}")
    if ASR_TAG not in tags:
        return Check("tag", FAILED, f"debtor {debtor_id} lacks the tag {ASR_TAG!r}",
                     Action(nl=f"Zet de tag {ASR_TAG!r} op de debiteur in Nmbrs.",
                            en=f"Put the tag {ASR_TAG!r} on the debtor in Nmbrs."))
    return Check("tag", OK, f"debtor {debtor_id} carries the tag {ASR_TAG!r}")


def run_preflight_rest(client, employer) -> PreflightResult:
    """Company, (umbrella) tag, then every data set's scope; ready when none failed."""
    result = PreflightResult({"employer_id": employer.employer_id, "source": "rest",
                              "rest_conn_id": employer.rest_conn_id,
                              "account_mode": employer.account_mode})
    result.add(check_company(client, employer))
    if employer.account_mode == "umbrella":
        result.add(check_tag_rest(client, employer.rest_debtor_id))
    if result.ready:
        for data_set, op_name in DATA_SETS.items():
            result.add(probe(client, data_set, op_name, employer.rest_company_id,
                             employer.rest_conn_id))
    return result
