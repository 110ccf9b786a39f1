"""Staging entities: the canonical, source-neutral rows the pipeline stages, and their check.

Pure domain code (stdlib only, no I/O). A *canonical row* is a dict keyed by exactly the
``columns`` of its entity, with Python-typed values (see ``KINDS``); every source (Nmbrs SOAP,
Nmbrs REST) maps its own wire shapes to these rows in ``payroll_link.extraction.sources``, and
``check_rows`` enforces the contract before anything is landed. The lineage columns
``_employer`` … ``_snapshot`` are added by the warehouse.

Column notation in ``_spec``: ``column:kind`` with a trailing ``!`` on the name when the value
must be present (identifiers). Kinds: int, text, num, date, ts, bool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

KINDS = ("int", "text", "num", "date", "ts", "bool")
_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,), "text": (str,), "num": (Decimal, int), "date": (dt.date,),
    "ts": (dt.datetime,), "bool": (bool,)}


class StagingError(ValueError):
    """A row does not fit its staging entity; names entity, row index and column."""

    def __init__(self, message: str, *, entity: str, field: str | None = None):
        super().__init__(message)
        self.entity = entity
        self.field = field


@dataclass(frozen=True)
class Column:
    """One staging column: name, kind, and whether a value is required."""

    name: str
    kind: str
    required: bool


@dataclass(frozen=True)
class Entity:
    """A staging entity: table name, lineage label, snapshot flag and columns (natural key first).

    ``source`` is the lineage label written to ``_source`` (the Nmbrs call that feeds it).
    """

    name: str
    source: str
    snapshot: bool
    fields: tuple[Column, ...]
    per_employee: bool = False  # fetched per employee; rows carry employee_id

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the staging column names in table order (without lineage columns)."""
        return tuple(column.name for column in self.fields)


def _spec(text: str) -> tuple[Column, ...]:
    columns = []
    for item in text.split():
        name, kind = item.split(":", 1)
        if kind not in KINDS:
            raise ValueError(f"staging spec: column {name!r} has unknown kind {kind!r}")
        columns.append(Column(name.rstrip("!"), kind, name.endswith("!")))
    return tuple(columns)


_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_SCHEDULE = " ".join([f"hours_{d}:num" for d in _DAYS] + [f"hours_{d}_w2:num" for d in _DAYS])
_E, _C = "EmployeeService.", "CompanyService."


def _entity(name: str, source: str, snapshot: bool, spec: str, **options: Any) -> Entity:
    return Entity(name, source, snapshot, _spec(spec), **options)


_DEFINITIONS = (
    _entity("company_run", _C + "Run_GetList", False,
            "run_id!:int run_number:int year:int period_start:int period_end:int "
            "description:text run_at:ts is_locked:bool"),
    # ops.extraction.wage_code_path says which report call (background/synchronous) made them.
    _entity("wage_code_line", "Reports_GetWageCodesByRunCompany_v2", False,
            "run_id!:int employee_id!:int year:int period:int run_number:int code!:int "
            "description:text value!:num"),
    _entity("company_wage_component", _C + "WageComponentFixed_Get+WageComponentVar_Get", False,
            "kind!:text component_id!:int code!:int value:num"),
    _entity("employee", _E + "List_GetByCompany", True,
            "employee_id!:int number:int display_name:text"),
    _entity("employment", _E + "Employment_GetAll_AllEmployeesByCompany", False,
            "employee_id!:int employment_id!:int creation_date:date start_date:date "
            "end_date:date initial_start_date:date"),
    _entity("salary", _E + "Salary_GetAll_AllEmployeesByCompany", False,
            "employee_id!:int salary_id!:int value:num salary_type:int salary_table_code:int "
            "start_date:date creation_date:date"),
    # Data minimisation: phones, e-mails, emergency contacts, ID documents are not staged.
    _entity("personal_info", _E + "PersonalInfo_GetCurrent", True,
            "employee_id!:int number:int employee_number:int bsn:text first_name:text "
            "initials:text prefix:text last_name:text gender:text nationality_code:int "
            "birth_date:date deceased_date:date partner_prefix:text partner_last_name:text "
            "naamstelling:text creation_date:date", per_employee=True),
    _entity("address", _E + "Address_GetListCurrent", True,
            "employee_id!:int address_id!:int is_default:bool street:text house_number:text "
            "house_number_addition:text postal_code:text city:text state_province:text "
            "country_iso_code:text address_type:text", per_employee=True),
    _entity("bank_account", _E + "BankAccount_GetList", False,
            "employee_id!:int bank_account_id!:int iban:text bic:text account_type:text",
            per_employee=True),
    _entity("partner", _E + "Partner_Get", True,
            "employee_id!:int partner_id!:int partner_name:text first_name:text initials:text "
            "gender:text birth_date:date start_date:date", per_employee=True),
    _entity("child", _E + "Children_Get", True,
            "employee_id!:int child_id!:int name:text first_name:text initials:text gender:text "
            "birth_date:date", per_employee=True),
    _entity("contract", _E + "Contract_GetCurrentPeriod", True,
            "employee_id!:int contract_id!:int creation_date:date start_date:date "
            "trial_period_end:date end_date:date employment_type:int "
            "employment_sequence_tax_id:int indefinite:bool phase_classification:int "
            "written_contract:bool hours_per_week:num", per_employee=True),
    _entity("schedule", _E + "Schedule_GetCurrent", True,
            f"employee_id!:int {_SCHEDULE} parttime_percentage:num start_date:date",
            per_employee=True),
    _entity("svw", _E + "SVW_GetCurrent", True,
            "employee_id!:int svw_id:int influence_obliged_insurance:bool wage_cost_benefit:bool "
            "code_cao:int wao_wia:bool ww:bool zw:bool income_related_contribution_zvw:bool "
            "code_zvw:int risk_group:int sector:int employment_type:int "
            "phase_classification:int employment_sequence_tax_id:int", per_employee=True),
)

