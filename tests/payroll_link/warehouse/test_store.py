"""Loading: COPY of every entity, lineage columns, raw landing, errors without row values."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from payroll_link.staging import ENTITIES
from payroll_link.warehouse import ExtractionStateError, LoadError, WarehouseError
from payroll_link.warehouse.copyload import to_json
from tests.payroll_link.warehouse.synthetic import dataset, employee_calls

pytestmark = pytest.mark.postgres

PERIOD = "2026-11"
START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def _begin(warehouse, employer_id):
    return warehouse.begin_extraction(employer_id, PERIOD, START, END, "manual__test")


def _staged(engine, entity, extraction_id):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(
            f"select * from staging.{entity} where _extraction_id = :x"),
            {"x": extraction_id}).mappings()]


def _key(row):
    return tuple(str(row[c]) for c in list(row)[:3])


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_copy_loads_every_entity_exactly(warehouse, warehouse_engine, employer_id, entity):
    rows = dataset()[entity]
    extraction_id = _begin(warehouse, employer_id)
    assert warehouse.load_staging(entity, extraction_id, employer_id, PERIOD, rows) == len(rows)
    staged = _staged(warehouse_engine, entity, extraction_id)
    spec = ENTITIES[entity]
    back = [{c: r[c] for c in spec.columns} for r in staged]
    assert sorted(back, key=_key) == sorted(rows, key=_key)
    for row in staged:
        assert (row["_employer"], row["_period"]) == (employer_id, PERIOD)
        assert str(row["_extraction_id"]) == extraction_id
        assert row["_source"] == spec.source and row["_snapshot"] is spec.snapshot
        assert row["_loaded_at"].tzinfo is not None
    assert warehouse.count_rows(extraction_id) == {entity: len(rows)}


def test_snapshot_flags_per_entity_are_stored(warehouse, warehouse_engine, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    for entity, rows in dataset().items():
        warehouse.load_staging(entity, extraction_id, employer_id, PERIOD, rows)
    expected = {"employee": True, "personal_info": True, "address": True, "partner": True,
                "child": True, "contract": True, "schedule": True, "svw": True,
                "company_run": False, "wage_code_line": False, "company_wage_component": False,
                "employment": False, "salary": False, "bank_account": False}
    with warehouse_engine.connect() as conn:
        for entity, flag in expected.items():
            flags = conn.execute(text(f"select distinct _snapshot from staging.{entity} "
                                      "where _extraction_id = :x"), {"x": extraction_id})
            assert flags.scalars().all() == [flag], entity


def test_text_escaping_and_exact_decimals_survive_copy(warehouse, warehouse_engine, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    rows = [{"employee_id": 1, "number": 1, "display_name": "d'Hondt\tA\\B\nC\r Zoë"},
            {"employee_id": 2, "number": None, "display_name": ""},
            {"employee_id": 3, "number": 3, "display_name": None}]
    warehouse.load_staging("employee", extraction_id, employer_id, PERIOD, rows)
    back = sorted(_staged(warehouse_engine, "employee", extraction_id),
                  key=lambda r: r["employee_id"])
    assert [r["display_name"] for r in back] == ["d'Hondt\tA\\B\nC\r Zoë", "", None]
    salary = dataset()["salary"]
    warehouse.load_staging("salary", extraction_id, employer_id, PERIOD, salary)
    values = {r["salary_id"]: r["value"] for r in _staged(warehouse_engine, "salary",
                                                          extraction_id)}
    assert values[10102] == Decimal("18.4567")


def test_rejected_row_error_names_column_but_not_the_value(warehouse, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    good = dataset()["personal_info"]
    bad = [*good, {**good[0], "birth_date": "123456782"}]  # a BSN-like value in a date column
    with pytest.raises(LoadError) as caught:
        warehouse.load_staging("personal_info", extraction_id, employer_id, PERIOD, bad)
    message = str(caught.value)
    assert "staging.personal_info" in message and "row 4" in message
    assert "birth_date" in message and "123456782" not in message
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert warehouse.count_rows(extraction_id) == {}  # the whole load rolled back


def test_row_with_missing_or_unknown_column_is_refused(warehouse, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    with pytest.raises(LoadError, match="row 0 has no column 'display_name'"):
        warehouse.load_staging("employee", extraction_id, employer_id, PERIOD,
                               [{"employee_id": 1, "number": 1}])
    with pytest.raises(LoadError, match=r"unknown column\(s\) \['bsn'\]"):
        warehouse.load_staging("employee", extraction_id, employer_id, PERIOD,
                               [{"employee_id": 1, "number": 1, "display_name": "x", "bsn": "1"}])


def test_writes_to_a_foreign_or_closed_extraction_are_refused(warehouse, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    rows = dataset()["employee"]
    with pytest.raises(ExtractionStateError, match="belongs to"):
        warehouse.load_staging("employee", extraction_id, "someone_else", PERIOD, rows)
    warehouse.fail(extraction_id, "NmbrsTransientError", "timeout on List_GetByCompany")
    with pytest.raises(ExtractionStateError, match="is failed"):
        warehouse.load_staging("employee", extraction_id, employer_id, PERIOD, rows)
    with pytest.raises(ExtractionStateError, match="is failed"):
        warehouse.record(extraction_id, counts={"employee": 3})


def test_land_raw_appends_payloads_with_hash(warehouse, warehouse_engine, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    info = employee_calls(101)["personal_info"]
    calls = [
        {"service": "EmployeeService", "operation": "PersonalInfo_GetCurrent", "company_id": 42,
         "employee_id": 101, "request_keys": {"EmployeeId": 101}, "payload": info},
        {"service": "CompanyService", "operation": "Run_GetList", "company_id": 42,
         "request_keys": {"CompanyId": 42, "Year": 2026}, "payload": [],
         "fetched_at": dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)},
    ]
    assert warehouse.land_raw(extraction_id, employer_id, PERIOD, iter(calls)) == 2
    with warehouse_engine.connect() as conn:
        rows = conn.execute(text("select * from raw.call_payload where extraction_id = :x "
                                 "order by id"), {"x": extraction_id}).mappings().all()
    assert [r["operation"] for r in rows] == ["PersonalInfo_GetCurrent", "Run_GetList"]
    assert rows[0]["employee_id"] == 101 and rows[1]["employee_id"] is None
    assert rows[0]["payload"]["Birthday"] == "1985-03-11T00:00:00"
    assert rows[0]["content_sha256"] == hashlib.sha256(to_json(info).encode()).hexdigest()
    assert rows[1]["request_keys"] == {"CompanyId": 42, "Year": 2026}
    assert rows[1]["fetched_at"] == dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
    assert json.loads(to_json({"v": Decimal("3150.10")})) == {"v": "3150.10"}  # exact


def test_land_raw_call_without_operation_is_refused(warehouse, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    with pytest.raises(LoadError, match="raw call 0 has no 'operation'"):
        warehouse.land_raw(extraction_id, employer_id, PERIOD,
                           [{"service": "CompanyService", "company_id": 1, "payload": None}])


def test_record_merges_counts_and_timings(warehouse, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    warehouse.record(extraction_id, counts={"employee": 3}, timings={"extract": 1.5})
    warehouse.record(extraction_id, counts={"salary": 6}, timings={"load": 0.25},
                     wage_code_path="ReportService background", status="landed")
    row = warehouse.extraction(extraction_id)
    assert row["counts"] == {"employee": 3, "salary": 6}
    assert row["timings"] == {"extract": 1.5, "load": 0.25}
    assert row["status"] == "landed" and row["wage_code_path"] == "ReportService background"
    with pytest.raises(WarehouseError, match="unknown field"):
        warehouse.record(extraction_id, bsn="123")
    with pytest.raises(WarehouseError, match="publish\\(\\) or fail\\(\\)"):
        warehouse.record(extraction_id, status="published")


def test_retried_employee_batch_replaces_only_its_employees(warehouse, employer_id):
    extraction_id = _begin(warehouse, employer_id)
    data = dataset()
    for entity, rows in data.items():
        warehouse.load_staging(entity, extraction_id, employer_id, PERIOD, rows)
    before = warehouse.count_rows(extraction_id)
    deleted = warehouse.delete_employee_rows(extraction_id, [101])
    after = warehouse.count_rows(extraction_id)
    per_employee = {e for e, spec in ENTITIES.items() if spec.per_employee}
    for entity, count in before.items():
        removed = sum(1 for r in data[entity] if r["employee_id"] == 101) \
            if entity in per_employee else 0
        assert after.get(entity, 0) == count - removed, entity
    assert deleted == sum(before.values()) - sum(after.values()) > 0
    assert after["employment"] == before["employment"]  # company-wide calls are kept


def test_parallel_batches_load_into_one_extraction(warehouse, employer_id):
    from concurrent.futures import ThreadPoolExecutor

    extraction_id = _begin(warehouse, employer_id)
    rows = dataset()["address"]

    def batch(n):
        batch_rows = [{**r, "address_id": r["address_id"] * 100 + n} for r in rows]
        loaded = warehouse.load_staging("address", extraction_id, employer_id, PERIOD,
                                        batch_rows)
        warehouse.record(extraction_id, counts={f"batch_{n}": loaded})
        return loaded

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(batch, range(8))) == 8 * len(rows)
    assert warehouse.count_rows(extraction_id) == {"address": 8 * len(rows)}
    assert len(warehouse.extraction(extraction_id)["counts"]) == 8
