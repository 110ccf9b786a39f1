"""Go-live: periods before the first exchange date are kept as baseline, or sent as history.

Bakkerij (simulator company 2001) with its registry dates: first exchange 2026-10-01, backfill
from 2026-09-01. The simulator scripts one hire, exit, salary and part-time change per period.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from payroll_link.handoff import golive, ledger
from payroll_link.handoff.service import deliver_period, summary_line
from payroll_link.periods import get_period

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
FIRST_EXCHANGE = dt.date(2026, 10, 1)


def live_from(employer, **extra):
    return employer.model_copy(update={"first_exchange_date": FIRST_EXCHANGE,
                                       "backfill_start": dt.date(2026, 9, 1), **extra})


def run(extract_at, engine, emp, adapter, config, numbers=(9, 10)):
    results = []
    for number in numbers:
        part, period = extract_at(2001, "monthly", 2026, number)
        results.append(deliver_period(engine, emp, part.extraction_id, period, adapter,
                                      config=config))
    return results


def stored(receiver, receipt_id):
    return requests.get(f"{receiver.url}/admin/messages/{receipt_id}", timeout=5).json()


def test_phase_follows_first_exchange_date_and_deliver_history(bakkerij):
    september, october = get_period("monthly", 2026, 9), get_period("monthly", 2026, 10)
    assert golive.phase(bakkerij, september) == golive.LIVE  # no exchange date: all live
    emp = live_from(bakkerij)
    assert (golive.phase(emp, september), golive.phase(emp, october)) == ("baseline", "live")
    assert golive.phase(live_from(bakkerij, deliver_history=True), september) == "history"


def test_periods_before_first_exchange_are_kept_as_baseline_not_delivered(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    emp = live_from(bakkerij)
    september, october = run(extract_at, warehouse_engine, emp, https_adapter, handoff_config)
    assert september["action"] == "baseline" and september["receipt_id"] is None
    assert september["reason"] == "baseline, before first exchange date"
    assert "baseline" in summary_line(september) and "v-" in summary_line(september)
    assert asr_receiver.state.store.stats["accepted"] == 1  # October only
    with warehouse_engine.connect() as conn:
        kept = golive.baselines(conn, emp.employer_id)
        sent = ledger.history(conn, emp.employer_id)
    assert [(k["period"], k["action"], k["stands"]) for k in kept] == [
        ("2026-09", golive.BASELINE_ACTION, september["stands"])]
    assert [(r["period"], r["status"]) for r in sent] == [("2026-10", "delivered")]
    # The first delivered period starts the exchange for every participant; the hire of the
    # period is a hire as well, the others are no hires.
    assert october["action"] == "sent"
    assert october["mutations"]["exchange_start"] == october["stands"]
    assert october["mutations"]["hire"] == 1
    message = stored(asr_receiver, october["receipt_id"])
    assert message["message"]["history"] is False
    starts = {m["employee_id"] for m in message["mutations"] if m["kind"] == "exchange_start"}
    assert starts == {s["employee_id"] for s in message["stands"]}


def test_a_rerun_of_a_baseline_period_keeps_one_row_per_content(
        extract_at, bakkerij, warehouse_engine, https_adapter, handoff_config):
    emp = live_from(bakkerij)
    run(extract_at, warehouse_engine, emp, https_adapter, handoff_config, numbers=(9, 9))
    with warehouse_engine.connect() as conn:
        assert len(golive.baselines(conn, emp.employer_id)) == 1


def test_deliver_history_sends_earlier_periods_marked_as_history(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    emp = live_from(bakkerij, deliver_history=True)
    september, october = run(extract_at, warehouse_engine, emp, https_adapter, handoff_config)
    assert (september["action"], october["action"]) == ("sent", "sent")
    first = stored(asr_receiver, september["receipt_id"])
    assert first["message"]["history"] is True
    assert september["mutations"]["exchange_start"] == september["stands"]
    # From the history period on, mutations follow: exactly the four scripted events.
    assert stored(asr_receiver, october["receipt_id"])["message"]["history"] is False
    assert october["mutations"] == {"hire": 1, "exit": 1, "salary_change": 1,
                                    "part_time_change": 1}


def test_demo_periods_of_the_registry_employers_meet_the_go_live_acceptance(
        extract_at, employer_id, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    # The demo's two latest periods per employer, with the registry's own exchange dates.
    from payroll_link.registry import load_registry
    from payroll_link.runtime import REPO

    registry = load_registry(REPO / "config" / "employers.yaml")
    received = []
    for source, company_id, frequency, numbers in (
            ("bakkerij_van_den_berg", 2001, "monthly", (9, 10)),
            ("van_den_berg_banket", 2002, "four_weekly", (10, 11))):
        emp = registry.by_id(source).model_copy(
            update={"employer_id": f"{employer_id}_{company_id}"})
        config = handoff_config.with_employer(emp.employer_id, full_time_hours_per_week=38)
        results = run_periods(extract_at, warehouse_engine, emp, https_adapter, config,
                              company_id, frequency, numbers)
        for result, number in zip(results, numbers, strict=True):
            period = get_period(frequency, 2026, number)
            before = period.start < emp.first_exchange_date
            assert result["action"] == ("baseline" if before else "sent"), period.label
            if not before:
                received.append((emp, period, stored(asr_receiver, result["receipt_id"])))
    assert len(received) == 2  # one first delivered period per employer
    for emp, period, message in received:
        assert message["employer"]["period"]["start"] >= emp.first_exchange_date.isoformat()
        assert message["message"]["history"] is False
        starts = {m["employee_id"] for m in message["mutations"] if m["kind"] == "exchange_start"}
        assert starts == {s["employee_id"] for s in message["stands"]}, period.label


def run_periods(extract_at, engine, emp, adapter, config, company_id, frequency, numbers):
    results = []
    for number in numbers:
        part, period = extract_at(company_id, frequency, 2026, number,
                                  employer=emp.employer_id)
        results.append(deliver_period(engine, emp, part.extraction_id, period, adapter,
                                      config=config))
    return results
