"""One employer's period end to end into real PostgreSQL: publish, idempotency, atomicity."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from payroll_link.extraction.steps import ExtractionError
from payroll_link.staging import ENTITIES
from simulators.nmbrs_sim.knobs import FaultRule

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"


def published(warehouse, employer_id: str, period: str) -> dict[str, list[dict]]:
    return {name: warehouse.published_rows(name, employer_id, period) for name in ENTITIES}


def test_monthly_period_lands_every_entity_and_publishes(extract_period, warehouse):
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 10)
    rows = published(warehouse, part.employer_id, "2026-10")
    assert all(rows[name] for name in ENTITIES), [n for n in ENTITIES if not rows[n]]
    extraction = warehouse.extraction(part.extraction_id)
    assert extraction["status"] == "published"
    assert extraction["wage_code_path"] == "ReportService background"
    assert extraction["counts"]["personal_info"] == len(rows["personal_info"])
    assert {r["period"] for r in rows["wage_code_line"]} == {10}


def test_four_weekly_period_extracts_its_own_runs(extract_period, warehouse):
    part = extract_period(2002, BAKKERIJ, "four_weekly", 2026, 11)
    runs = warehouse.published_rows("company_run", part.employer_id, "2026-4W11")
    assert [(r["period_start"], r["period_end"]) for r in runs] == [(11, 11)]


def test_rerunning_a_period_yields_identical_published_rows(extract_period, warehouse):
    first = extract_period(2001, BAKKERIJ, "monthly", 2026, 9)
    before = published(warehouse, first.employer_id, "2026-09")
    second = extract_period(2001, BAKKERIJ, "monthly", 2026, 9)
    assert second.extraction_id != first.extraction_id
    assert published(warehouse, first.employer_id, "2026-09") == before
    assert warehouse.extraction(first.extraction_id)["status"] == "superseded"


def test_failure_after_landing_half_the_employees_keeps_the_previous_state(
        extract_period, warehouse, nmbrs_sim):
    first = extract_period(2001, BAKKERIJ, "monthly", 2026, 9)
    before = published(warehouse, first.employer_id, "2026-09")
    nmbrs_sim.state.knobs.faults.append(FaultRule(kind="soap_fault", code=2003, nth=12,
                                                  times=1, operation="PersonalInfo_GetCurrent"))
    with pytest.raises(ExtractionError, match=r"1 employees failed \(fatal, not retried\): "
                       r"NmbrsRequestError 2003 on EmployeeService.PersonalInfo_GetCurrent"):
        extract_period(2001, BAKKERIJ, "monthly", 2026, 9, batch_size=5, concurrency=1)
    assert published(warehouse, first.employer_id, "2026-09") == before
    failed = warehouse.extraction(warehouse.latest_extraction(first.employer_id, "2026-09"))
    assert failed["status"] == "failed" and failed["error_class"] == "NmbrsRequestError"


def test_snapshot_calls_are_marked_in_staging(extract_period, warehouse_engine):
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 10)
    with warehouse_engine.connect() as conn:
        for name, spec in ENTITIES.items():
            flags = conn.execute(text(f"select distinct _snapshot from staging.{name} "
                                      "where _extraction_id = :x"),
                                 {"x": part.extraction_id}).scalars().all()
            assert flags == [spec.snapshot], name
    assert ENTITIES["personal_info"].snapshot and not ENTITIES["employment"].snapshot
    assert not ENTITIES["wage_code_line"].snapshot and ENTITIES["contract"].snapshot


def test_employees_of_the_period_include_leavers_of_that_period(extract_period, warehouse):
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 9)
    listed = {r["employee_id"] for r in warehouse.published_rows("employee", part.employer_id,
                                                                 "2026-09")}
    extracted = {r["employee_id"] for r in warehouse.published_rows(
        "personal_info", part.employer_id, "2026-09")}
    assert extracted - listed, "a leaver of period 9/10 must be extracted for period 9"


def test_a_call_missing_from_the_template_fails_the_batch_naming_the_grant(
        extract_period, warehouse, employer_id):
    from payroll_link.extraction.failures import EmployeeBatchError

    with pytest.raises(EmployeeBatchError, match="SVW_GetCurrent") as err:
        extract_period(2001, "beperkt@bakkerijvandenberg.nl", "monthly", 2026, 10)
    assert (err.value.code, err.value.fatal) == (1002, True)
    failed = warehouse.extraction(warehouse.latest_extraction(employer_id, "2026-10"))
    assert failed["status"] == "failed" and failed["error_class"] == "NmbrsAuthError"
    assert warehouse.published_extraction(employer_id, "2026-10") is None


def test_fatal_nmbrs_errors_fail_the_task_without_retries():
    from airflow.sdk.exceptions import AirflowFailException

    from nmbrs.client import NmbrsAuthError, NmbrsTransientError
    from payroll_link.runtime import nmbrs_errors

    with pytest.raises(AirflowFailException) as err, nmbrs_errors():
        raise NmbrsAuthError("Nmbrs fault 1002: not granted", code=1002)
    assert isinstance(err.value.__cause__, NmbrsAuthError)
    with pytest.raises(NmbrsTransientError), nmbrs_errors():
        raise NmbrsTransientError("Nmbrs answered HTTP 503")


def test_status_command_lists_the_periods_extractions(extract_period, warehouse_db_url,
                                                      monkeypatch, capsys):
    import json

    from payroll_link.cli import main

    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 10)
    monkeypatch.setenv("WAREHOUSE_URL", warehouse_db_url)
    assert main(["status", "--employer", part.employer_id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["shown"], data["total"]) == (1, 1)
    (row,) = data["rows"]
    assert (row["period"], row["status"], row["published"]) == ("2026-10", "published", True)
    assert row["employees"] > 0 and row["quality_errors"] is None
