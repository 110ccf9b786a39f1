"""Publish: one transaction, failed or killed runs never visible, re-runs replace a partition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from payroll_link.staging import ENTITIES
from payroll_link.warehouse import ExtractionStateError, lifecycle, reaper
from tests.payroll_link.warehouse.synthetic import dataset

pytestmark = pytest.mark.postgres

PERIOD = "2026-4W05"
START, END = dt.date(2026, 4, 20), dt.date(2026, 5, 17)


def _run(warehouse, employer_id, data, *, publish=True):
    extraction_id = warehouse.begin_extraction(employer_id, PERIOD, START, END, "scheduled__x")
    for entity, rows in data.items():
        warehouse.load_staging(entity, extraction_id, employer_id, PERIOD, rows)
    if publish:
        warehouse.record(extraction_id, status="landed")
        warehouse.publish(extraction_id)
    return extraction_id


def _published(warehouse, employer_id):
    return {entity: warehouse.published_rows(entity, employer_id, PERIOD) for entity in ENTITIES}


def _order(row):
    """Sort key that ignores decimal scale (3150.00 == 3150.0000) and puts NULLs last."""
    return tuple((v is None, str(v.normalize()) if isinstance(v, Decimal) else str(v))
                 for v in row.values())


def _expected(data):
    return {entity: sorted(rows, key=_order) for entity, rows in data.items()}


def _staging_count(engine, extraction_id):
    with engine.connect() as conn:
        return sum(conn.execute(text(f"select count(*) from staging.{e} where _extraction_id = "
                                     ":x"), {"x": extraction_id}).scalar() for e in ENTITIES)


def _same(published, expected):
    for entity in ENTITIES:
        assert sorted(published[entity], key=_order) == expected[entity], entity


def test_failed_run_leaves_published_state_and_rerun_replaces_it(
        warehouse, warehouse_engine, employer_id):
    first, second = dataset(), dataset(raise_pct=3)
    a = _run(warehouse, employer_id, first)
    state_a = _published(warehouse, employer_id)
    _same(state_a, _expected(first))

    b = warehouse.begin_extraction(employer_id, PERIOD, START, END, "manual__b")
    half = second["employment"][: len(second["employment"]) // 2 + 1]
    warehouse.load_staging("employment", b, employer_id, PERIOD, half)
    warehouse.load_staging("salary", b, employer_id, PERIOD, second["salary"])
    warehouse.fail(b, "NmbrsTransientError", "Salary_GetAll timed out after 3 attempts")
    assert _published(warehouse, employer_id) == state_a
    with pytest.raises(ExtractionStateError, match="is failed"):
        warehouse.publish(b)
    assert _published(warehouse, employer_id) == state_a

    killed = _run(warehouse, employer_id, second, publish=False)  # never finishes: 'running'
    assert _published(warehouse, employer_id) == state_a

    b2 = warehouse.begin_extraction(employer_id, PERIOD, START, END, "manual__b2")
    assert warehouse.discard_unpublished(employer_id, PERIOD, keep=b2) > 0
    assert _staging_count(warehouse_engine, b) == 0
    # The killed run is another run's: the reaper fails it (its run is gone), not this re-run.
    assert warehouse.extraction(killed)["status"] == "running"
    reaped = reaper.reap(warehouse_engine, lambda row: str(row["extraction_id"]) != killed)
    assert [str(row["extraction_id"]) for row in reaped] == [killed]
    assert _staging_count(warehouse_engine, killed) == 0
    assert warehouse.extraction(killed)["status"] == "failed"
    for entity, rows in second.items():
        warehouse.load_staging(entity, b2, employer_id, PERIOD, rows)
    assert warehouse.publish(b2) == a
    _same(_published(warehouse, employer_id), _expected(second))
    assert _staging_count(warehouse_engine, a) == 0
    assert warehouse.extraction(a)["status"] == "superseded"
    assert warehouse.extraction(b2)["status"] == "published"
    assert warehouse.published_extraction(employer_id, PERIOD) == b2


def test_republishing_identical_content_gives_identical_rows(warehouse, employer_id):
    _run(warehouse, employer_id, dataset())
    before = _published(warehouse, employer_id)
    again = _run(warehouse, employer_id, dataset())
    assert _published(warehouse, employer_id) == before
    assert warehouse.published_extraction(employer_id, PERIOD) == again
    assert warehouse.publish(again) is None  # publishing twice is a no-op


def test_publish_is_one_transaction(warehouse, employer_id, monkeypatch):
    a = _run(warehouse, employer_id, dataset())
    before = _published(warehouse, employer_id)
    b = _run(warehouse, employer_id, dataset(raise_pct=5), publish=False)

    def crash(conn, ids):
        raise RuntimeError("worker killed mid-publish")

    monkeypatch.setattr(lifecycle, "delete_staging", crash)
    with pytest.raises(RuntimeError):
        warehouse.publish(b)
    assert _published(warehouse, employer_id) == before
    assert warehouse.extraction(a)["status"] == "published"
    assert warehouse.extraction(b)["status"] == "running"


def test_published_rows_have_no_lineage_and_stable_order(warehouse, employer_id):
    _run(warehouse, employer_id, dataset())
    rows = warehouse.published_rows("salary", employer_id, PERIOD)
    assert tuple(rows[0]) == ENTITIES["salary"].columns
    keys = [(r["employee_id"], r["salary_id"]) for r in rows]
    assert keys == sorted(keys)
    assert warehouse.published_rows("salary", "nobody", PERIOD) == []


def test_partitions_do_not_touch_each_other(warehouse, employer_id):
    _run(warehouse, employer_id, dataset())
    other = f"{employer_id}_other"
    _run(warehouse, other, dataset(raise_pct=10))
    _run(warehouse, other, dataset(raise_pct=11))
    _same(_published(warehouse, employer_id), _expected(dataset()))
    _same(_published(warehouse, other), _expected(dataset(raise_pct=11)))


def test_fail_on_published_extraction_changes_nothing(warehouse, employer_id):
    a = _run(warehouse, employer_id, dataset())
    assert warehouse.fail(a, "AirflowException", "a later task failed") is False
    assert warehouse.extraction(a)["status"] == "published"
    with pytest.raises(ExtractionStateError, match="does not exist"):
        warehouse.fail("00000000-0000-0000-0000-000000000000", "X", "y")
