"""`koppeling status` says why a period was not delivered, the version in force, what it hides."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

from payroll_link.cli import main
from payroll_link.handoff.service import deliver_period

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


def quality_run(engine, extraction_id, employer_id, passed: bool, errors: int) -> None:
    with engine.begin() as conn:
        conn.execute(text(
            "insert into ops.quality_run (quality_run_id, extraction_id, employer_id, period, "
            "product, ruleset_version, started_at, finished_at, errors, warnings, passed) values "
            "(:q, :x, :e, '2026-09', 'pension', 'test', now(), now(), :n, 0, :p)"),
            {"q": str(uuid.uuid4()), "x": extraction_id, "e": employer_id, "n": errors,
             "p": passed})


def status(capsys, *argv) -> tuple[int, dict | str]:
    code = main(["status", *argv])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if "--json" in argv and code == 0 else out.out + out.err)


def test_status_explains_delivery_and_counts_hidden_rows(
        extract_at, bakkerij, warehouse_engine, warehouse_db_url, https_adapter,
        handoff_config, monkeypatch, capsys):
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_db_url)
    employer = bakkerij.employer_id
    first, period = extract_at(2001, "monthly", 2026, 9)
    quality_run(warehouse_engine, first.extraction_id, employer, True, 0)
    deliver_period(warehouse_engine, bakkerij, first.extraction_id, period, https_adapter,
                   config=handoff_config)
    second, _ = extract_at(2001, "monthly", 2026, 9)  # the same content again
    quality_run(warehouse_engine, second.extraction_id, employer, True, 0)
    assert deliver_period(warehouse_engine, bakkerij, second.extraction_id, period,
                          https_adapter, config=handoff_config)["action"] == "unchanged"
    third, _ = extract_at(2001, "monthly", 2026, 9)
    quality_run(warehouse_engine, third.extraction_id, employer, False, 2)

    code, data = status(capsys, "--employer", employer, "--json")
    assert code == 0 and (data["shown"], data["total"]) == (3, 3)
    newest, middle, oldest = data["rows"]
    assert newest["reason"] == "not delivered: quality gate blocked (2 error rules)"
    assert middle["reason"] == "superseded by a later extraction"
    assert oldest["reason"] == "superseded by a later extraction"
    assert {row["version_in_force"] for row in data["rows"]} == {1}

    code, out = status(capsys, "--employer", employer, "--limit", "1")
    assert code == 0 and "1 of 3 extractions shown (newest first); 2 hidden" in out
    assert "quality gate blocked" in out and " v1 " in out


def test_unchanged_rerun_shows_the_version_in_force(extract_at, bakkerij, warehouse_engine,
                                                    warehouse_db_url, https_adapter,
                                                    handoff_config, monkeypatch, capsys):
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_db_url)
    for _ in range(2):
        part, period = extract_at(2001, "monthly", 2026, 9)
        quality_run(warehouse_engine, part.extraction_id, bakkerij.employer_id, True, 0)
        deliver_period(warehouse_engine, bakkerij, part.extraction_id, period, https_adapter,
                       config=handoff_config)
    code, data = status(capsys, "--employer", bakkerij.employer_id, "--json")
    assert [row["reason"] for row in data["rows"]] == [
        "unchanged: v1 in force", "superseded by a later extraction"]


def test_unknown_employer_is_a_clear_error(warehouse_db_url, monkeypatch, capsys):
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_db_url)
    for command in (["status", "--employer", "nobody_here"],
                    ["ledger", "--employer", "nobody_here"]):
        assert main(command) == 2, command
        assert "unknown employer 'nobody_here'" in capsys.readouterr().err
