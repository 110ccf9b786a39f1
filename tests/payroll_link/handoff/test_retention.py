"""Retention: personal data past its period leaves raw, staging and the stored messages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from payroll_link.cli import main
from payroll_link.handoff import ledger
from payroll_link.handoff.service import deliver_period
from payroll_link.retention.policy import RetentionConfigError, load_policy
from payroll_link.retention.purge import run_retention

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
LONG_AGO = dt.datetime.now(dt.UTC) - dt.timedelta(days=800)


def deliver(extract_at, employer, engine, adapter, config, numbers):
    """Extract and deliver monthly periods of company 2001; return {number: extraction id}."""
    done = {}
    for number in numbers:
        part, period = extract_at(2001, "monthly", 2026, number)
        deliver_period(engine, employer, part.extraction_id, period, adapter, config=config)
        done[number] = part.extraction_id
    return done


def backdate(engine, extraction_id) -> None:
    """Make an extraction, its raw answers and its deliveries 800 days old."""
    with engine.begin() as conn:
        for sql in ("update ops.extraction set started_at = :t where extraction_id = :x",
                    "update raw.call_payload set fetched_at = :t where extraction_id = :x",
                    "update ops.delivery set created_at = :t where extraction_id = :x"):
            conn.execute(text(sql), {"t": LONG_AGO, "x": extraction_id})


def personal_rows(engine, extraction_id) -> dict[str, int]:
    """Count the rows an extraction left in raw, staging (by table) and stored messages."""
    with engine.connect() as conn:
        tables = conn.execute(text(
            "select table_name from information_schema.tables where table_schema = 'staging' "
            "and table_type = 'BASE TABLE'")).scalars().all()
        counts = {"raw": conn.execute(text(
            "select count(*) from raw.call_payload where extraction_id = :x"),
            {"x": extraction_id}).scalar()}
        counts["staging"] = sum(conn.execute(text(
            f"select count(*) from staging.{t} where _extraction_id = :x"),
            {"x": extraction_id}).scalar() for t in tables)
        counts["messages"] = conn.execute(text(
            "select count(*) from ops.delivery_message m join ops.delivery d using (delivery_id) "
            "where d.extraction_id = :x"), {"x": extraction_id}).scalar()
    return counts


def test_old_data_is_purged_but_the_mutation_base_and_ledger_stay(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    ids = deliver(extract_at, bakkerij, warehouse_engine, https_adapter, handoff_config,
                  (8, 9, 10))
    backdate(warehouse_engine, ids[8])
    backdate(warehouse_engine, ids[9])
    before = {n: personal_rows(warehouse_engine, x) for n, x in ids.items()}
    assert all(c["raw"] and c["staging"] and c["messages"] == 1 for c in before.values())
    args = ({bakkerij.employer_id: "realised"}, load_policy())
    dry = run_retention(warehouse_engine, *args, apply=False, actor="test",
                        only={bakkerij.employer_id})
    counted = {s.target: s.rows for s in dry if s.reason == "age"}
    assert counted["raw.call_payload"] == before[8]["raw"] + before[9]["raw"]
    assert sum(v for k, v in counted.items() if k.startswith("staging.")) == \
        before[8]["staging"] + before[9]["staging"]
    assert counted["ops.delivery_message"] == 1  # 8 only: 9 and 10 are mutation bases
    assert personal_rows(warehouse_engine, ids[8]) == before[8], "a dry run changes nothing"
    run_retention(warehouse_engine, *args, apply=True, actor="test", only={bakkerij.employer_id})
    assert personal_rows(warehouse_engine, ids[8]) == {"raw": 0, "staging": 0, "messages": 0}
    assert personal_rows(warehouse_engine, ids[9]) == {"raw": 0, "staging": 0, "messages": 1}
    assert personal_rows(warehouse_engine, ids[10]) == before[10]
    with warehouse_engine.connect() as conn:
        assert len(ledger.history(conn, bakkerij.employer_id)) == 3
        logged = conn.execute(text("select sum(rows) from ops.retention_run where "
                                   "employer_id = :e"), {"e": bakkerij.employer_id}).scalar()
    assert logged == sum(counted.values())


def test_offboarded_employer_loses_all_personal_data_after_the_grace_period(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    ids = deliver(extract_at, bakkerij, warehouse_engine, https_adapter, handoff_config, (9, 10))
    with warehouse_engine.begin() as conn:
        conn.execute(text("insert into ops.registry_change (employer_id, action, actor, at, diff) "
                          "values (:e, 'offboard', 'test', now() - interval '100 days', '')"),
                     {"e": bakkerij.employer_id})
    run_retention(warehouse_engine, {bakkerij.employer_id: "offboarded"}, load_policy(),
                  apply=True, actor="test", only={bakkerij.employer_id})
    for extraction_id in ids.values():
        assert personal_rows(warehouse_engine, extraction_id) == \
            {"raw": 0, "staging": 0, "messages": 0}
    with warehouse_engine.connect() as conn:
        rows = ledger.history(conn, bakkerij.employer_id)
    assert [(r["period"], r["status"]) for r in rows] == [("2026-09", "delivered"),
                                                          ("2026-10", "delivered")]
    assert all(r["receipt_id"] and r["content_sha256"] for r in rows)


def test_plain_messages_from_before_encryption_are_sealed_by_the_cli(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config,
        monkeypatch, tmp_path, capsys):
    deliver(extract_at, bakkerij, warehouse_engine, https_adapter, handoff_config, (9,))
    with warehouse_engine.begin() as conn:
        delivery_id = conn.execute(text("select cast(delivery_id as text) from ops.delivery "
                                        "where employer_id = :e"),
                                   {"e": bakkerij.employer_id}).scalar()
        body = ledger.message_body(conn, delivery_id)
        conn.execute(text("update ops.delivery_message set body = :b, format = 'plain' "
                          "where delivery_id = :d"), {"b": body, "d": delivery_id})
        assert ledger.message_body(conn, delivery_id) == body
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_engine.url.render_as_string(False))
    registry = tmp_path / "employers.yaml"
    registry.write_text("employers: []\n")
    common = ["retention", "--registry", str(registry), "--employer", bakkerij.employer_id,
              "--json"]
    assert main([*common, "--dry-run"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [(s["target"], s["reason"], s["rows"]) for s in steps] == \
        [("ops.delivery_message", "sealed", 1)]
    assert main([*common, "--yes"]) == 0
    with warehouse_engine.connect() as conn:
        stored = conn.execute(text("select body, format from ops.delivery_message where "
                                   "delivery_id = :d"), {"d": delivery_id}).one()
        assert stored.format == "fernet" and bytes(stored.body) != body
        assert ledger.message_body(conn, delivery_id) == body


def test_unknown_setting_in_the_policy_is_refused(tmp_path):
    path = tmp_path / "retention.yaml"
    path.write_text("defaults: {raw_days: 30}\nemployers: {x: {message_dayz: 10}}\n")
    with pytest.raises(RetentionConfigError, match="x: unknown setting.s. message_dayz"):
        load_policy(path)
    path.write_text("defaults: {raw_days: 30}\nemployers: {x: {message_days: 10}}\n")
    policy = load_policy(path)
    assert (policy.for_employer("x").raw_days, policy.for_employer("x").message_days,
            policy.for_employer("y").message_days) == (30, 10, 730)
