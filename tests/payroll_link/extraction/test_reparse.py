"""Wire truth: landed answers re-parse into identical staging rows, without calling Nmbrs."""

from __future__ import annotations

import gzip
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from payroll_link.cli import main
from payroll_link.extraction.reparse import reparse_extraction
from payroll_link.staging import ENTITIES
from payroll_link.warehouse.rawread import staging_rows

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"


def test_raw_keeps_the_response_envelope_as_received_compressed(extract_period,
                                                                warehouse_engine):
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 10)
    with warehouse_engine.connect() as conn:
        rows = conn.execute(text(
            "select operation, wire, wire_bytes, source from raw.call_payload where "
            "extraction_id = :x"), {"x": part.extraction_id}).mappings().all()
    assert rows and all(r["wire"] is not None and r["source"] == "soap" for r in rows)
    svw = next(r for r in rows if r["operation"] == "SVW_GetCurrent")
    body = gzip.decompress(bytes(svw["wire"]))
    assert len(body) == svw["wire_bytes"] and len(bytes(svw["wire"])) < len(body)
    assert body.startswith(b"<?xml") and b"SVW_GetCurrentResponse" in body


def test_reparse_rebuilds_identical_staging_rows_without_calling_nmbrs(
        extract_period, warehouse, warehouse_engine, nmbrs_sim):
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 10)
    calls_before = nmbrs_sim.state.stats.to_dict()["total_calls"]
    result = reparse_extraction(warehouse, part.extraction_id)
    assert nmbrs_sim.state.stats.to_dict()["total_calls"] == calls_before
    assert result.identical and result.extraction_id != part.extraction_id
    assert set(result.diff) == set(ENTITIES)
    for name in ENTITIES:  # checked here too, against the warehouse, not the diff
        assert staging_rows(warehouse_engine, name, result.extraction_id) == staging_rows(
            warehouse_engine, name, part.extraction_id), name
    assert warehouse.extraction(result.extraction_id)["status"] == "landed"
    assert warehouse.published_extraction(part.employer_id, "2026-10") == part.extraction_id


def test_reparse_with_publish_makes_the_rebuilt_extraction_visible(extract_period, warehouse):
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 9)
    before = warehouse.published_rows("svw", part.employer_id, "2026-09")
    result = reparse_extraction(warehouse, part.extraction_id, publish=True)
    assert warehouse.published_extraction(part.employer_id, "2026-09") == result.extraction_id
    assert warehouse.published_rows("svw", part.employer_id, "2026-09") == before


def test_cli_reparse_and_drift_print_counts_and_names(extract_period, warehouse, nmbrs_sim,
                                                      capsys, monkeypatch):
    from payroll_link.cli import source

    nmbrs_sim.state.knobs.update({"extra_elements": {"Schedule_GetCurrent": ["Rota"]}})
    part = extract_period(2001, BAKKERIJ, "monthly", 2026, 10)
    args = SimpleNamespace(extraction=part.extraction_id, publish=False, json=False)
    assert source.run_reparse(args, warehouse) == 0
    out = capsys.readouterr().out
    assert "identical staging rows" in out and "personal_info" in out
    assert source.show_drift(args, warehouse) == 0
    out = capsys.readouterr().out
    assert "Schedule_GetCurrent" in out and "Rota" in out and "unmapped" in out
    monkeypatch.setenv("WAREHOUSE_URL", warehouse.engine.url.render_as_string(
        hide_password=False))
    assert main(["status", "--employer", part.employer_id]) == 0
    assert "1unmapped" in capsys.readouterr().out


def test_period_labels_read_back_for_both_frequencies():
    from payroll_link.extraction.reparse import period_of
    from payroll_link.periods import get_period

    assert period_of("2026-10") == get_period("monthly", 2026, 10)
    assert period_of("2026-4W05") == get_period("four_weekly", 2026, 5)
    with pytest.raises(ValueError, match="neither"):
        period_of("2026-W5")


def test_a_call_landed_without_wire_bytes_cannot_be_reparsed(warehouse, employer_id):
    import datetime as dt

    from payroll_link.warehouse.errors import WarehouseError

    xid = warehouse.begin_extraction(employer_id, "2026-10", dt.date(2026, 10, 1),
                                     dt.date(2026, 10, 31))
    warehouse.land_raw(xid, employer_id, "2026-10", [
        {"service": "EmployeeService", "operation": "Partner_Get", "company_id": 1,
         "employee_id": 5, "request_keys": {"EmployeeId": 5}, "payload": []}])
    with pytest.raises(WarehouseError, match="Partner_Get was landed without its wire bytes"):
        reparse_extraction(warehouse, xid)
