"""Nmbrs' active employees of a company with name and birth date (the BSN is dropped on arrival)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from nmbrs.client.services import as_date

WORKERS = 8


@dataclass(frozen=True)
class RosterEntry:
    """One active employee as Nmbrs holds them: ids, name parts, birth date."""

    employee_id: int
    number: int
    display_name: str
    first_name: str | None
    initials: str | None
    prefix: str | None
    last_name: str | None
    birth_date: dt.date | None

    @property
    def name(self) -> str:
        """Return the name as Nmbrs shows it in lists."""
        return self.display_name or " ".join(
            part for part in (self.first_name, self.prefix, self.last_name) if part)


def active_roster(client, company_id: int, progress=None) -> list[RosterEntry]:
    """Return the company's active employees (List_GetByCompany + PersonalInfo_GetCurrent)."""
    employees = client.employee.list_get_by_company(company_id)
    done = [0]

    def one(employee: dict) -> RosterEntry:
        info = client.employee.personal_info_get_current(employee["Id"]) or {}
        done[0] += 1
        if progress:
            progress(done[0], len(employees), "reading employees from Nmbrs")
        return RosterEntry(
            employee_id=int(employee["Id"]), number=int(employee["Number"]),
            display_name=employee.get("DisplayName") or info.get("DisplayName") or "",
            first_name=info.get("FirstName"), initials=info.get("Initials"),
            prefix=info.get("Prefix"), last_name=info.get("LastName"),
            birth_date=as_date(info.get("Birthday")))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        roster = list(pool.map(one, employees))
    return sorted(roster, key=lambda entry: (entry.number, entry.employee_id))


def employees_file_rows(roster: list[RosterEntry]) -> list[tuple[str, dt.date | None, int]]:
    """Return (Naam, Geboortedatum, Personeelsid) rows for the employees file."""
    return [(entry.name, entry.birth_date, entry.number) for entry in roster]


def intake_from_nmbrs(client, company_id: int, path, progress=None):
    """Read the employees file, fetch the active roster and reconcile them.

    Raises EmployeesFileError before any Nmbrs call when the file cannot be used at all.
    """
    from payroll_link.onboarding.employees_file import read_employees_file
    from payroll_link.onboarding.intake import reconcile  # here: intake imports this module

    upload = read_employees_file(path)
    return reconcile(upload, active_roster(client, company_id, progress), company_id)
