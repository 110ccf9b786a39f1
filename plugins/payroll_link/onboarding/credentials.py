"""Check credentials and domain, telling a wrong token from a wrong domain where Nmbrs allows it.

Every v3 call sends ``AuthHeaderWithDomain`` and answers 1001 for a bad token *or* a bad domain.
``DebtorService.Environment_Get`` authenticates with ``AuthHeader`` (no domain): when it succeeds
the token is right, and its ``SubDomain`` is the domain to use (nmbrs-api.md §2).
"""

from __future__ import annotations

from nmbrs.client import NmbrsAuthError, NmbrsError
from payroll_link.onboarding.result import FAILED, OK, WARNING, Check
from payroll_link.onboarding.texts import action


def check_credentials(client, declared_domain: str) -> list[Check]:
    """Return the credential and domain checks; a FAILED one means nothing else can run."""
    username = client.settings.username
    try:
        environment = client.debtor.environment_get() or {}
    except NmbrsAuthError as err:
        if err.code == 1001:
            return [Check("credentials", FAILED,
                          "Nmbrs rejected username and token on Environment_Get, which does not "
                          "use the domain (1001): the token or the username is wrong",
                          action("credentials", username=username))]
        return _domain_by_call(client, declared_domain, note=f"Environment_Get failed: {err}")
    except NmbrsError as err:
        return [Check("credentials", FAILED, f"could not reach Nmbrs: {err}")]
    actual = (environment.get("SubDomain") or "").strip()
    checks = [Check("credentials", OK, f"username and token of {username} are valid")]
    if actual and actual.casefold() != (declared_domain or "").strip().casefold():
        checks.append(Check(
            "domain", FAILED,
            f"the token is right but the domain is wrong: declared {declared_domain!r}, the "
            f"user's domain (Environment_Get SubDomain) is {actual!r}",
            action("domain", declared=declared_domain, actual=actual),
            {"declared": declared_domain, "actual": actual}))
        return checks
    checks.extend(_domain_by_call(client, declared_domain))
    return checks


def _domain_by_call(client, declared_domain: str, note: str = "") -> list[Check]:
    """Confirm the domain with a call that sends it (DebtorService.List_GetAll)."""
    try:
        client.debtor.list_get_all()
    except NmbrsAuthError as err:
        if err.code == 1001:
            return [Check("domain", FAILED,
                          "Nmbrs rejected the login with the domain (1001); "
                          + (note or "the domain is wrong"),
                          action("credentials_or_domain", declared=declared_domain))]
        if err.code != 1002:  # 1002: the call is not granted; the login itself worked
            return [Check("domain", FAILED, str(err))]
    except NmbrsError as err:
        return [Check("domain", FAILED, f"could not reach Nmbrs: {err}")]
    status = WARNING if note else OK
    message = f"domain {declared_domain!r} accepted" + (f" ({note})" if note else "")
    return [Check("domain", status, message)]
