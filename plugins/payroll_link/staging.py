"""Staging entities: which Nmbrs call feeds which typed table, and client rows mapped to it.

Pure domain code (stdlib only, no I/O). The client (`nmbrs.client`) returns plain dicts keyed by
Nmbrs element names; ``to_rows`` turns them into rows keyed by the snake_case staging columns of
``sql/migrations`` (the lineage columns ``_employer`` … ``_snapshot`` are added by the warehouse).

Column notation in ``_spec``: ``column=NmbrsKey:kind`` with a trailing ``!`` on the key when the
key must be present (identifiers); other keys may be absent (→ NULL). ``NmbrsKey`` may be a dotted
path into a nested record (``SalaryTable.Code``). Kinds: int, text, num, date, ts, bool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("int", "text", "num", "date", "ts", "bool")
# Where a record carries no employee id of its own, the caller's employee_id is put here.
_EMPLOYEE_KEY = "EmployeeId"


class StagingError(ValueError):
    """A client row cannot be mapped to a staging row; names entity, row index and field."""

    def __init__(self, message: str, *, entity: str, field: str | None = None):
        super().__init__(message)
        self.entity = entity
        self.field = field


@dataclass(frozen=True)
class Column:
    """One staging column and the Nmbrs key (path) it is read from."""

    name: str
    path: tuple[str, ...]
    kind: str
    required: bool

    @property
    def key(self) -> str:
        """Return the Nmbrs key as written in the spec (dotted for nested records)."""
        return ".".join(self.path)


@dataclass(frozen=True)
class Entity:
    """A staging entity: table name, source call, snapshot flag and columns (natural key first)."""

    name: str
    source: str
    snapshot: bool
    fields: tuple[Column, ...]
    nested: str | None = None  # list element flattened: one staging row per element
    per_employee: bool = False  # the call is made per employee; rows carry employee_id

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the staging column names in table order (without lineage columns)."""
        return tuple(column.name for column in self.fields)


def _spec(text: str) -> tuple[Column, ...]:
    columns = []
    for item in text.split():
        name, rest = item.split("=", 1)
        key, kind = rest.rsplit(":", 1)
        if kind not in KINDS:
            raise ValueError(f"staging spec: column {name!r} has unknown kind {kind!r}")
        required = key.endswith("!")
        columns.append(Column(name, tuple(key.rstrip("!").split(".")), kind, required))
    return tuple(columns)


_EMP = "employee_id=EmployeeId!:int"
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_SCHEDULE = " ".join(
    [f"hours_{d}=Hours{d.title()}:num" for d in _DAYS]
    + [f"hours_{d}_w2=Hours{d.title()}2:num" for d in _DAYS]
)
_E, _C = "EmployeeService.", "CompanyService."


def _entity(name: str, source: str, snapshot: bool, spec: str, **options: Any) -> Entity:
    return Entity(name, source, snapshot, _spec(spec), **options)


