"""Where each canonical staging column is read from in an Nmbrs REST record (JSON).

``to_rows(entity, records, ...)`` turns REST records into canonical rows of
``payroll_link.staging``. Columns REST does not carry are listed in ``MISSING``: they stay None and
every Fetched reports them as ``Drift("missing", …)``, so the gap is recorded, never silent.
Ids: REST ids are UUIDs; ``RestIds`` turns them into the canonical integer ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

from payroll_link.extraction.sources.soap_map import convert
from payroll_link.staging import NOT_CARRIED, check_rows, entity

# Columns with no REST counterpart (by the published spec's schemas), per entity; declared in the
# source-neutral staging contract so the quality gate can tell a known gap from drift.
MISSING: dict[str, tuple[str, ...]] = NOT_CARRIED["rest"]
# REST SalaryType (spec enum) -> SOAP's Salary_V2.Type, the ordinal of the same names in
# Nmbrs' SalaryType enum (Bruto_Salaris_Fulltime = 1, …; see docs/nmbrs-rest.md).
SALARY_TYPES = {"grossFulltimeSalary": 1, "grossParttimeSalary": 2, "grossHourlyWage": 3,
                "netParttimeSalaryInclWageComp": 4, "netParttimeSalaryExclWageComp": 5,
                "netHourlyWageExclWageComp": 6, "employerCosts": 7,
                "netHourlyWageInclWageComp": 8}
# Ascription (naamgebruik) code -> the letter SOAP's Naamstelling carries.
ASCRIPTION = {1: "E", 2: "P", 3: "V", 4: "N"}
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


class RestIds:
    """Canonical integer ids for REST UUIDs.

    Employees keep the id they had before (found by personnel number in `known`), so a.s.r.
    sees the same identity whatever the source; others get a stable negative surrogate (Nmbrs'
    own integer ids are positive, so a surrogate never collides with one).
    """

    def __init__(self, known: Mapping[int, int] | None = None):
        self.known = dict(known or {})
        self.numbers: dict[str, int] = {}  # employee UUID -> personnel number

    def employee(self, value: str) -> int:
        """Return the canonical id of an employee UUID."""
        number = self.numbers.get(str(value).lower())
        if number is not None and number in self.known:
            return self.known[number]
        return surrogate(value)

    def learn(self, employee_uuid: str, number: int | None) -> None:
        """Remember an employee's personnel number (from the employee list)."""
        if number is not None:
            self.numbers[str(employee_uuid).lower()] = int(number)


def surrogate(value: str) -> int:
    """Return a stable negative int32 for a UUID (or any text)."""
    try:
        raw = uuid.UUID(str(value)).bytes
    except ValueError:
        raw = uuid.uuid5(uuid.NAMESPACE_OID, str(value)).bytes
    return -(int.from_bytes(raw[:4], "big") & 0x7FFFFFFF) - 1


def _get(record: Mapping, path: str):
    value = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text_bool(value):
    return None if value is None else str(value).strip().lower() in ("true", "1")


def _employee(r, ids, eid):
    return {"employee_id": ids.employee(r["employeeId"]), "number": r.get("employeeNumber")}


def _employment(r, ids, eid):
    return {"employee_id": eid, "employment_id": surrogate(r["employmentId"]),
            "creation_date": r.get("creationDate"), "start_date": r.get("startDate"),
            "end_date": r.get("endDate"), "initial_start_date": r.get("seniorityDate")}


def _salary(r, ids, eid):
    return {"employee_id": eid, "salary_id": surrogate(r["salaryId"]), "value": r.get("value"),
            "salary_type": SALARY_TYPES.get(r.get("type")),
            "salary_table_code": _get(r, "salaryTable.tableCode"),
            "start_date": r.get("startDate"), "creation_date": r.get("createdAt")}


def unreadable(entity: str, records: list[dict]) -> list[tuple[str, str]]:
    """Return (element, column) of values present in REST but not mappable (names only)."""
    if entity != "salary":
        return []
    types = {r.get("type") for item in records for r in item.get("salaries") or []}
    return [("rest:salary.type", "salary_type")] if types - set(SALARY_TYPES) - {None} else []


def _personal_info(r, ids, eid):
    basic, birth, partner = r.get("basicInfo") or {}, r.get("birthInfo") or {}, r.get(
        "partnerInfo") or {}
    return {"employee_id": eid, "number": basic.get("employeeNumber"),
            "employee_number": basic.get("employeeNumber"), "bsn": r.get("BSN"),
            "first_name": basic.get("firstName"), "initials": basic.get("initials"),
            "prefix": basic.get("prefix"), "last_name": basic.get("lastName"),
            "gender": birth.get("gender"), "birth_date": birth.get("birthDate"),
            "deceased_date": birth.get("deceasedOn"),
            "partner_prefix": partner.get("partnerPrefix"),
            "partner_last_name": partner.get("partnerName"),
            "naamstelling": ASCRIPTION.get(_get(partner, "ascription.code")),
            "creation_date": r.get("createdAt")}


