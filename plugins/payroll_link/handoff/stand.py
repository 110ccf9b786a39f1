"""Stands: one participant record per employment per payroll period, from published rows.

Pure domain code (rows in, dicts out; no I/O). An employment gets a stand in a period when it
overlaps the period (start on or before the period end, no end or an end on or after its start).
Each stand describes the employment on its *reference date*: the period's last day, or the
employment's end date when it ends inside the period. An end date after the period (an exit
keyed in ahead) is not shown yet: the stand carries an end date only once the employment has
ended on or before the period end (UPA's DatEind rule, pension-handoff.md DQ9), so the exit is
reported in the period it falls in. The stand is the superset record of
``fields.CATALOGUE``; ``fields.project`` then keeps the product's field set.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from payroll_link.handoff.errors import HandoffDataError
from payroll_link.handoff.pension_base import pension_base_block
from payroll_link.handoff.stand_pay import (
    contract_block,
    covering,
    days_in_service,
    pensionable_block,
    salary_block,
    wage_hours,
)
from payroll_link.handoff.values import iso
from payroll_link.quality.nl import normalise_postcode

DGA_INCOME_RELATIONSHIP = 17  # SrtIV 17: DGA, not insured for the employee insurances
_PER_EMPLOYEE = ("personal_info", "address", "contract", "schedule", "salary", "svw", "partner",
                 "child", "wage_code_line", "employment")


@dataclass
class PeriodInputs:
    """The published rows of one (employer, period) plus the quality warnings per employee."""

    rows: dict[str, list[dict]]
    warnings: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def by_employee(self) -> dict[str, dict[int, list[dict]]]:
        """Group the per-employee entities by employee id (one pass over the rows)."""
        grouped: dict[str, dict[int, list[dict]]] = {}
        for entity in _PER_EMPLOYEE:
            index: dict[int, list[dict]] = defaultdict(list)
            for row in self.rows.get(entity, ()):
                index[row["employee_id"]].append(row)
            grouped[entity] = index
        return grouped


def employments_in(employments: Iterable[dict], start: dt.date, end: dt.date) -> list[dict]:
    """Return the valid employments overlapping [start, end], ordered by employee and id."""
    hits = [e for e in employments if e.get("start_date") and e["start_date"] <= end
            and (e.get("end_date") is None or e["end_date"] >= max(start, e["start_date"]))]
    return sorted(hits, key=lambda e: (e["employee_id"], e["employment_id"]))


def build_stands(inputs: PeriodInputs, employer, period, settings) -> list[dict]:
    """Return the period's stands (superset record), ordered by employee and employment id."""
    grouped = inputs.by_employee()
    person_of = {e: rows[0] for e, rows in grouped["personal_info"].items()}
    jobs = employments_in(inputs.rows.get("employment", ()), period.start, period.end)
    missing = sorted({job["employee_id"] for job in jobs} - set(person_of))
    if missing:
        raise HandoffDataError(
            f"{employer.employer_id} {period.label}: no personal data published for employees "
            f"{missing[:10]}{' …' if len(missing) > 10 else ''}; the stand set would be "
            "incomplete", employer_id=employer.employer_id, period=period.label)
    context = _Context(employer, period, settings, grouped, inputs.warnings)
    return [context.stand(job, person_of[job["employee_id"]]) for job in jobs]


@dataclass
class _Context:
    employer: object
    period: object
    settings: object
    grouped: dict[str, dict[int, list[dict]]]
    warnings: dict[int, tuple[str, ...]]

    def rows(self, entity: str, employee_id: int) -> list[dict]:
        return self.grouped[entity].get(employee_id, [])

    def contract(self, eid: int, contracts: list[dict], lines: list[dict], ref: dt.date,
                 days: int) -> dict:
        return contract_block(contracts, _first(self.rows("schedule", eid)),
                              wage_hours(lines, self.settings.hours_wage_code), ref, days,
                              self.settings.full_time_hours_per_week)

    def stand(self, job: dict, person: dict) -> dict:
        """Return the superset stand of one employment."""
        eid, period, settings = job["employee_id"], self.period, self.settings
        ended = job.get("end_date") is not None and job["end_date"] <= period.end
        ref = job["end_date"] if ended else period.end
        lines, contracts = self.rows("wage_code_line", eid), self.rows("contract", eid)
        days = days_in_service(period, job)
        contract = self.contract(eid, contracts, lines, ref, days[0])
        svw_row = _first(self.rows("svw", eid))
        svw = svw_block(svw_row)
        # NumIV: the covering contract's, else the SVW snapshot's (pension-handoff.md §3.1).
        sequence = (covering(contracts, ref) or svw_row or {}).get("employment_sequence_tax_id")
        pensionable = pensionable_block(settings.scheme_id, settings.scheme, lines,
                                        period.frequency)
        dga = is_dga(self.employer, person, svw)
        base = pension_base_block(settings, period, pensionable, contract, days, dga)
        return {
            "employee_id": eid,
            "employment_id": job["employment_id"],
            "identity": identity_block(person),
            "address": address_block(self.rows("address", eid)),
            "employment": employment_block(job, sequence, ended, days),
            "contract": contract,
            "salary": salary_block(self.rows("salary", eid), ref, job["start_date"], contract,
                                   period.frequency),
            "pensionable": pensionable,
            "pension_base": base,
            "svw": svw,
            "dga": dga,
            "partner": partner_block(_first(self.rows("partner", eid)), ref),
            "children": children_block(self.rows("child", eid), ref),
            "quality_warnings": list(self.warnings.get(eid, ())),
        }


