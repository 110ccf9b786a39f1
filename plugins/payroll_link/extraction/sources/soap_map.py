"""Where each canonical staging column is read from in an Nmbrs SOAP v3 record.

The Nmbrs client returns plain dicts keyed by v3 element names (whatever shape the answer came
in, see ``nmbrs.client.shapes``); ``to_rows`` turns them into canonical rows of
``payroll_link.staging``. Notation in ``MAPS``: ``column=Key`` where ``Key`` may be a dotted path
into a nested record (``SalaryTable.Code``). Required columns (``!`` in staging) must be present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from payroll_link.staging import ENTITIES, Column, StagingError, check_rows, entity

_EMPLOYEE_KEY = "EmployeeId"  # put here when a per-employee record does not carry its employee
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


@dataclass(frozen=True)
class SoapMap:
    """One entity's SOAP reading: column -> element path, and the flattened list element."""

    paths: dict[str, tuple[str, ...]]
    nested: str | None = None


def _map(spec: str, nested: str | None = None) -> SoapMap:
    pairs = (item.split("=", 1) for item in spec.split())
    return SoapMap({column: tuple(key.split(".")) for column, key in pairs}, nested)


_EMP = "employee_id=EmployeeId"
_SCHEDULE = " ".join([f"hours_{d.lower()}=Hours{d}" for d in _DAYS]
                     + [f"hours_{d.lower()}_w2=Hours{d}2" for d in _DAYS])

MAPS: dict[str, SoapMap] = {
    "company_run": _map("run_id=ID run_number=Number year=Year period_start=PeriodStart "
                        "period_end=PeriodEnd description=Description run_at=RunAt "
                        "is_locked=IsLocked"),
    "wage_code_line": _map("run_id=run_id employee_id=employee_id year=year period=period "
                           "run_number=run_number code=code description=description value=value"),
    "company_wage_component": _map("kind=kind component_id=Id code=Code value=Value"),
    "employee": _map("employee_id=Id number=Number display_name=DisplayName"),
    "employment": _map(f"{_EMP} employment_id=EmploymentId creation_date=CreationDate "
                       "start_date=StartDate end_date=EndDate "
                       "initial_start_date=InitialStartDate", "EmployeeEmployments"),
    "salary": _map(f"{_EMP} salary_id=ID value=Value salary_type=Type "
                   "salary_table_code=SalaryTable.Code start_date=StartDate "
                   "creation_date=CreationDate", "EmployeeSalaries"),
    "personal_info": _map(
        "employee_id=Id number=Number employee_number=EmployeeNumber bsn=BSN "
        "first_name=FirstName initials=Initials prefix=Prefix last_name=LastName gender=Gender "
        "nationality_code=NationalityCode birth_date=Birthday deceased_date=DeceasedDate "
        "partner_prefix=PartnerPrefix partner_last_name=PartnerLastName "
        "naamstelling=Naamstelling creation_date=CreationDate"),
    "address": _map(f"{_EMP} address_id=Id is_default=Default street=Street "
                    "house_number=HouseNumber house_number_addition=HouseNumberAddition "
                    "postal_code=PostalCode city=City state_province=StateProvince "
                    "country_iso_code=CountryISOCode address_type=Type"),
    "bank_account": _map(f"{_EMP} bank_account_id=Id iban=IBAN bic=BIC account_type=Type"),
    "partner": _map(f"{_EMP} partner_id=Id partner_name=PartnerName first_name=FirstName "
                    "initials=Initials gender=Gender birth_date=Birthday start_date=StartDate"),
    "child": _map(f"{_EMP} child_id=Id name=Name first_name=FirstName initials=Initials "
                  "gender=Gender birth_date=Birthday", "EmployeeChildren"),
    "contract": _map(f"{_EMP} contract_id=ContractID creation_date=CreationDate "
                     "start_date=StartDate trial_period_end=TrialPeriod end_date=EndDate "
                     "employment_type=EmployementType "
                     "employment_sequence_tax_id=EmploymentSequenceTaxId indefinite=Indefinite "
                     "phase_classification=PhaseClassification written_contract=WrittenContract "
                     "hours_per_week=HoursPerWeek", "EmployeeContracts"),
    "schedule": _map(f"{_EMP} {_SCHEDULE} parttime_percentage=ParttimePercentage "
                     "start_date=StartDate"),
    "svw": _map(f"{_EMP} svw_id=Id influence_obliged_insurance=InfluenceObligedInsurance "
                "wage_cost_benefit=WageCostBenefit code_cao=CodeCao wao_wia=Wao_Wia ww=Ww zw=Zw "
                "income_related_contribution_zvw=IncomeRelatedContributionZvw code_zvw=CodeZvw "
                "risk_group=RiskGroup sector=Sector employment_type=EmploymentType "
                "phase_classification=PhaseClassification "
                "employment_sequence_tax_id=EmploymentSequenceTaxId"),
}

