"""Backfill policy: a period older than a delivered one is refused unless asked for explicitly."""

from __future__ import annotations

import pytest
import yaml

from payroll_link.backfill_policy import OutOfOrderError, judge
from payroll_link.handoff.service import deliver_period
from payroll_link.periods import get_period

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


@pytest.fixture
def september_delivered(extract_at, bakkerij, warehouse_engine, https_adapter, handoff_config):
    part, period = extract_at(2001, "monthly", 2026, 9)
    deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, https_adapter,
                   config=handoff_config)
    return bakkerij.employer_id


def month(number: int):
    return get_period("monthly", 2026, number)


def test_an_older_never_delivered_period_is_out_of_order(september_delivered, warehouse_engine):
    with warehouse_engine.connect() as conn:
        older = judge(conn, september_delivered, [month(7), month(8)])
        newer = judge(conn, september_delivered, [month(10)])
        again = judge(conn, september_delivered, [month(9)])
    assert (older.out_of_order, older.later_delivered) == (["2026-07", "2026-08"], ["2026-09"])
    with pytest.raises(OutOfOrderError, match=r"2026-07, 2026-08 would be delivered .* 2026-09"):
        older.refuse()
    newer.refuse()  # after the latest delivered period: in order
    again.refuse()  # a re-run of a delivered period is a correction, in order by itself
    assert newer.out_of_order == again.out_of_order == []


def test_periods_kept_as_baseline_are_never_out_of_order(september_delivered, warehouse_engine):
    import datetime as dt

    from payroll_link.backfill_policy import baseline_until

    class Employer:  # first exchange 2026-09-01: July and August are baseline, never sent
        first_exchange_date, deliver_history = dt.date(2026, 9, 1), False

    with warehouse_engine.connect() as conn:
        kept = judge(conn, september_delivered, [month(7), month(8)], baseline_until(Employer))
        Employer.deliver_history = True  # history asked for: they would go out, out of order
        sent = judge(conn, september_delivered, [month(7), month(8)], baseline_until(Employer))
    assert kept.out_of_order == []
    assert sent.out_of_order == ["2026-07", "2026-08"]


def test_backfill_command_refuses_out_of_order_periods_before_queuing(
        september_delivered, warehouse_db_url, monkeypatch, tmp_path, capsys):
    from payroll_link import runtime
    from payroll_link.cli import main

    data = yaml.safe_load((runtime.REPO / "config" / "employers.yaml").read_text())
    entry = next(e for e in data["employers"] if e["employer_id"] == "bakkerij_van_den_berg")
    entry["employer_id"] = september_delivered
    # July and August on or after the first exchange date: they would really be delivered.
    entry.update(first_exchange_date="2026-07-01", backfill_start="2026-07-01")
    registry = tmp_path / "employers.yaml"
    registry.write_text(yaml.safe_dump({"employers": [entry]}, allow_unicode=True))
    monkeypatch.setattr(runtime, "REGISTRY_PATH", registry)
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_db_url)
    code = main(["backfill", "--employer", september_delivered, "--from", "2026-07", "--to",
                 "2026-08"])
    assert code == 2
    err = capsys.readouterr().err
    assert "2026-07, 2026-08 would be delivered for the first time after" in err
    assert "--out-of-order" in err
    assert main(["backfill", "--employer", "nobody_here", "--from", "2026-07", "--to",
                 "2026-08"]) == 2
    assert "unknown employer 'nobody_here'" in capsys.readouterr().err


def test_delivery_task_guard_fails_now_unless_the_run_asked_for_it(
        september_delivered, bakkerij, warehouse_db_url, monkeypatch):
    from types import SimpleNamespace

    from airflow.sdk.exceptions import AirflowFailException

    from payroll_link import runtime

    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_db_url)
    runtime.warehouse.cache_clear()
    try:
        with pytest.raises(AirflowFailException, match="2026-08 would be delivered"):
            runtime.period_order_guard(bakkerij, month(8), SimpleNamespace(conf={}))
        asked = SimpleNamespace(conf={"out_of_order": True})
        assert runtime.period_order_guard(bakkerij, month(8), asked) == ["2026-09"]
        assert runtime.period_order_guard(bakkerij, month(10), None) == []
    finally:
        runtime.warehouse.cache_clear()