_DEFINITIONS = (
    _entity("company_run", _C + "Run_GetList", False,
            "run_id=ID!:int run_number=Number:int year=Year:int period_start=PeriodStart:int "
            "period_end=PeriodEnd:int description=Description:text run_at=RunAt:ts "
            "is_locked=IsLocked:bool"),
    # Parsed report rows (nmbrs.client.reports) plus run_id; ops.extraction.wage_code_path says
    # whether the ReportService _Background call or the synchronous CompanyService call made them.
    _entity("wage_code_line", "Reports_GetWageCodesByRunCompany_v2", False,
            "run_id=run_id!:int employee_id=employee_id!:int year=year:int period=period:int "
            "run_number=run_number:int code=code!:int description=description:text "
            "value=value!:num"),
    _entity("company_wage_component", _C + "WageComponentFixed_Get+WageComponentVar_Get", False,
            "kind=kind!:text component_id=Id!:int code=Code!:int value=Value:num"),
    _entity("employee", _E + "List_GetByCompany", True,
            "employee_id=Id!:int number=Number:int display_name=DisplayName:text"),
    _entity("employment", _E + "Employment_GetAll_AllEmployeesByCompany", False,
            f"{_EMP} employment_id=EmploymentId!:int creation_date=CreationDate:date "
            "start_date=StartDate:date end_date=EndDate:date "
            "initial_start_date=InitialStartDate:date", nested="EmployeeEmployments"),
    _entity("salary", _E + "Salary_GetAll_AllEmployeesByCompany", False,
            f"{_EMP} salary_id=ID!:int value=Value:num salary_type=Type:int "
            "salary_table_code=SalaryTable.Code:int start_date=StartDate:date "
            "creation_date=CreationDate:date", nested="EmployeeSalaries"),
    # Data minimisation: phones, e-mails, emergency contacts, ID documents are not staged.
    _entity("personal_info", _E + "PersonalInfo_GetCurrent", True,
            "employee_id=Id!:int number=Number:int employee_number=EmployeeNumber:int "
            "bsn=BSN:text first_name=FirstName:text initials=Initials:text prefix=Prefix:text "
            "last_name=LastName:text gender=Gender:text nationality_code=NationalityCode:int "
            "birth_date=Birthday:date deceased_date=DeceasedDate:date "
            "partner_prefix=PartnerPrefix:text partner_last_name=PartnerLastName:text "
            "naamstelling=Naamstelling:text creation_date=CreationDate:date", per_employee=True),
    _entity("address", _E + "Address_GetListCurrent", True,
            f"{_EMP} address_id=Id!:int is_default=Default:bool street=Street:text "
            "house_number=HouseNumber:text house_number_addition=HouseNumberAddition:text "
            "postal_code=PostalCode:text city=City:text state_province=StateProvince:text "
            "country_iso_code=CountryISOCode:text address_type=Type:text", per_employee=True),
    _entity("bank_account", _E + "BankAccount_GetList", False,
            f"{_EMP} bank_account_id=Id!:int iban=IBAN:text bic=BIC:text account_type=Type:text",
            per_employee=True),
    _entity("partner", _E + "Partner_Get", True,
            f"{_EMP} partner_id=Id!:int partner_name=PartnerName:text first_name=FirstName:text "
            "initials=Initials:text gender=Gender:text birth_date=Birthday:date "
            "start_date=StartDate:date", per_employee=True),
    _entity("child", _E + "Children_Get", True,
            f"{_EMP} child_id=Id!:int name=Name:text first_name=FirstName:text "
            "initials=Initials:text gender=Gender:text birth_date=Birthday:date",
            nested="EmployeeChildren", per_employee=True),
    _entity("contract", _E + "Contract_GetCurrentPeriod", True,
            f"{_EMP} contract_id=ContractID!:int creation_date=CreationDate:date "
            "start_date=StartDate:date trial_period_end=TrialPeriod:date end_date=EndDate:date "
            "employment_type=EmployementType:int "
            "employment_sequence_tax_id=EmploymentSequenceTaxId:int indefinite=Indefinite:bool "
            "phase_classification=PhaseClassification:int written_contract=WrittenContract:bool "
            "hours_per_week=HoursPerWeek:num", nested="EmployeeContracts", per_employee=True),
    _entity("schedule", _E + "Schedule_GetCurrent", True,
            f"{_EMP} {_SCHEDULE} parttime_percentage=ParttimePercentage:num "
            "start_date=StartDate:date", per_employee=True),
    # v3 SVW shape is uncertain (nmbrs-api.md §7.2): every field but the employee is optional.
    _entity("svw", _E + "SVW_GetCurrent", True,
            f"{_EMP} svw_id=Id:int influence_obliged_insurance=InfluenceObligedInsurance:bool "
            "wage_cost_benefit=WageCostBenefit:bool code_cao=CodeCao:int wao_wia=Wao_Wia:bool "
            "ww=Ww:bool zw=Zw:bool "
            "income_related_contribution_zvw=IncomeRelatedContributionZvw:bool "
            "code_zvw=CodeZvw:int risk_group=RiskGroup:int sector=Sector:int "
            "employment_type=EmploymentType:int phase_classification=PhaseClassification:int "
            "employment_sequence_tax_id=EmploymentSequenceTaxId:int", per_employee=True),
)