def _first(rows: list[dict]) -> dict | None:
    return rows[0] if rows else None


def identity_block(person: dict) -> dict:
    """Return identity: personnel number, BSN, name parts, birth date and gender."""
    return {
        "personnel_number": person.get("number") or person.get("employee_number"),
        "bsn": person.get("bsn"),
        "initials": person.get("initials"),
        "first_name": person.get("first_name"),
        "prefix": person.get("prefix") or None,
        "last_name": person.get("last_name"),
        "birth_date": iso(person.get("birth_date")),
        "gender": person.get("gender"),
    }


def address_block(addresses: list[dict]) -> dict | None:
    """Return the home address: the default one, else the home type, else the lowest id."""
    if not addresses:
        return None
    row = min(addresses, key=lambda a: (not a.get("is_default"),
                                        a.get("address_type") != "HomeAddress", a["address_id"]))
    country = country_code(row.get("country_iso_code"))
    code = row.get("postal_code")
    return {
        "street": row.get("street"),
        "house_number": row.get("house_number"),
        "house_number_addition": row.get("house_number_addition") or None,
        # DQ4: a Dutch postcode goes out as 1234AB (no space, upper case); foreign ones as given
        "postal_code": (normalise_postcode(code) or None) if country == "NL"
        else (code.strip() or None if code else None),
        "city": row.get("city"),
        "country": country,
    }


def country_code(value: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code (upper case); empty means NL, as Nmbrs defaults it.

    Anything else than two letters is no country code a.s.r. can read: None (the quality gate's
    address.house_number rule already refuses a foreign address without a 2-letter code).
    """
    text = (value or "").strip().upper()
    if not text:
        return "NL"
    return text if len(text) == 2 and text.isalpha() and text.isascii() else None


def employment_block(job: dict, sequence: int | None, ended: bool,
                     days: tuple[int, int]) -> dict:
    """Return the employment: dates, end reason (not in Nmbrs' employment data), NumIV and the
    calendar days of the period it covers (fewer than the period's days: a partial period)."""
    return {
        "start_date": iso(job["start_date"]),
        "end_date": iso(job["end_date"]) if ended else None,
        "end_reason": None,  # Employment_GetAll has no reason; CdRdnEindArbov is a known gap
        "initial_start_date": iso(job.get("initial_start_date")),
        "income_relationship_number": sequence,
        "days_in_service": days[0],
        "days_in_period": days[1],
    }


def svw_block(row: dict | None) -> dict | None:
    """Return the SVW indications (income relationship type, insurances, sector, CAO)."""
    if row is None:
        return None
    return {
        "income_relationship_type": row.get("employment_type"),
        "insured_wao_wia": row.get("wao_wia"),
        "insured_ww": row.get("ww"),
        "insured_zw": row.get("zw"),
        "zvw_code": row.get("code_zvw"),
        "cao_code": row.get("code_cao"),
        "sector": row.get("sector"),
        "risk_group": row.get("risk_group"),
        "phase_classification": row.get("phase_classification"),
        "influence_obliged_insurance": row.get("influence_obliged_insurance"),
    }


def is_dga(employer, person: dict, svw: dict | None) -> bool:
    """Tell whether this is the DGA: the registry's DGA number, or SrtIV 17 in the SVW data."""
    dga = getattr(employer, "dga", None)
    number = person.get("number") or person.get("employee_number")
    if dga is not None and number == dga.employee_number:
        return True
    return bool(svw and svw["income_relationship_type"] == DGA_INCOME_RELATIONSHIP)


def partner_block(row: dict | None, ref: dt.date) -> dict | None:
    """Return the partner registered on the reference date, or None."""
    if row is None or (row.get("start_date") and row["start_date"] > ref):
        return None
    return {"partner_id": row["partner_id"], "first_name": row.get("first_name"),
            "initials": row.get("initials"), "name": row.get("partner_name"),
            "gender": row.get("gender"), "birth_date": iso(row.get("birth_date")),
            "start_date": iso(row.get("start_date"))}


def children_block(rows: list[dict], ref: dt.date) -> list[dict]:
    """Return the children born on or before the reference date, oldest first."""
    born = [r for r in rows if r.get("birth_date") is None or r["birth_date"] <= ref]
    born.sort(key=lambda r: (r.get("birth_date") or dt.date.min, r["child_id"]))
    return [{"child_id": r["child_id"], "first_name": r.get("first_name"),
             "initials": r.get("initials"), "name": r.get("name"), "gender": r.get("gender"),
             "birth_date": iso(r.get("birth_date"))} for r in born]
