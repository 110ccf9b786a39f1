"""deliver_period end to end: simulator → warehouse → stands → receiver → ledger."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from sqlalchemy import text

from payroll_link.handoff import ledger
from payroll_link.handoff.adapters.filedrop import FileDropAdapter
from payroll_link.handoff.adapters.https import HttpsAdapter
from payroll_link.handoff.errors import (
    DeliveryTransientError,
    HandoffBlockedError,
    MessageInvalidError,
)
from payroll_link.handoff.service import deliver_period, summary_line
from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.asr_receiver.filedrop import scan_drop_folder
from simulators.asr_receiver.fixture import running_receiver

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
KIND = {"hire": "hire", "exit": "exit", "salary": "salary_change", "parttime": "part_time_change"}


def scripted(world, company_id: int, window_index: int) -> set[tuple[int, str]]:
    """Return the (employee id, mutation kind) the simulator scripted in one window period."""
    plan = world.company(company_id).plan
    return {(company_id * 10_000 + n, KIND[role.split(":")[0]])
            for n, role in plan.roles.items()
            if role.split(":")[0] in KIND and role.endswith(f":{window_index}")}


def ledger_rows(engine, employer_id):
    with engine.connect() as conn:
        return ledger.history(conn, employer_id)


def test_three_periods_yield_exactly_the_scripted_mutations(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config,
        sim_world):
    results = []
    for number in (8, 9, 10):
        part, period = extract_at(2001, "monthly", 2026, number)
        results.append(deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                                      https_adapter, config=handoff_config))
    first, *later = results
    assert first["action"] == "sent"
    assert first["mutations"]["exchange_start"] == first["stands"]
    for index, result in enumerate(later, start=1):
        assert result["action"] == "sent" and result["version"] == 1
        assert result["mutations"] == {"hire": 1, "exit": 1, "salary_change": 1,
                                       "part_time_change": 1}
        stored = requests.get(f"{asr_receiver.url}/admin/messages/{result['receipt_id']}",
                              timeout=5).json()
        found = {(m["employee_id"], m["kind"]) for m in stored["mutations"]}
        assert found == scripted(sim_world, 2001, index)
    assert asr_receiver.state.store.stats["accepted"] == 3
    assert [r["status"] for r in ledger_rows(warehouse_engine, bakkerij.employer_id)] == \
        ["delivered"] * 3
    assert "mutations: hire 1, exit 1, salary_change 1, part_time_change 1" in \
        summary_line(later[0])


def test_rerunning_a_delivered_period_unchanged_sends_nothing(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    part, period = extract_at(2001, "monthly", 2026, 9)
    sent = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, https_adapter,
                          config=handoff_config)
    again, period = extract_at(2001, "monthly", 2026, 9)
    assert again.extraction_id != part.extraction_id
    result = deliver_period(warehouse_engine, bakkerij, again.extraction_id, period,
                            https_adapter, config=handoff_config)
    assert result["action"] == "unchanged" and result["version"] == 1
    assert result["receipt_id"] == sent["receipt_id"]
    assert asr_receiver.state.store.stats["posts"] == 1
    assert len(ledger_rows(warehouse_engine, bakkerij.employer_id)) == 1


def test_changed_data_sends_one_correction(extract_at, bakkerij, warehouse_engine,
                                           https_adapter, asr_receiver, handoff_config):
    # Extracted before September's payroll ran (no wage codes yet), then again after it.
    early, period = extract_at(2001, "monthly", 2026, 9, clock=dt.date(2026, 9, 20))
    deliver_period(warehouse_engine, bakkerij, early.extraction_id, period, https_adapter,
                   config=handoff_config)
    final, period = extract_at(2001, "monthly", 2026, 9)
    results = [deliver_period(warehouse_engine, bakkerij, final.extraction_id, period,
                              https_adapter, config=handoff_config) for _ in range(2)]
    assert [(r["action"], r["version"], r["replaces_version"]) for r in results] == [
        ("correction", 2, 1), ("unchanged", 2, 1)]
    stored = requests.get(f"{asr_receiver.url}/admin/messages/{results[0]['receipt_id']}",
                          timeout=5).json()
    assert stored["message"]["kind"] == "correction" and stored["message"]["replaces_version"] == 1
    assert asr_receiver.state.store.stats["accepted"] == 2
    rows = ledger_rows(warehouse_engine, bakkerij.employer_id)
    assert [(r["version"], r["replaces_version"], r["status"]) for r in rows] == [
        (1, None, "delivered"), (2, 1, "delivered")]


def test_a_correction_names_later_delivered_periods_and_does_not_resend_them(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    for number in (8, 9):
        part, period = extract_at(2001, "monthly", 2026, number)
        deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, https_adapter,
                       config=handoff_config)
    redo, august = extract_at(2001, "monthly", 2026, 8, clock=dt.date(2026, 8, 20))
    result = deliver_period(warehouse_engine, bakkerij, redo.extraction_id, august,
                            https_adapter, config=handoff_config)
    assert result["action"] == "correction" and result["later_periods"] == ["2026-09"]
    assert asr_receiver.state.store.stats["accepted"] == 3  # August v1, September v1, August v2


def test_receiver_down_then_up_delivers_once(extract_at, bakkerij, warehouse_engine,
                                             handoff_config):
    part, period = extract_at(2001, "monthly", 2026, 9)
    with running_receiver() as first:
        port = first.httpd.server_address[1]
    adapter = HttpsAdapter(f"http://127.0.0.1:{port}/v1/stands", DEFAULT_TOKEN, attempts=2,
                           sleep=lambda _: None, connect_timeout=1)
    with pytest.raises(DeliveryTransientError):
        deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, adapter,
                       config=handoff_config)
    [row] = ledger_rows(warehouse_engine, bakkerij.employer_id)
    assert (row["status"], row["attempts"], row["error_class"]) == (
        "failed", 1, "DeliveryTransientError")
    with running_receiver(port=port) as receiver:
        receiver.state.knobs.delay_s = 1.5  # a.s.r. stores it but answers too late
        slow = HttpsAdapter(adapter.url, DEFAULT_TOKEN, attempts=1, read_timeout=0.3,
                            sleep=lambda _: None)
        with pytest.raises(DeliveryTransientError):
            deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, slow,
                           config=handoff_config)
        receiver.state.knobs.delay_s = 0
        result = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                                adapter, config=handoff_config)
        assert receiver.state.store.stats["accepted"] == 1
        assert receiver.state.store.stats["duplicates"] == 1
    assert (result["action"], result["version"]) == ("sent", 1)
    [row] = ledger_rows(warehouse_engine, bakkerij.employer_id)
    assert (row["status"], row["attempts"], row["receipt_id"]) == (
        "delivered", 3, result["receipt_id"])


def test_an_invalid_message_never_leaves(extract_at, bakkerij, warehouse_engine, https_adapter,
                                         asr_receiver, handoff_config):
    part, period = extract_at(2001, "monthly", 2026, 9)
    with warehouse_engine.begin() as conn:
        bsn = conn.execute(text(
            "update staging.personal_info set birth_date = null where _extraction_id = :x "
            "and employee_id = 20010017 returning bsn"), {"x": part.extraction_id}).scalar()
    with pytest.raises(MessageInvalidError) as caught:
        deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, https_adapter,
                       config=handoff_config)
    assert "(employee 20010017).identity" in str(caught.value) and bsn not in str(caught.value)
    assert asr_receiver.state.store.stats["posts"] == 0
    assert ledger_rows(warehouse_engine, bakkerij.employer_id) == []


def test_only_the_published_extraction_of_a_passed_gate_is_delivered(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    old, period = extract_at(2001, "monthly", 2026, 9)
    new, period = extract_at(2001, "monthly", 2026, 9)
    with pytest.raises(HandoffBlockedError, match="not the published one"):
        deliver_period(warehouse_engine, bakkerij, old.extraction_id, period, https_adapter,
                       config=handoff_config)
    _quality_run(warehouse_engine, new.extraction_id, bakkerij.employer_id, passed=False)
    with pytest.raises(HandoffBlockedError, match="did not pass"):
        deliver_period(warehouse_engine, bakkerij, new.extraction_id, period, https_adapter,
                       config=handoff_config)
    assert asr_receiver.state.store.stats["posts"] == 0


def test_quality_warnings_travel_with_the_stands(extract_at, bakkerij, warehouse_engine,
                                                 https_adapter, asr_receiver, handoff_config):
    part, period = extract_at(2001, "monthly", 2026, 9)
    _quality_run(warehouse_engine, part.extraction_id, bakkerij.employer_id, passed=True,
                 flags=[("DQ13", "warning", 20010017), ("DQ14", "warning", 20010017),
                        ("DQ99", "error", 20010003)])
    result = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                            https_adapter, config=handoff_config)
    stored = requests.get(f"{asr_receiver.url}/admin/messages/{result['receipt_id']}",
                          timeout=5).json()
    warned = {s["employee_id"]: s["quality_warnings"] for s in stored["stands"]
              if s["quality_warnings"]}
    assert warned == {20010017: ["DQ13", "DQ14"]}


def test_file_drop_delivery_is_recorded_and_accepted_by_the_receiver(
        extract_at, bakkerij, warehouse_engine, handoff_config, tmp_path):
    part, period = extract_at(2001, "monthly", 2026, 9)
    result = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                            FileDropAdapter(tmp_path), config=handoff_config)
    [receipt] = scan_drop_folder(tmp_path)
    assert receipt["status"] == "accepted" and receipt["stands"] == result["stands"]
    [row] = ledger_rows(warehouse_engine, bakkerij.employer_id)
    assert (row["adapter"], row["target"], row["receipt_id"]) == (
        "file_drop", str(tmp_path), result["receipt_id"])


def test_ledger_command_answers_what_asr_received(extract_at, bakkerij, warehouse_engine,
                                                  https_adapter, handoff_config, monkeypatch,
                                                  capsys):
    from payroll_link.cli import ledger as command
    from payroll_link.cli import main

    part, period = extract_at(2001, "monthly", 2026, 9)
    result = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                            https_adapter, config=handoff_config)
    monkeypatch.setattr(command, "_engine", lambda: warehouse_engine)
    assert main(["ledger", "--employer", bakkerij.employer_id, "--period", "2026-09"]) == 0
    out = capsys.readouterr().out
    assert "2026-09" in out and "*v1" in out and result["receipt_id"] in out
    assert main(["ledger", "--employer", bakkerij.employer_id, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["in_force"] and row["mutations"] == result["mutations"]


def _quality_run(engine, extraction_id, employer_id, passed, flags=()):
    import uuid

    run_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text(
            "insert into ops.quality_run (quality_run_id, extraction_id, employer_id, period, "
            "product, ruleset_version, started_at, finished_at, errors, warnings, passed) values "
            "(:q, :x, :e, '2026-09', 'pension', 'test', now(), now(), 0, :w, :p)"),
            {"q": run_id, "x": extraction_id, "e": employer_id, "w": len(flags), "p": passed})
        for rule, severity, employee in flags:
            conn.execute(text("insert into ops.quality_flag values (:q, :x, :r, :s, :e)"),
                         {"q": run_id, "x": extraction_id, "r": rule, "s": severity,
                          "e": employee})


def test_a_scheme_code_the_company_never_books_is_reported_by_code_only(
        extract_at, bakkerij, warehouse_engine, https_adapter, handoff_config, caplog):
    from payroll_link.handoff.schemes import Component

    scheme = handoff_config.schemes["asr_pension_standard"]
    odd = scheme.model_copy(update={"components": (
        *scheme.components, Component(name="shift_allowance", source="wage_code", code=7777))})
    config = handoff_config.model_copy(update={"schemes": {**handoff_config.schemes,
                                                           "asr_pension_standard": odd}})
    part, period = extract_at(2001, "monthly", 2026, 9)
    with caplog.at_level("WARNING", logger="payroll_link.handoff.service"):
        deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, https_adapter,
                       config=config)
    [warning] = [r.getMessage() for r in caplog.records if "wage codes" in r.getMessage()]
    assert "asr_pension_standard" in warning and "[7777]" in warning