ENTITIES: dict[str, Entity] = {entity.name: entity for entity in _DEFINITIONS}
_WAGE_COMPONENT_KINDS = ("fixed", "var")


def entity(name: str) -> Entity:
    """Return one staging entity or raise StagingError naming it."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise StagingError(f"unknown staging entity {name!r}", entity=str(name)) from None


def to_rows(entity_name: str, source_rows: Any, employee_id: int | None = None) -> list[dict]:
    """Map client rows (a list, one record or None) to staging rows of `entity_name`.

    `employee_id` is required for per-employee calls whose records do not carry the employee.
    """
    spec = entity(entity_name)
    rows = []
    for index, record in enumerate(_records(spec, source_rows, employee_id)):
        rows.append({column.name: _value(spec, column, record, index) for column in spec.fields})
    if spec.name == "company_wage_component":
        _check_kinds(spec, rows)
    return rows


def _top_level(value: Any) -> list:
    """Return the records of a call result: None, one record, or a list of records."""
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


def _records(spec: Entity, source_rows: Any, employee_id: int | None) -> Iterable[Mapping]:
    """Yield one flat record per staging row; nested lists are flattened under their employee."""
    try:
        items = _top_level(source_rows)
        for item in items:
            _check_record(spec, item)
            if spec.per_employee and item.get(_EMPLOYEE_KEY) is None and employee_id is not None:
                item = {**item, _EMPLOYEE_KEY: employee_id}
            if spec.nested is None:
                yield item
                continue
            for child in _elements(item.get(spec.nested)):
                _check_record(spec, child)
                yield {**child, _EMPLOYEE_KEY: item.get(_EMPLOYEE_KEY)}
    except TypeError as err:
        raise StagingError(f"staging {spec.name}: {err}", entity=spec.name) from None


def _check_record(spec: Entity, record: Any) -> None:
    if not isinstance(record, Mapping):
        raise TypeError(f"a source row is a {type(record).__name__}, expected a record")


def _value(spec: Entity, column: Column, record: Mapping, index: int) -> Any:
    value: Any = record
    for step, key in enumerate(column.path):
        if not isinstance(value, Mapping) or key not in value:
            if column.required and step == 0:
                hint = " (pass employee_id=)" if key == _EMPLOYEE_KEY and spec.per_employee else ""
                raise StagingError(f"staging {spec.name}, source row {index}: required field "
                                   f"{column.key!r} is missing{hint}", entity=spec.name,
                                   field=column.key)
            return None
        value = value[key]
    if value is None and column.required:
        raise StagingError(f"staging {spec.name}, source row {index}: required field "
                           f"{column.key!r} is empty", entity=spec.name, field=column.key)
    return _convert(spec, column, value, index)


def _convert(spec: Entity, column: Column, value: Any, index: int) -> Any:
    if value is None:
        return None
    if column.kind == "date":
        if isinstance(value, dt.datetime):  # Nmbrs sends dates as midnight datetimes
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            pass  # raised below, outside the handler: ValueError's text quotes the value
        raise StagingError(f"staging {spec.name}, source row {index}: field {column.key!r} "
                           "is not a date", entity=spec.name, field=column.key)
    if column.kind == "text" and not isinstance(value, str):
        return str(getattr(value, "value", value))  # zeep enums arrive as str already
    return value


def _check_kinds(spec: Entity, rows: list[dict]) -> None:
    for index, row in enumerate(rows):
        if row["kind"] not in _WAGE_COMPONENT_KINDS:
            raise StagingError(f"staging {spec.name}, source row {index}: field 'kind' must be "
                               "'fixed' or 'var'", entity=spec.name, field="kind")
