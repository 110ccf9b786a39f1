"""Stable UUIDs for the world's integer ids, and the way back.

Every REST id is ``uuid5(NAMESPACE, "<kind>:<numeric id>")``; the namespace itself is
``uuid5(NAMESPACE_URL, "nmbrs-simulator")``. The same world id always gives the same UUID, so a
test (or a person) can compute the REST id of a SOAP id by hand.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "nmbrs-simulator")


@lru_cache(maxsize=200_000)
def rest_id(kind: str, number: int | str) -> str:
    """Return the REST UUID (as a string) of a world id of one kind, e.g. ("company", 2001)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{number}"))


class IdIndex:
    """Reverse lookups for the ids a request may carry: debtors, companies, employees, runs."""

    def __init__(self, world):
        self.world = world
        self.debtors = {rest_id("debtor", d): d for d in _debtor_ids(world)}
        self.companies = {rest_id("company", c["ID"]): c["ID"] for c in world.companies()}
        self._employees: dict[int, dict[str, int]] = {}

    def debtor(self, value: str) -> int | None:
        """Return the debtor id of a REST debtorId, or None."""
        return self.debtors.get(value.lower())

    def company(self, value: str) -> int | None:
        """Return the company id of a REST companyId, or None."""
        return self.companies.get(value.lower())

    def employee(self, company_id: int, value: str) -> int | None:
        """Return the employee id of a REST employeeId within a company, or None."""
        index = self._employees.get(company_id)
        if index is None:
            data = self.world.company(company_id)
            index = {rest_id("employee", e): e for e in data.employee_ids()}
            self._employees[company_id] = index
        return index.get(value.lower())

    def run(self, company_id: int, value: str, years: range) -> tuple[int, int] | None:
        """Return (run id, year) of a REST payrollRunId among a company's runs of some years."""
        data = self.world.company(company_id)
        for year in years:
            for run in data.all_runs(year):
                if rest_id("run", run.id) == value.lower():
                    return run.id, year
        return None


def _debtor_ids(world) -> list[int]:
    return [d.id for env in world.config.environments for d in env.debtors]
