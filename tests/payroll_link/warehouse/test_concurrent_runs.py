"""Runs that never step on each other: one winner per partition, dead runs reaped with a reason."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from payroll_link.warehouse import reaper
from payroll_link.warehouse.errors import PartitionConflictError
from tests.payroll_link.warehouse.synthetic import dataset

pytestmark = pytest.mark.postgres

PERIOD = "2026-4W05"
START, END = dt.date(2026, 4, 20), dt.date(2026, 5, 17)
BAKKERIJ = "koppeling@bakkerijvandenberg.nl"


def _load(warehouse, employer_id, run_id):
    xid = warehouse.begin_extraction(employer_id, PERIOD, START, END, run_id)
    warehouse.discard_unpublished(employer_id, PERIOD, keep=xid)
    for entity, rows in dataset().items():
        warehouse.load_staging(entity, xid, employer_id, PERIOD, rows)
    return xid


def test_two_runs_started_together_exactly_one_publishes(warehouse, employer_id):
    a = _load(warehouse, employer_id, "scheduled__a")
    b = _load(warehouse, employer_id, "manual__b")  # began before a published
    assert warehouse.extraction(a)["status"] == "running"  # b's start did not discard a
    warehouse.publish(b)
    with pytest.raises(PartitionConflictError, match=f"extraction {b} .*manual__b.* published"):
        warehouse.publish(a)
    assert warehouse.published_extraction(employer_id, PERIOD) == b
    c = _load(warehouse, employer_id, "manual__c")  # began after b published: may replace it
    assert warehouse.publish(c) == b


@pytest.mark.simulator
def test_concurrent_extractions_of_one_period_publish_once(extract_period, warehouse,
                                                           employer_id):
    """Two whole extractions of one partition, started together, in 3 trials."""
    for trial in range(3):
        period = f"2026-{9 + trial:02d}"
        barrier, outcomes = threading.Barrier(2), []

        def run(barrier=barrier, outcomes=outcomes, month=9 + trial):
            barrier.wait()
            try:
                outcomes.append(extract_period(2001, BAKKERIJ, "monthly", 2026, month))
            except PartitionConflictError as err:
                outcomes.append(err)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lost = [o for o in outcomes if isinstance(o, PartitionConflictError)]
        won = [o for o in outcomes if not isinstance(o, Exception)]
        assert (len(won), len(lost)) == (1, 1), (trial, outcomes)
        assert warehouse.published_extraction(employer_id, period) == won[0].extraction_id
        loser = warehouse.extraction(lost[0].extraction_id)
        assert (loser["status"], loser["error_class"]) == ("failed", "PartitionConflictError")
        assert won[0].extraction_id in loser["error_message"]


def test_reaper_fails_dead_runs_with_a_reason_and_spares_live_ones(warehouse, warehouse_engine,
                                                                   employer_id):
    dead = _load(warehouse, employer_id, "scheduled__killed")
    live = _load(warehouse, f"{employer_id}_b", "scheduled__alive")
    orphan = warehouse.begin_extraction(f"{employer_id}_c", PERIOD, START, END, None)
    young = warehouse.begin_extraction(f"{employer_id}_d", PERIOD, START, END, None)
    with warehouse_engine.begin() as conn:
        conn.execute(text("update ops.extraction set started_at = now() - interval '25 hours' "
                          "where extraction_id = :x"), {"x": orphan})
    mine = {dead, live, orphan, young}

    def alive(row):
        if str(row["extraction_id"]) not in mine:
            return True  # other tests' extractions in the shared database
        if row["airflow_run_id"]:
            return row["airflow_run_id"] == "scheduled__alive"
        return not reaper.lease_expired(row)

    reaped = {str(row["extraction_id"]) for row in reaper.reap(warehouse_engine, alive)}
    assert reaped == {dead, orphan}
    row = warehouse.extraction(dead)
    assert (row["status"], row["error_class"]) == ("failed", "ReapedError")
    assert "Airflow run scheduled__killed is no longer running" in row["error_message"]
    assert row["reaped_at"] is not None and warehouse.count_rows(dead) == {}
    assert warehouse.extraction(orphan)["error_message"].startswith("reaped: open for more")
    assert {warehouse.extraction(x)["status"] for x in (live, young)} == {"running"}
    assert reaper.reap(warehouse_engine, alive) == []  # a second pass finds nothing
