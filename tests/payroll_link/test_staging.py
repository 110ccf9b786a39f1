"""Staging mapping: client rows (Nmbrs keys) to staging rows (snake_case columns)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payroll_link.extraction.sources.soap_map import to_rows
from payroll_link.staging import ENTITIES, KINDS, StagingError, entity
from tests.payroll_link.warehouse.synthetic import dataset, employee_calls, passes_11_proef

SNAPSHOT = {"employee", "personal_info", "address", "partner", "child", "contract", "schedule",
            "svw"}
HISTORY = {"company_run", "wage_code_line", "company_wage_component", "employment", "salary",
           "bank_account"}


def test_entities_cover_every_staging_table_once():
    assert set(ENTITIES) == SNAPSHOT | HISTORY
    assert not SNAPSHOT & HISTORY


@pytest.mark.parametrize("name", sorted(SNAPSHOT | HISTORY))
def test_snapshot_flag_matches_the_source_call(name):
    spec = ENTITIES[name]
    assert spec.snapshot is (name in SNAPSHOT)
    # Calls that take a period or return history are not snapshots, whatever their name.
    period_call = any(call in spec.source for call in ("Run_GetList", "WageCodes", "WageComponent",
                                                       "GetAll_AllEmployees", "BankAccount"))
    assert period_call is not spec.snapshot


def test_columns_are_snake_case_with_known_kinds():
    for spec in ENTITIES.values():
        assert len(set(spec.columns)) == len(spec.columns), spec.name
        for column in spec.fields:
            assert column.name == column.name.lower() and " " not in column.name
            assert not column.name.startswith("_"), "lineage columns are added by the warehouse"
            assert column.kind in KINDS


def test_employment_flattens_one_row_per_employment_of_each_item():
    source = [
        {"EmployeeId": 1, "EmployeeEmployments": [
            {"EmploymentId": 10, "CreationDate": None, "StartDate": dt.datetime(2020, 1, 1),
             "EndDate": dt.datetime(2021, 6, 30), "InitialStartDate": dt.datetime(2020, 1, 1)},
            {"EmploymentId": 11, "CreationDate": None, "StartDate": dt.datetime(2022, 1, 1),
             "EndDate": None, "InitialStartDate": None}]},
        {"EmployeeId": 2, "EmployeeEmployments": None},  # no employments: no rows
        {"EmployeeId": 3, "EmployeeEmployments": {"Employment": [{"EmploymentId": 30}]}},
    ]
    rows = to_rows("employment", source)
    assert [(r["employee_id"], r["employment_id"]) for r in rows] == [(1, 10), (1, 11), (3, 30)]
    assert rows[0]["end_date"] == dt.date(2021, 6, 30)
    assert type(rows[0]["start_date"]) is dt.date  # datetime at midnight becomes a date
    assert rows[1]["end_date"] is None and rows[2]["start_date"] is None


def test_salary_reads_nested_salary_table_code_and_tolerates_nil_table():
    rows = to_rows("salary", [{"EmployeeId": 7, "EmployeeSalaries": [
        {"ID": 1, "Value": Decimal("3000.00"), "Type": 1, "SalaryTable": {"Code": 4},
         "StartDate": dt.datetime(2026, 1, 1), "CreationDate": dt.datetime(2025, 12, 1)},
        {"ID": 2, "Value": Decimal("15.1234"), "Type": 3, "SalaryTable": None,
         "StartDate": dt.datetime(2024, 1, 1), "CreationDate": dt.datetime(2023, 12, 1)}]}])
    assert [r["salary_table_code"] for r in rows] == [4, None]
    assert rows[1]["value"] == Decimal("15.1234") and rows[1]["salary_type"] == 3


def test_contract_rows_come_from_employee_contract_item():
    rows = to_rows("contract", employee_calls(101)["contract"])
    assert len(rows) == 1
    row = rows[0]
    assert row["employee_id"] == 101 and row["contract_id"] == 101 * 13
    assert row["employment_type"] == 1  # from the misspelled EmployementType
    assert row["hours_per_week"] == Decimal("36.00")
    assert row["trial_period_end"] == dt.date(2020, 2, 1)


def test_children_rows_from_children_item_and_empty_item_gives_none():
    assert len(to_rows("child", employee_calls(101)["child"])) == 2
    assert to_rows("child", employee_calls(103)["child"]) == []
    assert to_rows("child", None, employee_id=5) == []


def test_per_employee_record_takes_the_callers_employee_id():
    rows = to_rows("schedule", employee_calls(102)["schedule"], employee_id=102)
    assert rows[0]["employee_id"] == 102
    assert rows[0]["hours_monday"] == Decimal("7.20") and rows[0]["hours_sunday_w2"] == 0
    assert to_rows("partner", None, employee_id=102) == []


def test_personal_info_keeps_only_the_minimised_fields():
    row = to_rows("personal_info", employee_calls(101)["personal_info"])[0]
    assert set(row) == set(ENTITIES["personal_info"].columns)
    assert not {"telephone_private", "email_private", "in_case_of_emergency"} & set(row)
    assert passes_11_proef(row["bsn"]) and row["birth_date"] == dt.date(1985, 3, 11)


def test_missing_required_key_names_entity_and_field():
    with pytest.raises(StagingError) as caught:
        to_rows("employment", [{"EmployeeId": 1, "EmployeeEmployments": [{"StartDate": None}]}])
    assert caught.value.entity == "employment" and caught.value.field == "EmploymentId"
    assert "employment" in str(caught.value) and "'EmploymentId'" in str(caught.value)


def test_per_employee_call_without_employee_id_is_refused():
    with pytest.raises(StagingError, match="EmployeeId.*pass employee_id="):
        to_rows("schedule", employee_calls(101)["schedule"])


def test_missing_optional_key_becomes_null():
    rows = to_rows("employee", [{"Id": 5}])
    assert rows == [{"employee_id": 5, "number": None, "display_name": None}]


def test_bad_date_error_does_not_quote_the_value():
    with pytest.raises(StagingError) as caught:
        to_rows("partner", {"Id": 1, "Birthday": "1985-99-99-secret"}, employee_id=1)
    assert "secret" not in str(caught.value) and caught.value.field == "Birthday"
    assert caught.value.__context__ is None


def test_wage_component_kind_must_be_fixed_or_var():
    rows = to_rows("company_wage_component", [{"kind": "var", "Id": 1, "Code": 2}])
    assert rows[0]["value"] is None
    with pytest.raises(StagingError, match="'kind'"):
        to_rows("company_wage_component", [{"kind": "other", "Id": 1, "Code": 2}])
    with pytest.raises(StagingError, match="'kind'"):
        to_rows("company_wage_component", [{"Id": 1, "Code": 2}])


def test_unknown_entity_and_non_record_rows_are_refused():
    with pytest.raises(StagingError, match="unknown staging entity 'payslip'"):
        entity("payslip")
    with pytest.raises(StagingError, match="expected a record"):
        to_rows("employee", ["not a record"])


def test_every_entity_maps_the_synthetic_company():
    rows = dataset()
    assert all(rows[name] for name in ENTITIES)
    for name, entity_rows in rows.items():
        assert all(tuple(r) == ENTITIES[name].columns for r in entity_rows)
