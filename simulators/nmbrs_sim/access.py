"""Who may call what: credentials (1001), template grants (1002) and data scope (2003/2004/2009).

Choices where Nmbrs is undocumented (nmbrs-api.md §3, §10): an id outside the user's scope, or
unknown, answers 2004 (company), 2003 (employee) or 2009 (debtor), never 1003. ReportService
background calls need the grant of their synchronous CompanyService namesake; polling a task
needs no grant. Environment_Get needs only valid credentials (it is how a domain is found).
"""

from __future__ import annotations

from dataclasses import dataclass

# Calls whose grant is looked up under another name (the template lists the CompanyService call).
_GRANT_ALIAS = {
    "ReportService.Reports_GetWageCodesByRunCompany_v2_Background":
        "Reports_GetWageCodesByRunCompany_v2",
    "ReportService.Reports_GetWageCodesByRunCompany_FilterByWageCode_Background":
        "Reports_GetWageCodesByRunCompany_FilterByWageCode",
}
_NO_GRANT_NEEDED = {"DebtorService.Environment_Get", "ReportService.Reports_BackgroundTask_Result"}
# Names on two services: a plain grant means the variant the a.s.r. grant list names.
_PLAIN_MEANS = {"WageComponentFixed_Get": "CompanyService",
                "WageComponentVar_Get": "CompanyService"}


class Denied(Exception):
    """An Nmbrs fault code plus its text."""

    def __init__(self, code: int, text: str = "Unauthorized access"):
        self.code, self.text = code, text
        super().__init__(f"{code}: {text}")


@dataclass
class Caller:
    """The authenticated account of one request."""

    account: object
    key: str


def authenticate(world, headers: dict, needs_domain: bool, strict: bool = True) -> Caller:
    """Check the auth header against the world's accounts; raise Denied(1001) on any mismatch.

    Strict (the default): an empty Domain is 1001 like a wrong one; lax mode lets it pass, as
    the vendor once announced for the v3 migration.
    """
    header = headers.get("AuthHeaderWithDomain" if needs_domain else "AuthHeader") \
        or headers.get("AuthHeaderWithDomain") or {}
    username = header.get("Username", "").strip().lower()
    account = next((a for a in world.config.accounts if a.username.lower() == username), None)
    if account is None or header.get("Token", "") != account.token:
        raise Denied(1001, "Invalid Authentication")
    domain = header.get("Domain", "").strip().lower()
    if needs_domain and (domain or strict) and domain != account.domain.lower():
        raise Denied(1001, "Invalid Authentication")
    return Caller(account, f"{account.username.lower()}@{account.domain.lower()}")


def check_grant(caller: Caller, service: str, operation: str) -> None:
    """Raise Denied(1002) when the user's template does not switch this call on."""
    qualified = f"{service}.{operation}"
    grants = caller.account.grants
    if qualified in _NO_GRANT_NEEDED or grants == "all":
        return
    name = _GRANT_ALIAS.get(qualified, operation)
    plain_ok = _PLAIN_MEANS.get(operation, service) == service or qualified in _GRANT_ALIAS
    if qualified in grants or (plain_ok and name in grants):
        return
    raise Denied(1002, "Unauthorized access")


def visible_debtors(world, caller: Caller) -> list[int]:
    """Return the debtor ids this user may see."""
    account = caller.account
    debtors = [d["Id"] for d in world.debtors(account.domain)]
    if account.mode == "umbrella":
        tag = account.required_tag
        return [d for d in debtors if not tag or
                any(t.get("Tag") == tag for t in world.debtor_tags(d))]
    return [d for d in debtors if d in set(account.debtor_ids)]


def check_debtor(world, caller: Caller, debtor_id: int) -> None:
    """Raise Denied(2009) for a debtor outside the user's scope."""
    if debtor_id not in visible_debtors(world, caller):
        raise Denied(2009)


def check_company(world, caller: Caller, company_id: int) -> None:
    """Raise Denied(2004) for a company outside the user's scope (or unknown)."""
    debtor = world.debtor_of_company(company_id)
    if debtor is None or debtor not in visible_debtors(world, caller):
        raise Denied(2004)


def check_employee(world, caller: Caller, employee_id: int) -> None:
    """Raise Denied(2003) for an employee outside the user's scope (or unknown)."""
    company = world.company_of_employee(employee_id)
    if company is None:
        raise Denied(2003)
    try:
        check_company(world, caller, company)
        world.employee(employee_id)
    except (Denied, KeyError):
        raise Denied(2003) from None
