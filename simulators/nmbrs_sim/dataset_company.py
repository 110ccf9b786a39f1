"""CompanyData: one company's Nmbrs v3 results, with employees generated on first use."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from .dataset_employee import EmployeeData
from .dataset_periods import (
    TIJDVAK,
    at_midnight,
    money,
    period_bounds,
    period_code,
    period_of,
    rng_for,
)
from .dataset_plan import CompanyPlan, employee_id_of, make_plan, split_employee_id
from .dataset_wages import (
    CORRECTION_PERIOD,
    Run,
    company_components,
    correction_lines,
    employee_lines,
    run_table,
    runs_until,
)
from .world import CompanyConfig

SALARY_TYPE_FULLTIME = 1  # SalaryType ordinal of Bruto_Salaris_Fulltime


def company_row(cfg: CompanyConfig) -> dict:
    """Return the Company dict of List_GetAll / List_GetByDebtor (§7.1 order)."""
    return {
        "ID": cfg.id, "Number": cfg.number, "Name": cfg.name, "PhoneNumber": cfg.phone,
        "FaxNumber": None, "Email": cfg.email, "Website": cfg.website,
        "LoonaangifteTijdvak": TIJDVAK[cfg.frequency], "KvkNr": cfg.kvk,
    }


class CompanyData:
    """One company: its plan is fixed at construction, employees are generated when asked for."""

    def __init__(self, cfg: CompanyConfig, seed: int, clock: date) -> None:
        self.config = cfg
        self.seed = seed
        self.plan: CompanyPlan = make_plan(cfg, seed, clock)
        self.id = cfg.id
        self.frequency = cfg.frequency
        self.fulltime_hours: Decimal = cfg.fulltime_hours
        self.dga_employee_number = cfg.dga_employee_number
        self.profile = cfg.profile
        self._employees: dict[int, EmployeeData] = {}
        self._lock = threading.Lock()

    def employee_ids(self) -> list[int]:
        """Return the ids of every employee the company ever had."""
        return [employee_id_of(self.id, n) for n in range(1, self.config.employee_count + 1)]

    def employee(self, employee_id: int) -> EmployeeData:
        """Return one employee, generating it on first use; KeyError if it is not ours."""
        company_id, n = split_employee_id(employee_id)
        if company_id != self.id or not 1 <= n <= self.config.employee_count:
            raise KeyError(employee_id)
        found = self._employees.get(n)
        if found is None:
            with self._lock:
                found = self._employees.setdefault(n, EmployeeData(self.plan, n))
        return found

    def all_employees(self) -> list[EmployeeData]:
        """Return every employee, ordered by id."""
        return [self.employee(eid) for eid in self.employee_ids()]

    def seeded_defects(self) -> dict[str, int]:
        """Return defect name -> employee id of the dirty profile ({} for a clean company).

        invalid_bsn: BSN fails the 11-proef. missing_birth_date: Birthday is None.
        negative_salary: a negative Salary_V2 from the previous period on.
        employment_end_before_start: a cancelled first employment ends before it starts
        (a valid one follows).
        duplicate_personnel_id: shares its Number with a colleague who stays employed.
        dga_not_flagged: the declared DGA has no DGA indication in its SVW settings.
        bad_postcode: the current home address has a wrong Dutch postcode.
        """
        return {name: employee_id_of(self.id, n) for name, n in self.plan.defects.items()}

    def current_period(self, clock: date) -> str:
        """Return Company_GetCurrentPeriod: the period containing `clock`, e.g. "2026-11-M"."""
        return period_code(self.frequency, *period_of(self.frequency, clock))

    def runs(self, year: int, clock: date) -> list[dict]:
        """Return Run_GetList: the RunInfo of every run of `year` done before `clock`."""
        return [run.info() for run in runs_until(self.config, self.seed, year, clock)]

    def run(self, run_id: int, year: int, clock: date | None = None) -> Run:
        """Return one run of a year that happened before `clock`; KeyError otherwise."""
        for run in runs_until(self.config, self.seed, year, clock or self.plan.clock):
            if run.id == run_id:
                return run
        raise KeyError(run_id)

    def wage_code_reports(self, run_id: int, year: int, wage_code: int | None = None,
                          clock: date | None = None) -> list[dict]:
        """Return the wage-code report of a run: one report per employee paid in it."""
        run = self.run(run_id, year, clock)
        pairs = self._correction_pairs(year) if run.correction else self._regular_pairs(run)
        reports = []
        for employee, lines in pairs:
            lines = [line for line in lines if wage_code is None or line["code"] == wage_code]
            if lines:
                reports.append({"employeeid": employee.id, "period": run.period, "year": year,
                                "runnumber": run.number, "lines": lines})
        return reports

    def _regular_pairs(self, run: Run) -> list[tuple[EmployeeData, list[dict]]]:
        pairs = ((e, employee_lines(e, run.year, run.period)) for e in self.all_employees())
        return [(e, lines) for e, lines in pairs if lines is not None]

    def _correction_pairs(self, year: int) -> list[tuple[EmployeeData, list[dict]]]:
        """Pick a few employees paid in period 3 and correct their salary by a small amount."""
        first, last = period_bounds(self.frequency, year, CORRECTION_PERIOD)
        paid = [e for e in self.all_employees() if e.timeline.employment_in(first, last)]
        rng = rng_for(self.seed, self.id, "correction", year)
        picked = sorted(rng.sample(paid, min(3, len(paid))), key=lambda e: e.id)
        pairs = []
        for employee in picked:
            amount = money(rng.uniform(15, 150)) * (-1 if rng.random() < 0.3 else 1)
            pairs.append((employee, correction_lines(employee, amount)))
        return pairs

    def all_runs(self, year: int) -> list[Run]:
        """Return every run of a year regardless of the clock (for tests and tooling)."""
        return run_table(self.config, self.seed, year)

    def wage_components(self, kind: str, period: int, year: int) -> list[dict]:
        """Return company-level WageComponent dicts; kind is "fixed" or "var"."""
        return company_components(self.config, self.seed, kind, period, year)

    def employees(self, clock: date) -> list[dict]:
        """Return List_GetByCompany: employees employed at or after the current period's start."""
        first, last = period_bounds(self.frequency, *period_of(self.frequency, clock))
        return [
            {"Id": e.id, "Number": e.number, "DisplayName": e.person.display_name}
            for e in self.all_employees()
            if e.timeline.active_from(first)
            and any(job.valid and job.start <= last for job in e.timeline.employments)
        ]

    def employments(self) -> list[dict]:
        """Return Employment_GetAll_AllEmployeesByCompany: full history of every employee."""
        return [
            {"EmployeeId": e.id, "EmployeeEmployments": [
                {"EmploymentId": job.id, "CreationDate": job.created,
                 "StartDate": at_midnight(job.start), "EndDate": at_midnight(job.end),
                 "InitialStartDate": at_midnight(job.initial_start)}
                for job in e.timeline.employments
            ]}
            for e in self.all_employees()
        ]

    def salaries(self) -> list[dict]:
        """Return Salary_GetAll_AllEmployeesByCompany: full Salary_V2 history of every employee."""
        return [
            {"EmployeeId": e.id, "EmployeeSalaries": [
                {"ID": e.id * 100 + i, "Value": change.value, "Type": SALARY_TYPE_FULLTIME,
                 "SalaryTable": None, "StartDate": at_midnight(change.start),
                 "CreationDate": change.created}
                for i, change in enumerate(e.timeline.salaries, start=1)
            ]}
            for e in self.all_employees()
        ]