ENTITIES: dict[str, Entity] = {entity.name: entity for entity in _DEFINITIONS}
# Canonical columns a source does not carry by design, per source and entity (the published
# Nmbrs REST schemas have no counterpart; see the README's known gaps). The source leaves them
# None and records them as "missing" drift; the quality gate does not hold them against an
# extraction from that source (checks_drift.fields_answered).
NOT_CARRIED: dict[str, dict[str, tuple[str, ...]]] = {
    "rest": {
        "employee": ("display_name",),
        "personal_info": ("nationality_code",),
        "bank_account": ("bic",),
        "contract": ("employment_type", "employment_sequence_tax_id", "phase_classification"),
        "svw": ("svw_id", "risk_group", "sector"),
        "partner": ("first_name", "initials", "gender", "birth_date", "start_date"),
    },
}
_WAGE_COMPONENT_KINDS = ("fixed", "var")


def entity(name: str) -> Entity:
    """Return one staging entity or raise StagingError naming it."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise StagingError(f"unknown staging entity {name!r}", entity=str(name)) from None


def check_rows(entity_name: str, rows: Iterable[Mapping]) -> list[dict]:
    """Return the canonical rows of `entity_name` as a list, or raise StagingError.

    Each row must have exactly the entity's columns (NULL as None, never left out), a value in
    every required column, and
    values of the column's kind (``bool`` is not an int; a ``datetime`` is not a ``date``).
    """
    spec = entity(entity_name)
    out = []
    for index, row in enumerate(rows):
        where = f"staging {spec.name}, row {index}"
        if not isinstance(row, Mapping):
            raise StagingError(f"{where}: a {type(row).__name__}, expected a mapping",
                               entity=spec.name)
        extra, missing = sorted(set(row) - set(spec.columns)), sorted(set(spec.columns) - set(row))
        if extra or missing:
            raise StagingError(f"{where}: unknown column(s) {extra}, missing column(s) "
                               f"{missing}; a NULL must be written as None", entity=spec.name)
        for column in spec.fields:
            _check_value(spec, column, row.get(column.name), where)
        out.append({name: row[name] for name in spec.columns})
    return out


def _check_value(spec: Entity, column: Column, value: Any, where: str) -> None:
    if value is None:
        if column.required:
            raise StagingError(f"{where}: required column {column.name!r} is empty",
                               entity=spec.name, field=column.name)
        return
    wrong = not isinstance(value, _TYPES[column.kind]) or (
        column.kind != "bool" and isinstance(value, bool)) or (
        column.kind == "date" and isinstance(value, dt.datetime))
    if wrong:
        raise StagingError(f"{where}: column {column.name!r} holds a {type(value).__name__}, "
                           f"expected {column.kind}", entity=spec.name, field=column.name)
    if spec.name == "company_wage_component" and column.name == "kind" and (
            value not in _WAGE_COMPONENT_KINDS):
        raise StagingError(f"{where}: column 'kind' must be 'fixed' or 'var'",
                           entity=spec.name, field="kind")
