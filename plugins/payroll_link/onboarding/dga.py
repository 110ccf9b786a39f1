"""Check the declared DGA against Nmbrs, and look for a DGA indicated in Nmbrs but not declared.

Nmbrs marks a DGA in the employee's social-insurance settings (SVW_GetCurrent): insurance
obligation influenced, and not insured for WW, ZW and WAO/WIA. The v3 shape is uncertain
(nmbrs-api.md §7.2), so fields are read case-insensitively, with PY's misspelling as well.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from nmbrs.client import NmbrsAuthError, NmbrsError
from payroll_link.onboarding.names import person_name_matches
from payroll_link.onboarding.result import FAILED, OK, SKIPPED, WARNING, Check
from payroll_link.onboarding.texts import action

WORKERS = 8  # well under Nmbrs' fair use; the client's limiter bounds the rate anyway


def dga_indicated(svw: dict | None) -> bool:
    """Tell whether SVW settings carry the DGA indication (influenced, no WW/ZW/WAO-WIA)."""
    fields = {str(key).casefold(): value for key, value in (svw or {}).items()}
    influenced = fields.get("influenceobligedinsurance", fields.get("influenceobligedinsuranced"))
    return influenced is True and all(fields.get(name) is False for name in ("ww", "zw",
                                                                              "wao_wia"))


def svw_flags(client, employees: list[dict], progress=None) -> dict[int, bool] | None:
    """Return employee number -> DGA indicated, or None when SVW_GetCurrent is not granted."""
    if not employees:
        return {}
    try:
        first = dga_indicated(client.employee.svw_get_current(employees[0]["Id"]))
    except NmbrsAuthError as err:
        if err.code == 1002:
            return None
        first = False
    flags = {employees[0]["Number"]: first}
    done = [1]

    def one(employee: dict) -> tuple[int, bool]:
        try:
            flagged = dga_indicated(client.employee.svw_get_current(employee["Id"]))
        except NmbrsError:  # one unreadable employee does not stop the scan
            flagged = False
        done[0] += 1
        if progress:
            progress(done[0], len(employees), "reading SVW settings")
        return employee["Number"], flagged

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for number, flagged in pool.map(one, employees[1:]):
            flags[number] = flags.get(number, False) or flagged
    return flags


def check_declared(client, employees: list[dict], name: str | None, number: int,
                   company_name: str) -> Check:
    """Check that employee `number` is active and that its name matches the declared name."""
    found = [employee for employee in employees if employee.get("Number") == number]
    if not found:
        return Check("dga", FAILED, f"declared DGA employee number {number} is not an active "
                     f"employee of {company_name!r}",
                     action("dga_unknown", number=number, wanted=company_name))
    if not name:
        return Check("dga", OK, f"employee {number} exists (no DGA name declared to compare)")
    try:
        info = client.employee.personal_info_get_current(found[0]["Id"]) or {}
    except NmbrsError as err:
        return Check("dga", SKIPPED, f"employee {number} exists; name not checked: {err}")
    matches = person_name_matches(name, first_name=info.get("FirstName"),
                                  initials=info.get("Initials"), prefix=info.get("Prefix"),
                                  last_name=info.get("LastName"))
    if not matches:  # the names themselves stay out of the message: personal data
        return Check("dga", FAILED, f"the declared DGA name does not match employee {number} "
                     "in Nmbrs (compared ignoring case, accents and tussenvoegsels)",
                     action("dga_name", number=number))
    return Check("dga", OK, f"employee {number} exists and the declared name matches")


def check_dga(client, company_id: int, company_name: str, employees: list[dict] | None,
              name: str | None, number: int | None, progress=None) -> list[Check]:
    """Return the DGA checks: the declared DGA, and DGA indications in the SVW settings."""
    if employees is None:
        try:
            employees = client.employee.list_get_by_company(company_id)
        except NmbrsError as err:
            return [Check("dga", SKIPPED, f"employees could not be listed: {err}")]
    checks = []
    if number is not None:
        checks.append(check_declared(client, employees, name, number, company_name))
    flags = svw_flags(client, employees, progress)
    if flags is None:
        checks.append(Check("dga_indication", SKIPPED,
                            "SVW_GetCurrent is not granted: DGA indication not checked"))
        return checks
    checks.append(_indication_check(flags, number))
    return checks


def _indication_check(flags: dict[int, bool], number: int | None) -> Check:
    flagged = sorted(n for n, is_dga in flags.items() if is_dga)
    others = [n for n in flagged if n != number]
    if number is not None and number in flags and number not in flagged:
        return Check("dga_indication", WARNING, f"declared DGA employee {number} has no DGA "
                     "indication in its SVW settings", action("dga_not_flagged", number=number,
                                                              blocking=False))
    if others:
        numbers = ", ".join(str(n) for n in others)
        what = "no DGA was declared" if number is None else f"the declared DGA is {number}"
        return Check("dga_indication", WARNING,
                     f"employee(s) {numbers} have a DGA indication in Nmbrs but {what}",
                     action("dga_undeclared", numbers=numbers, blocking=False),
                     {"indicated": others})
    return Check("dga_indication", OK, f"DGA indication consistent ({len(flags)} employees "
                 "read)")