_unmapped = {name for name, spec in ENTITIES.items()
             if set(spec.columns) != set(MAPS.get(name, SoapMap({})).paths)}
if _unmapped:  # pragma: no cover - caught at import by every test
    raise RuntimeError(f"SOAP map and staging columns differ for {sorted(_unmapped)}")


def to_rows(entity_name: str, records: Any, employee_id: int | None = None) -> list[dict]:
    """Map client records (a list, one record or None) to canonical rows of `entity_name`.

    `employee_id` is required for per-employee calls whose records do not carry the employee.
    """
    spec, soap = entity(entity_name), MAPS[entity_name]
    rows = []
    for index, record in enumerate(_records(spec.name, soap, records, employee_id,
                                            spec.per_employee)):
        rows.append({column.name: _value(spec.name, column, soap.paths[column.name], record,
                                         index) for column in spec.fields})
    return check_rows(entity_name, rows)


def _top_level(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return list(value)
    raise TypeError(f"expected records, got {type(value).__name__}")


def _elements(value: Any) -> list:
    """Return a nested list; an unflattened ``{'Employment': [...]}`` wrapper is unwrapped."""
    if isinstance(value, Mapping) and len(value) == 1:
        (only,) = value.values()
        if only is None or isinstance(only, list):
            return list(only or [])
    return _top_level(value)


def _records(name: str, soap: SoapMap, records: Any, employee_id: int | None,
             per_employee: bool) -> Iterable[Mapping]:
    try:
        for item in _top_level(records):
            _check_record(item)
            if per_employee and item.get(_EMPLOYEE_KEY) is None and employee_id is not None:
                item = {**item, _EMPLOYEE_KEY: employee_id}
            if soap.nested is None:
                yield item
                continue
            for child in _elements(item.get(soap.nested)):
                _check_record(child)
                yield {**child, _EMPLOYEE_KEY: item.get(_EMPLOYEE_KEY)}
    except TypeError as err:
        raise StagingError(f"staging {name}: {err}", entity=name) from None


def _check_record(record: Any) -> None:
    if not isinstance(record, Mapping):
        raise TypeError(f"a source row is a {type(record).__name__}, expected a record")


def _value(name: str, column: Column, path: tuple[str, ...], record: Mapping, index: int) -> Any:
    value: Any = record
    key = ".".join(path)
    for step, part in enumerate(path):
        if not isinstance(value, Mapping) or part not in value:
            if column.required and step == 0:
                hint = " (pass employee_id=)" if part == _EMPLOYEE_KEY else ""
                raise StagingError(f"staging {name}, source row {index}: required field "
                                   f"{key!r} is missing{hint}", entity=name, field=key)
            return None
        value = value[part]
    if value is None and column.required:
        raise StagingError(f"staging {name}, source row {index}: required field {key!r} is "
                           "empty", entity=name, field=key)
    return convert(name, column.kind, key, value, index)


def convert(name: str, kind: str, key: str, value: Any, index: int = 0) -> Any:
    """Return `value` as the Python type of a staging kind, or raise StagingError naming key."""
    if value is None:
        return None
    try:
        return _CONVERT[kind](value)
    except (TypeError, ValueError, InvalidOperation):
        pass  # raised below, outside the handler: the original text may quote the value
    raise StagingError(f"staging {name}, source row {index}: field {key!r} is not a {kind}",
                       entity=name, field=key)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):  # Nmbrs sends dates as midnight datetimes
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _ts(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise ValueError("not a boolean")
    return text in ("true", "1")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("a boolean is not an int")
    return value if isinstance(value, int) else int(str(value).strip())


def _num(value: Any) -> Decimal | int:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    return value if isinstance(value, Decimal | int) else Decimal(str(value).strip())


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(getattr(value, "value", value))


_CONVERT = {"date": _date, "ts": _ts, "bool": _bool, "int": _int, "num": _num, "text": _text}
