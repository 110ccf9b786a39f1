"""Benchmark: quality-gate wall time for a 1,000- and a 5,000-employee period.

The periods are built without SOAP: the simulator's World data (companies 2006 and 2007) in the
client's row shapes, mapped with ``soap_map.to_rows``, loaded with ``Warehouse.load_staging`` and
published (the wage-code report is also landed raw: a rule recomputes its totals from it), in a
throw-away database that is dropped at the end. The one-time GX import is timed on its own.
Prints figures only: ``python bench/quality_gate.py [--sizes 2006 2007] [--repeat 2]``.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from payroll_link.extraction.sources.soap_map import to_rows
from payroll_link.periods import get_period
from payroll_link.quality import load_ruleset, validate_period
from payroll_link.quality.evaluate import evaluate
from payroll_link.quality.gate import _context
from payroll_link.registry import Employer
from payroll_link.warehouse import Warehouse, make_engine, scratch_database
from simulators.nmbrs_sim.dataset import World

PER_EMPLOYEE = {
    "personal_info": lambda e, clock, period: e.personal_info(clock),
    "address": lambda e, clock, period: e.addresses(clock),
    "bank_account": lambda e, clock, period: e.bank_accounts(period.number, period.year),
    "child": lambda e, clock, period: e.children(),
    "partner": lambda e, clock, period: e.partner(),
    "contract": lambda e, clock, period: e.contract_current_period(clock),
    "schedule": lambda e, clock, period: e.schedule_current(clock),
    "svw": lambda e, clock, period: e.svw_current(clock),
}


def employed_in(employments: list[dict], period) -> set[int]:
    """Return the employees with an employment overlapping the period (as the extraction does)."""
    found = set()
    for item in employments:
        for job in item["EmployeeEmployments"]:
            start, end = job["StartDate"].date(), job["EndDate"] and job["EndDate"].date()
            if start <= period.end and (end is None or end >= period.start):
                found.add(item["EmployeeId"])
    return found


def wage_rows(company, runs: list[dict], period) -> dict[int, list[dict]]:
    """Return the parsed wage-code report rows per run, as the client yields them."""
    by_run = {}
    for run in runs:
        rows = []
        for report in company.wage_code_reports(run["ID"], period.year):
            head = {"run_id": run["ID"], "employee_id": report["employeeid"],
                    "period": report["period"], "year": report["year"],
                    "run_number": report["runnumber"]}
            rows += [{**head, **line} for line in report["lines"]]
        by_run[run["ID"]] = [r for r in rows if r["period"] == period.number]
    return by_run


def period_rows(company, period, clock) -> tuple[dict[str, list[dict]], dict[int, list]]:
    """Return staging rows per entity and raw wage-code payloads per run for one period."""
    listed, employments = company.employees(clock), company.employments()
    runs = [r for r in company.runs(period.year, clock)
            if r["PeriodStart"] <= period.number <= r["PeriodEnd"]]
    reports = wage_rows(company, runs, period)
    rows: dict[str, list[dict]] = defaultdict(list)
    rows.update(employee=to_rows("employee", listed),
                employment=to_rows("employment", employments),
                salary=to_rows("salary", company.salaries()),
                company_run=to_rows("company_run", runs),
                wage_code_line=to_rows("wage_code_line", [r for v in reports.values() for r in v]))
    rows["company_wage_component"] = to_rows("company_wage_component", [
        {"kind": kind, **c} for kind in ("fixed", "var")
        for c in company.wage_components(kind, period.number, period.year)])
    staff = {row["Id"] for row in listed} | employed_in(employments, period)
    for employee_id in sorted(staff):
        employee = company.employee(employee_id)
        for entity, fetch in PER_EMPLOYEE.items():
            rows[entity] += to_rows(entity, fetch(employee, clock, period), employee_id)
    return rows, reports


def publish_period(warehouse: Warehouse, employer_id: str, company, period) -> int:
    """Load and publish one period; return the number of employees in it."""
    rows, reports = period_rows(company, period, company.plan.clock)
    xid = warehouse.begin_extraction(employer_id, period.label, period.start, period.end)
    warehouse.land_raw(xid, employer_id, period.label, [
        {"service": "ReportService", "operation": "Reports_GetWageCodesByRunCompany_v2",
         "company_id": company.id, "request_keys": {"RunId": run_id}, "payload": payload}
        for run_id, payload in reports.items()])
    for entity, entity_rows in rows.items():
        warehouse.load_staging(entity, xid, employer_id, period.label, entity_rows)
    warehouse.record(xid, status="landed")
    warehouse.publish(xid)
    return len(rows["personal_info"])


def bench_company(engine, world: World, company_id: int, repeat: int, docs: Path) -> None:
    """Build two periods of a company, then time the gate on the later one."""
    company = world.company(company_id)
    employer = Employer(
        employer_id=f"bench_{company_id}", asr_reference="ASR-BENCH", company_name="bench",
        nmbrs_company_id=company_id, nmbrs_debtor_id=1, account_mode="per_debtor",
        nmbrs_conn_id="nmbrs_bench", domain="bench", frequency="monthly", dga=None,
        product="pension", status="registered")
    ruleset = load_ruleset("pension")
    settings = ruleset.defaults.model_copy(update={"fulltime_hours": Decimal(36)})
    ruleset = ruleset.model_copy(update={"employers": {employer.employer_id: settings}})
    warehouse = Warehouse(engine)
    started = time.perf_counter()
    publish_period(warehouse, employer.employer_id, company, get_period("monthly", 2026, 9))
    period = get_period("monthly", 2026, 10)
    staff = publish_period(warehouse, employer.employer_id, company, period)
    print(f"company {company_id}: {staff:,} employees in {period.label}; built and published "
          f"2 periods in {time.perf_counter() - started:.1f} s")
    xid = warehouse.published_extraction(employer.employer_id, period.label)
    for attempt in range(1, repeat + 1):
        started = time.perf_counter()
        summary = validate_period(engine, employer, xid, period, docs, ruleset=ruleset)
        gate = time.perf_counter() - started
        started = time.perf_counter()
        evaluate(engine, ruleset.rules, _context(engine, employer, xid, period, ruleset))
        own = time.perf_counter() - started
        print(f"  gate run {attempt}: {gate:.2f} s wall ({len(summary['rules'])} rules, "
              f"{summary['errors']} error / {summary['warnings']} warning rules failed); "
              f"of which the gate's own SQL ~{own:.2f} s, GX checkpoint + Data Docs the rest")


def main() -> None:
    """Create a scratch database, run the benchmark, drop the database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, nargs="+", default=[2006, 2007])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    import great_expectations  # noqa: F401 - the one-time import cost, measured on its own

    print(f"one-time GX import: {time.perf_counter() - started:.1f} s")
    with scratch_database("koppeling_bench") as url:
        engine = make_engine(url)
        try:
            with tempfile.TemporaryDirectory(prefix="quality_docs_") as docs:
                for company_id in args.companies:
                    bench_company(engine, World(), company_id, args.repeat, Path(docs))
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
