"""Synthetic Nmbrs client results for every staging entity: invented people, valid-looking ids.

Shapes are those of ``nmbrs.client`` (``rows.plain``): ArrayOf wrappers already unwrapped, dates
as midnight datetimes, decimals as Decimal. BSNs pass the 11-proef, IBANs the mod-97 check, but
both are made up (bank code NMBR does not exist).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from payroll_link.extraction.sources.soap_map import to_rows
from payroll_link.staging import ENTITIES

D = Decimal
EMPLOYEES = (101, 102, 103)


def midnight(year: int, month: int, day: int) -> dt.datetime:
    """Return a date the way Nmbrs sends it: a datetime at midnight."""
    return dt.datetime(year, month, day)


def bsn(seed: int) -> str:
    """Return a 9-digit number that passes the 11-proef (not a real person's BSN)."""
    for candidate in range(seed, seed + 1000):
        digits = [int(c) for c in f"{candidate:08d}"[-8:]]
        rest = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11
        if rest < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(rest)
    raise AssertionError("no 11-proef number found")


def passes_11_proef(number: str) -> bool:
    """Return True when a 9-digit string passes the BSN 11-proef."""
    digits = [int(c) for c in number]
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return len(digits) == 9 and sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 == 0


def iban(account: int) -> str:
    """Return an invented Dutch IBAN with correct check digits."""
    bban = f"NMBR{account:010d}"
    numeric = "".join(str(int(c, 36)) for c in bban + "NL00")
    return f"NL{98 - int(numeric) % 97:02d}{bban}"


def company_calls(raise_pct: int = 0) -> dict[str, list]:
    """Return the company-wide call results (lists of records) keyed by entity."""
    factor = D(100 + raise_pct) / 100
    return {
        "company_run": [{"ID": 9001, "Number": 11, "Year": 2026, "PeriodStart": 11,
                         "PeriodEnd": 11, "Description": "Verloning november",
                         "RunAt": dt.datetime(2026, 11, 20, 14, 5, 33), "IsLocked": True}],
        "wage_code_line": [
            {"run_id": 9001, "employee_id": e, "period": 11, "year": 2026, "run_number": 11,
             "code": code, "description": text, "value": (value * factor).quantize(D("0.01"))}
            for e in EMPLOYEES
            for code, text, value in ((10, "Salaris", D("3150.00") + e), (5300, "Pensioen",
                                                                          D("-157.50")))],
        "company_wage_component": [
            {"kind": "fixed", "Id": 1, "Code": 4010, "Value": D("25.00")},
            {"kind": "var", "Id": 2, "Code": 4020, "Value": D("0.3333")},
        ],
        "employee": [{"Id": e, "Number": e - 100, "DisplayName": f"Medewerker {e}"}
                     for e in EMPLOYEES],
        "employment": [{"EmployeeId": e, "EmployeeEmployments": [
            {"EmploymentId": e * 10, "CreationDate": midnight(2019, 12, 1),
             "StartDate": midnight(2020, 1, 1), "EndDate": None,
             "InitialStartDate": midnight(2020, 1, 1)}]} for e in EMPLOYEES],
        "salary": [{"EmployeeId": e, "EmployeeSalaries": [
            {"ID": e * 100 + 1, "Value": (D("3150.00") * factor).quantize(D("0.01")), "Type": 1,
             "SalaryTable": {"Code": 7, "Description": "CAO schaal"},
             "StartDate": midnight(2026, 1, 1), "CreationDate": midnight(2025, 12, 15)},
            {"ID": e * 100 + 2, "Value": D("18.4567"), "Type": 3, "SalaryTable": None,
             "StartDate": midnight(2024, 1, 1), "CreationDate": midnight(2023, 12, 15)}]}
            for e in EMPLOYEES],
    }


_NAMES = {101: ("Jan", "J.", "van", "Bergen", "male"),
          102: ("Zoë", "Z.", None, "d'Hondt\tTab\\Slash", "female"),  # COPY escaping
          103: ("Fatima", "F.", "el", "Amrani", "female")}


def employee_calls(employee_id: int) -> dict[str, object]:
    """Return the per-employee call results of one employee keyed by entity."""
    first, initials, prefix, last, gender = _NAMES[employee_id]
    has_family = employee_id != 103
    return {
        "personal_info": {
            "Id": employee_id, "Number": employee_id - 100, "DisplayName": f"{first} {last}",
            "EmployeeNumber": employee_id - 100, "BSN": bsn(12345670 + employee_id * 977),
            "FirstName": first, "Initials": initials, "Prefix": prefix, "LastName": last,
            "Gender": gender, "NationalityCode": 1, "Birthday": midnight(1985, 3, employee_id - 90),
            "DeceasedDate": None, "PartnerPrefix": None, "PartnerLastName": None,
            "Naamstelling": "E", "CreationDate": midnight(2019, 12, 1),
            "TelephonePrivate": "0612345678", "EmailPrivate": "dropped@example.invalid",
            "InCaseOfEmergency": "dropped"},
        "address": [{"Id": employee_id * 3, "Default": True, "Street": "Verzonnenstraat",
                     "HouseNumber": str(employee_id), "HouseNumberAddition": None,
                     "PostalCode": "1234 AB", "City": "Utrecht", "StateProvince": None,
                     "CountryISOCode": "NL", "Type": "HomeAddress"}],
        "bank_account": [{"Id": employee_id * 5, "Number": None, "Description": None,
                          "IBAN": iban(employee_id), "BIC": "NMBRNL2A", "City": None,
                          "Name": None, "Type": "Standaard"}],
        "partner": ({"Id": employee_id * 7, "PartnerName": "Jansen", "FirstName": "Sam",
                     "Initials": "S.", "Gender": "undefined", "Birthday": midnight(1986, 6, 1),
                     "StartDate": midnight(2015, 5, 5), "Telephone": None, "Email": None}
                    if has_family else None),
        "child": {"EmployeeId": employee_id, "EmployeeChildren": (
            [{"Id": employee_id * 11 + n, "Name": last, "FirstName": f"Kind{n}",
              "Initials": "K.", "Gender": "female", "Birthday": midnight(2016 + n, 2, 3)}
             for n in range(2)] if has_family else [])},
        "contract": {"EmployeeId": employee_id, "EmployeeContracts": [
            {"ContractID": employee_id * 13, "CreationDate": midnight(2019, 12, 1),
             "StartDate": midnight(2020, 1, 1), "TrialPeriod": midnight(2020, 2, 1),
             "EndDate": None, "EmployementType": 1, "EmploymentSequenceTaxId": 1,
             "Indefinite": True, "PhaseClassification": 4, "WrittenContract": True,
             "HoursPerWeek": D("36.00")}]},
        "schedule": {**{f"Hours{d}": D("7.20") for d in
                        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")},
                     **{f"Hours{d}": D("0") for d in ("Saturday", "Sunday")},
                     **{f"Hours{d}2": D("0") for d in ("Monday", "Tuesday", "Wednesday",
                                                        "Thursday", "Friday", "Saturday",
                                                        "Sunday")},
                     "ParttimePercentage": D("94.7368"), "StartDate": midnight(2020, 1, 1)},
        "svw": {"Id": employee_id * 17, "InfluenceObligedInsurance": False,
                "WageCostBenefit": False, "CodeCao": 16, "Wao_Wia": True, "Ww": True,
                "Zw": True, "IncomeRelatedContributionZvw": True, "CodeZvw": 1,
                "RiskGroup": 5, "Sector": 52, "EmploymentType": 1, "PhaseClassification": 4,
                "EmploymentSequenceTaxId": 1},
    }


def staging_rows(entity: str, raise_pct: int = 0) -> list[dict]:
    """Return the staging rows of one entity for the synthetic company (all employees)."""
    if not ENTITIES[entity].per_employee:
        return to_rows(entity, company_calls(raise_pct)[entity])
    rows = []
    for employee_id in EMPLOYEES:
        rows += to_rows(entity, employee_calls(employee_id)[entity], employee_id=employee_id)
    return rows


def dataset(raise_pct: int = 0) -> dict[str, list[dict]]:
    """Return staging rows of every entity; `raise_pct` changes salaries and wage codes."""
    return {entity: staging_rows(entity, raise_pct) for entity in ENTITIES}
