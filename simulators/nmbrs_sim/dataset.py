"""The simulated Nmbrs world: domains, debtors and companies, with company data built lazily."""

from __future__ import annotations

import threading

from .dataset_company import CompanyData, company_row
from .dataset_employee import EmployeeData
from .dataset_periods import derive_seed, period_bounds, period_of
from .dataset_plan import split_employee_id
from .world import CompanyConfig, DebtorConfig, WorldConfig

__all__ = ["CompanyData", "EmployeeData", "World", "WorldConfig", "period_bounds", "period_of"]


class World:
    """Deterministic Nmbrs data for a WorldConfig; the SOAP server reads everything from here."""

    def __init__(self, config: WorldConfig | None = None) -> None:
        self.config = config or WorldConfig()
        self._debtors: dict[int, tuple[DebtorConfig, str]] = {}
        self._companies: dict[int, tuple[CompanyConfig, int]] = {}
        for env in self.config.environments:
            for debtor in env.debtors:
                self._debtors[debtor.id] = (debtor, env.domain)
                for company in debtor.companies:
                    self._companies[company.id] = (company, debtor.id)
        self._tag_numbers = self._number_tags()
        self._built: dict[int, CompanyData] = {}
        self._lock = threading.Lock()

    def _number_tags(self) -> dict[str, int]:
        """Number every distinct tag once, in config order (DebtorTag.Number)."""
        numbers: dict[str, int] = {}
        for debtor, _ in self._debtors.values():
            for tag in debtor.tags:
                numbers.setdefault(tag, len(numbers) + 1)
        return numbers

    def environments(self) -> list[str]:
        """Return the domains of all environments."""
        return [env.domain for env in self.config.environments]

    def debtors(self, domain: str) -> list[dict]:
        """Return the Debtor dicts of a domain ([] for an unknown domain)."""
        return [
            {"Id": debtor.id, "Number": debtor.number, "Name": debtor.name}
            for debtor, dom in self._debtors.values() if dom == domain
        ]

    def debtor_tags(self, debtor_id: int) -> list[dict]:
        """Return Tags_Get: the DebtorTag dicts of a debtor ([] if unknown)."""
        debtor = self._debtors.get(debtor_id)
        if debtor is None:
            return []
        return [
            {"Number": self._tag_numbers[tag], "HexColor": _tag_colour(tag), "Tag": tag}
            for tag in debtor[0].tags
        ]

    def debtor_of_company(self, company_id: int) -> int | None:
        """Return the debtor id owning a company, or None."""
        found = self._companies.get(company_id)
        return found[1] if found else None

    def domain_of_debtor(self, debtor_id: int) -> str | None:
        """Return the domain a debtor lives in, or None."""
        found = self._debtors.get(debtor_id)
        return found[1] if found else None

    def companies(self, debtor_id: int | None = None, domain: str | None = None) -> list[dict]:
        """Return Company dicts, optionally only those of one debtor and/or one domain."""
        return [
            company_row(cfg)
            for cfg, owner in self._companies.values()
            if (debtor_id is None or owner == debtor_id)
            and (domain is None or self.domain_of_debtor(owner) == domain)
        ]

    def company_config(self, company_id: int) -> CompanyConfig:
        """Return the configuration of a company; KeyError if unknown."""
        return self._companies[company_id][0]

    def company(self, company_id: int) -> CompanyData:
        """Return a company's data, building its plan on first use; KeyError if unknown."""
        built = self._built.get(company_id)
        if built is None:
            cfg = self._companies[company_id][0]
            with self._lock:
                built = self._built.get(company_id)
                if built is None:
                    built = CompanyData(cfg, self.config.seed, self.config.clock)
                    self._built[company_id] = built
        return built

    def employee(self, employee_id: int) -> EmployeeData:
        """Return one employee; KeyError if no company has it."""
        company_id = self.company_of_employee(employee_id)
        if company_id is None:
            raise KeyError(employee_id)
        return self.company(company_id).employee(employee_id)

    def company_of_employee(self, employee_id: int) -> int | None:
        """Return the company of an employee id from the id scheme, without generating data."""
        company_id, n = split_employee_id(employee_id)
        found = self._companies.get(company_id)
        if found is None or not 1 <= n <= found[0].employee_count:
            return None
        return company_id


def _tag_colour(tag: str) -> str:
    """Give a tag a stable colour, as a user would have picked one."""
    return f"#{derive_seed('tag', tag) % 0x1000000:06X}"
