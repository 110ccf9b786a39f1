"""Synthetic published rows (staging columns) for the pure handoff tests: invented people.

BSNs pass the 11-proef but are made up; names and addresses are invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from payroll_link.handoff.config import load_config
from payroll_link.handoff.stand import PeriodInputs
from payroll_link.periods import get_period
from payroll_link.registry import Dga, Employer

D = Decimal
MONTH = get_period("monthly", 2026, 10)


def bsn(seed: int) -> str:
    """Return a made-up 9-digit number that passes the 11-proef."""
    for candidate in range(10_000_000 + seed * 37, 10_000_000 + seed * 37 + 1000):
        digits = [int(c) for c in f"{candidate:08d}"]
        rest = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11
        if rest < 10:
            return f"{candidate:08d}{rest}"
    raise AssertionError("no 11-proef number")


def employer(employer_id: str = "synthetic_bv", product: str = "pension", dga: int | None = 1,
             frequency: str = "monthly") -> Employer:
    """Return a registry Employer for tests."""
    return Employer(employer_id=employer_id, asr_reference="ASR-WG-999001",
                    company_name="Synthetisch Bedrijf B.V.", nmbrs_company_id=9001,
                    nmbrs_debtor_id=9101, account_mode="per_debtor", nmbrs_conn_id="nmbrs_test",
                    domain="test", frequency=frequency,
                    dga=Dga(name="Directeur", employee_number=dga) if dga else None,
                    product=product, status="registered")


def settings(emp: Employer | None = None, hours: int = 38, **options):
    """Return the resolved handoff settings of a test employer (full-time week 38 h)."""
    emp = emp or employer()
    config = load_config().with_employer(emp.employer_id, full_time_hours_per_week=hours,
                                         **options)
    return config.settings_for(emp)


def employee(eid: int, *, start=dt.date(2020, 1, 1), end=None, hours="38.00", salary="3000.00",
             salary_start=dt.date(2026, 1, 1), contract_start=None, partner=False,
             children=(), svw_type=15, address="Verzonnenstraat") -> dict[str, list[dict]]:
    """Return the rows of one employee with one employment, keyed by entity."""
    job = eid * 10 + 1
    return {
        "employment": [{"employee_id": eid, "employment_id": job, "creation_date": start,
                        "start_date": start, "end_date": end, "initial_start_date": start}],
        "personal_info": [{"employee_id": eid, "number": eid - 100, "employee_number": eid - 100,
                           "bsn": bsn(eid), "first_name": f"Voornaam{eid}", "initials": "V.",
                           "prefix": "van", "last_name": f"Achternaam{eid}", "gender": "female",
                           "nationality_code": 1, "birth_date": dt.date(1980, 5, eid % 28 + 1),
                           "deceased_date": None, "partner_prefix": None,
                           "partner_last_name": None, "naamstelling": "E",
                           "creation_date": start}],
        "address": [{"employee_id": eid, "address_id": eid * 3, "is_default": True,
                     "street": address, "house_number": str(eid), "house_number_addition": None,
                     "postal_code": "1234AB", "city": "Utrecht", "state_province": None,
                     "country_iso_code": "NL", "address_type": "HomeAddress"}],
        "contract": [{"employee_id": eid, "contract_id": eid * 100 + 1, "creation_date": start,
                      "start_date": contract_start or start, "trial_period_end": None,
                      "end_date": None, "employment_type": 1, "employment_sequence_tax_id": 1,
                      "indefinite": True, "phase_classification": 0, "written_contract": True,
                      "hours_per_week": D(hours)}],
        "salary": [{"employee_id": eid, "salary_id": eid * 100 + 1, "value": D(salary),
                    "salary_type": 1, "salary_table_code": None, "start_date": salary_start,
                    "creation_date": salary_start}],
        "svw": [{"employee_id": eid, "svw_id": eid, "influence_obliged_insurance": False,
                 "wage_cost_benefit": False, "code_cao": 210, "wao_wia": True, "ww": True,
                 "zw": True, "income_related_contribution_zvw": True, "code_zvw": 1,
                 "risk_group": 1, "sector": 11, "employment_type": svw_type,
                 "phase_classification": 0, "employment_sequence_tax_id": 1}],
        "partner": ([{"employee_id": eid, "partner_id": eid * 7, "partner_name": "Partner",
                      "first_name": "Sam", "initials": "S.", "gender": "male",
                      "birth_date": dt.date(1981, 1, 1), "start_date": dt.date(2010, 1, 1)}]
                    if partner else []),
        "child": [{"employee_id": eid, "child_id": eid * 11 + n, "name": f"Achternaam{eid}",
                   "first_name": f"Kind{n}", "initials": "K.", "gender": "male",
                   "birth_date": born} for n, born in enumerate(children, start=1)],
        "wage_code_line": [
            {"run_id": 1, "employee_id": eid, "year": 2026, "period": 10, "run_number": 10,
             "code": 1000, "description": "Salaris", "value": D(salary)},
            {"run_id": 1, "employee_id": eid, "year": 2026, "period": 10, "run_number": 10,
             "code": 2000, "description": "Vakantiegeld", "value": D(salary) * D("0.08")}],
    }


def inputs(*employees: dict, warnings=None, components=None) -> PeriodInputs:
    """Return PeriodInputs combining employee row sets (plus company wage components)."""
    rows: dict[str, list[dict]] = {}
    for one in employees:
        for entity, entity_rows in one.items():
            rows.setdefault(entity, []).extend(entity_rows)
    rows["company_wage_component"] = components if components is not None else [
        {"kind": "fixed", "component_id": 1, "code": 5010, "value": D("45.00")}]
    return PeriodInputs(rows, warnings or {})
