"""Find a company by its literal name among the companies an API user can see, and its debtor."""

from __future__ import annotations

from dataclasses import dataclass

from nmbrs.client import NmbrsAuthError, NmbrsError
from payroll_link.onboarding.names import how_names_differ, near_matches
from payroll_link.onboarding.result import FAILED, OK, Check
from payroll_link.onboarding.texts import action

FREQUENCIES = {"Month": "monthly", "Week4": "four_weekly"}  # Company.LoonaangifteTijdvak


@dataclass(frozen=True)
class CompanyRef:
    """A company as found in Nmbrs: id, literal name, debtor (None if unknown), frequency."""

    company_id: int
    name: str
    debtor_id: int | None
    frequency: str | None

    def to_dict(self) -> dict:
        """Return the reference as plain JSON data."""
        return {"company_id": self.company_id, "name": self.name, "debtor_id": self.debtor_id,
                "frequency": self.frequency}


class DiscoveryError(Exception):
    """The API user may not list debtors or companies; carries the failed check."""

    def __init__(self, check: Check):
        super().__init__(check.message)
        self.check = check


def visible_companies(client, progress=None) -> list[CompanyRef]:
    """Return every company the user can see, with its debtor where the API tells it."""
    try:
        debtors = client.debtor.list_get_all()
    except NmbrsAuthError as err:
        if err.code != 1002:
            raise DiscoveryError(Check("company", FAILED, str(err))) from err
        return [_ref(row, None) for row in _companies_without_debtor(client)]
    found: list[CompanyRef] = []
    for index, debtor in enumerate(debtors, start=1):
        if progress:
            progress(index, len(debtors), "listing companies per debtor")
        try:
            rows = client.company.list_get_by_debtor(debtor["Id"])
        except NmbrsError as err:
            raise DiscoveryError(_discovery_failed("CompanyService.List_GetByDebtor", err)) \
                from err
        found.extend(_ref(row, debtor["Id"]) for row in rows)
    return found


def _companies_without_debtor(client) -> list[dict]:
    try:
        return client.company.list_get_all()
    except NmbrsError as err:
        raise DiscoveryError(_discovery_failed("CompanyService.List_GetAll", err)) from err


def _discovery_failed(call: str, err: NmbrsError) -> Check:
    if isinstance(err, NmbrsAuthError) and err.code == 1002:
        return Check("company", FAILED, f"{call} is not granted (1002): {err}",
                     action("discovery", call=call))
    return Check("company", FAILED, f"listing companies failed: {err}")


def _ref(row: dict, debtor_id: int | None) -> CompanyRef:
    return CompanyRef(int(row["ID"]), row.get("Name") or "", debtor_id,
                      FREQUENCIES.get(row.get("LoonaangifteTijdvak") or ""))


def find_company(wanted: str, companies: list[CompanyRef], *, umbrella: bool,
                 username: str) -> tuple[CompanyRef | None, Check]:
    """Return the company named exactly `wanted`, or None with a check naming near matches."""
    exact = [company for company in companies if company.name == wanted]
    if len(exact) == 1:
        company = exact[0]
        where = f" of debtor {company.debtor_id}" if company.debtor_id else ""
        return company, Check("company", OK,
                              f"found {wanted!r} as company {company.company_id}{where}",
                              details={"company_id": company.company_id})
    if exact:
        ids = ", ".join(str(company.company_id) for company in exact)
        return None, Check("company", FAILED, f"{len(exact)} visible companies are named "
                           f"{wanted!r} (ids {ids})",
                           action("company_ambiguous", count=len(exact), wanted=wanted, ids=ids))
    suggestions = near_matches(wanted, [company.name for company in companies])
    if suggestions:
        found = suggestions[0]
        return None, Check(
            "company", FAILED,
            f"no company is named exactly {wanted!r}; did you mean {found!r} "
            f"({how_names_differ(wanted, found)})?",
            action("company_near", wanted=wanted, found=found), {"suggestions": suggestions})
    key = "company_missing_umbrella" if umbrella else "company_missing"
    reason = (" (an umbrella account sees only debtors tagged 'a.s.r. salariskoppeling')"
              if umbrella else "")
    return None, Check("company", FAILED,
                       f"no visible company is named {wanted!r} or anything close{reason}",
                       action(key, wanted=wanted, username=username))
