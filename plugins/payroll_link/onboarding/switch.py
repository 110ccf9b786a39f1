"""Moving an employer between sources (SOAP → REST): match, compare, then switch.

``compare_sources`` reads one period through both sources in memory (nothing is landed): it
matches the company and every employee by personnel number, gives the REST rows the ids the SOAP
rows carry (as ``continuity`` does after the switch), and lists per entity and column which
employees differ. Columns holding a source's own ids are not compared (``SOURCE_ID_COLUMNS``).
Only names, counts and employee ids are reported: never values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from payroll_link.extraction.sources.continuity import Identities, KeepIdentities
from payroll_link.onboarding.lifecycle import Change, LifecycleError, _load, _validated

# Columns that carry a source's own ids: they differ by nature between SOAP and REST.
SOURCE_ID_COLUMNS = {"run_id", "component_id", "salary_id", "address_id", "bank_account_id",
                     "contract_id", "svw_id"}
_COMPANY = "company"


@dataclass
class Comparison:
    """The outcome of reading one period through both sources."""

    employer_id: str
    period: str
    company: dict
    matched: int = 0
    only_soap: list[int] = field(default_factory=list)  # personnel numbers
    only_rest: list[int] = field(default_factory=list)
    differences: dict[str, dict[str, list]] = field(default_factory=dict)  # entity→column→ids

    @property
    def agree(self) -> bool:
        """Return whether company, employees and canonical data all agree."""
        return (self.company["matched"] and not self.only_soap and not self.only_rest
                and not self.differences)

    def to_dict(self) -> dict:
        """Return the comparison as JSON data (ids, names and counts only)."""
        return {"employer_id": self.employer_id, "period": self.period, "agree": self.agree,
                "company": self.company, "employees_matched": self.matched,
                "only_soap": self.only_soap, "only_rest": self.only_rest,
                "differences": self.differences}


def company_match(employer, rest_client) -> dict:
    """Find the registry's REST company among the consent's companies; compare its name."""
    if employer.rest_debtor_id:
        records = rest_client.records("getCompaniesByDebtor", debtorId=employer.rest_debtor_id)
    else:
        records = rest_client.records("getCompanies")
    found = next((c for c in records if str(c.get("companyId")).lower()
                  == employer.rest_company_id), None)
    name = (found or {}).get("name")
    return {"rest_company_id": employer.rest_company_id, "found": found is not None,
            "rest_name": name, "matched": name == employer.company_name}


def read_all(source, company_id: int, period, employee_ids) -> dict[str, list[dict]]:
    """Read the period's canonical rows of every entity through one source (in memory)."""
    rows: dict[str, list[dict]] = defaultdict(list)
    runs = source.runs(company_id, period)
    rows["company_run"] += runs.rows
    for run in runs.rows:
        rows["wage_code_line"] += source.wage_codes(company_id, run, period)[0].rows
    for fetched in [*source.company_wage_components(company_id, period),
                    source.employees(company_id), source.employments(company_id),
                    source.salaries(company_id)]:
        rows[fetched.entity] += fetched.rows
    for eid in employee_ids:
        for fetched in source.employee_records(eid, company_id, period):
            rows[fetched.entity] += fetched.rows
    return dict(rows)


def identities_of(rows: dict[str, list[dict]]) -> Identities:
    """Return the ids the SOAP rows carry, as continuity keeps them after a switch."""
    return Identities(
        employees={r["number"]: r["employee_id"] for r in rows.get("employee", [])
                   if r.get("number") is not None},
        employments={(r["employee_id"], r["start_date"]): r["employment_id"]
                     for r in rows.get("employment", [])},
        children={(r["employee_id"], r["birth_date"], r["first_name"]): r["child_id"]
                  for r in rows.get("child", [])},
        partners={r["employee_id"]: r["partner_id"] for r in rows.get("partner", [])})


def differences(soap: dict[str, list[dict]], rest: dict[str, list[dict]]) -> dict:
    """Return {entity: {column: [employee ids or 'company']}} of what differs."""
    out: dict[str, dict[str, list]] = {}
    for entity in sorted(set(soap) | set(rest)):
        mine, theirs = _by_owner(rest.get(entity, [])), _by_owner(soap.get(entity, []))
        columns: dict[str, list] = defaultdict(list)
        for owner in sorted(set(mine) | set(theirs), key=str):
            for column in _differing(theirs.get(owner, []), mine.get(owner, [])):
                columns[column].append(owner)
        if columns:
            out[entity] = dict(columns)
    return out


def _by_owner(rows: list[dict]) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.get("employee_id", _COMPANY)].append(row)
    return grouped


def _differing(a: list[dict], b: list[dict]) -> list[str]:
    if len(a) != len(b):
        return ["(rows)"]
    names = sorted({k for row in a + b for k in row} - SOURCE_ID_COLUMNS)
    return [n for n in names if sorted(map(_plain, (r.get(n) for r in a)))
            != sorted(map(_plain, (r.get(n) for r in b)))]


def _plain(value) -> str:
    normalize = getattr(value, "normalize", None)  # Decimal: 200.60 equals 200.6
    return str(normalize()) if normalize else repr(value)


def compare_sources(employer, soap, rest_source_for, rest_client, period) -> Comparison:
    """Read the period through both sources and compare; ``rest_source_for(ids)`` builds REST."""
    cid = employer.nmbrs_company_id
    comparison = Comparison(employer.employer_id, period.label,
                            company_match(employer, rest_client))
    soap_people = {r["number"]: r["employee_id"] for r in soap.employees(cid).rows}
    soap_rows = read_all(soap, cid, period, sorted(soap_people.values()))
    rest = KeepIdentities(rest_source_for(identities_of(soap_rows)),
                          identities_of(soap_rows))
    rest_people = {r["number"]: r["employee_id"] for r in rest.employees(cid).rows}
    comparison.matched = len(soap_people.keys() & rest_people.keys())
    comparison.only_soap = sorted(soap_people.keys() - rest_people.keys())
    comparison.only_rest = sorted(rest_people.keys() - soap_people.keys())
    shared = sorted(soap_people[n] for n in soap_people.keys() & rest_people.keys())
    # histories of people SOAP lists no number for (left long ago) cannot be matched: both
    # sides are compared on the employees matched by personnel number
    rest_rows = read_all(rest, cid, period, shared)
    rest_rows = {**rest_rows, **_only(rest_rows, shared)}
    soap_rows = {**soap_rows, **_only(soap_rows, shared)}
    comparison.differences = differences(soap_rows, rest_rows)
    return comparison


def _only(rows: dict[str, list[dict]], employee_ids: list[int]) -> dict[str, list[dict]]:
    """Keep per-employee entities and histories to the matched employees."""
    keep = set(employee_ids)
    per_employee = ("personal_info", "address", "bank_account", "partner", "child", "contract",
                    "schedule", "svw", "employment", "salary")
    return {e: [r for r in rows.get(e, []) if r["employee_id"] in keep] for e in per_employee}


def plan_switch(path, employer_id: str, to: str) -> Change:
    """Plan the registry change that moves an employer to source ``to``."""
    registry, digest = _load(path)
    try:
        before = registry.by_id(employer_id)
    except KeyError:
        raise LifecycleError(f"switch-source: employer {employer_id!r} is not in {path}") from None
    if before.source == to:
        raise LifecycleError(f"switch-source: employer {employer_id!r} already reads {to}")
    after = _validated({**before.model_dump(mode="python"), "source": to}, "switch-source")
    employers = [after if e.employer_id == employer_id else e for e in registry.employers]
    return Change("switch_source", path, employer_id, before, after, employers, digest)