def _address(r, ids, eid):
    kind = r.get("type")
    return {"employee_id": eid, "address_id": surrogate(r["addressId"]),
            "is_default": r.get("isDefault"), "street": r.get("street"),
            "house_number": r.get("houseNumber"),
            "house_number_addition": r.get("houseNumberAddition"),
            "postal_code": r.get("postalCode"), "city": r.get("city"),
            "state_province": r.get("stateProvince"), "country_iso_code": r.get("countryISOCode"),
            "address_type": kind[:1].upper() + kind[1:] if kind else None}


def _bank_account(r, ids, eid):
    kind = r.get("bankAccountType")
    return {"employee_id": eid, "bank_account_id": surrogate(r["bankAccountId"]),
            "iban": r.get("IBAN"), "account_type": {"standard": "Standaard"}.get(kind, kind)}


def _child(r, ids, eid):
    key = f"{eid}:{r.get('birthday')}:{r.get('firstName')}:{r.get('name')}"
    return {"employee_id": eid, "child_id": surrogate(key), "name": r.get("name"),
            "first_name": r.get("firstName"), "initials": r.get("initials"),
            "gender": r.get("gender"), "birth_date": r.get("birthday")}


def _contract(r, ids, eid):
    return {"employee_id": eid, "contract_id": surrogate(r["contractId"]),
            "creation_date": r.get("createdAt"), "start_date": r.get("startDate"),
            "trial_period_end": r.get("trialPeriod"), "end_date": r.get("endDate"),
            "indefinite": r.get("indefinite"), "written_contract": r.get("writtenContract"),
            "hours_per_week": r.get("hoursPerWeek")}


def _schedule(r, ids, eid):
    row = {"employee_id": eid, "parttime_percentage": r.get("parttimePercentage"),
           "start_date": r.get("startDate")}
    for day in _DAYS:
        row[f"hours_{day.lower()}"] = _get(r, f"week1.hours{day}")
        row[f"hours_{day.lower()}_w2"] = _get(r, f"week2.hours{day}")
    return row


def _svw(r, ids, eid):
    return {"employee_id": eid,
            "influence_obliged_insurance": _text_bool(r.get("influenceObligedInsurance")),
            "wage_cost_benefit": None if r.get("wageCostBenefit") is None else bool(
                _get(r, "wageCostBenefit.code")),
            "code_cao": _get(r, "CAO.code"), "wao_wia": r.get("waoWia"), "ww": r.get("WW"),
            "zw": r.get("ZW"),
            "income_related_contribution_zvw": _text_bool(r.get("incomeRelatedContributionZvw")),
            "code_zvw": r.get("codeZvw"), "employment_type": r.get("natureOfEmployment"),
            "phase_classification": r.get("phaseClassification"),
            "employment_sequence_tax_id": r.get("taxSequenceNumber")}


def _partner(r, ids, eid):
    partner = r.get("partnerInfo") or {}
    # SOAP's PartnerName is the whole surname with its prefix ("van der Meer").
    name = " ".join(p for p in (partner.get("partnerPrefix"), partner.get("partnerName")) if p)
    return {"employee_id": eid, "partner_id": surrogate(r["partnerKey"]),
            "partner_name": name or None}


def _component(kind: str):
    key = "fixedWageComponentId" if kind == "fixed" else "variableWageComponentId"
    return lambda r, ids, eid: {"kind": kind, "component_id": surrogate(r[key]),
                                "code": r.get("code"), "value": r.get("value")}


def _run(r, ids, eid):
    return {"run_id": surrogate(r["payrollRunId"]), "run_number": r.get("number"),
            "year": r.get("year"), "period_start": r.get("periodStart"),
            "period_end": r.get("periodEnd"), "description": r.get("description"),
            "run_at": r.get("createdAt"), "is_locked": r.get("locked")}


READERS: dict[str, Callable] = {
    "company_run": _run, "employee": _employee, "employment": _employment, "salary": _salary,
    "personal_info": _personal_info, "address": _address, "bank_account": _bank_account,
    "child": _child, "contract": _contract, "schedule": _schedule, "svw": _svw,
    "partner": _partner, "company_wage_component_fixed": _component("fixed"),
    "company_wage_component_var": _component("var"),
}


def to_rows(name: str, records, ids: RestIds, employee_id: int | None = None) -> list[dict]:
    """Map REST records to canonical rows of entity `name` (typed, checked)."""
    target = "company_wage_component" if name.startswith("company_wage_component") else name
    spec = entity(target)
    rows = []
    for index, record in enumerate(records):
        values = READERS[name](record, ids, employee_id)
        rows.append({column.name: convert(target, column.kind, column.name,
                                          _plain(column.kind, values.get(column.name)), index)
                     for column in spec.fields})
    return check_rows(target, rows)


def _plain(kind: str, value):
    """REST sends dates as RFC 3339 timestamps and some codes as strings; keep the date part."""
    if kind == "date" and isinstance(value, str):
        return value[:10]
    if kind == "ts" and isinstance(value, str) and value.endswith("Z"):
        return value[:-1] + "+00:00"
    return value


def _wage_line(r, ids, eid):
    return {"run_id": r["run_id"], "employee_id": ids.employee(r["employee"]),
            "year": r.get("year"), "period": r.get("period"), "run_number": r.get("run_number"),
            "code": r.get("code"), "description": r.get("description"), "value": r.get("value")}


READERS["wage_code_line"] = _wage_line
