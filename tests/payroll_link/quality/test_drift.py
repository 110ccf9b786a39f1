"""Drift as an event: a changed Nmbrs answer is recorded, logged by name, and fails the gate."""

from __future__ import annotations

import logging

import pytest

from payroll_link.quality import load_ruleset, validate_period
from payroll_link.warehouse import drift
from simulators.nmbrs_sim.knobs import Knobs
from tests.payroll_link.quality.conftest import BAKKERIJ, make_employer
from tests.payroll_link.quality.test_gate import with_fulltime_hours

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


@pytest.fixture(scope="module")
def drifted(_sim_server, extract_module, warehouse_engine, docs_dir):
    """Period 10 extracted while PersonalInfo grows an element and SVW renames CodeZvw."""
    employer = make_employer(2001)
    _sim_server.state.knobs.update({
        "extra_elements": {"PersonalInfo_GetCurrent": ["FavouriteColour"]},
        "rename_elements": {"SVW_GetCurrent": {"CodeZvw": "ZvwKode"}}})
    handler = _Collect()
    logging.getLogger("payroll_link").addHandler(handler)
    try:
        part = extract_module(employer, BAKKERIJ, 2026, 10)
    finally:
        _sim_server.state.knobs = Knobs()
        logging.getLogger("payroll_link").removeHandler(handler)
    ruleset = with_fulltime_hours(load_ruleset("pension"), employer.employer_id,
                                  "bakkerij_van_den_berg")
    summary = validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                              docs_dir, ruleset=ruleset)
    return part, summary, handler.messages


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_drift_is_recorded_per_call_with_element_names(drifted, warehouse_engine):
    part, _, _ = drifted
    found = {(d["operation"], d["kind"], d["element"].rsplit("/", 1)[-1]): d["employees"]
             for d in drift.summary(warehouse_engine, part.extraction_id)}
    employees = part_employees(warehouse_engine, part.extraction_id)
    assert found[("PersonalInfo_GetCurrent", "unmapped", "FavouriteColour")] == employees
    assert found[("SVW_GetCurrent", "unmapped", "ZvwKode")] == employees
    assert found[("SVW_GetCurrent", "missing", "CodeZvw")] == employees


def part_employees(engine, extraction_id: str) -> int:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("select count(*) from staging.svw where _extraction_id = :x"),
                            {"x": extraction_id}).scalar()


def test_gate_fails_on_the_svw_field_and_warns_on_the_unknown_element(drifted):
    _, summary, _ = drifted
    failed = {r["rule_id"]: r["severity"] for r in summary["rules"] if r["failed_count"]}
    assert failed.get("answered.svw") == "error" and not summary["passed"]
    assert failed.get("source.drift") == "warning"
    assert "answered.contract_hours" not in failed and "answered.salary" not in failed


def test_log_names_the_elements_never_values(drifted, warehouse_engine):
    part, _, messages = drifted
    text = "\n".join(messages)
    assert "FavouriteColour" in text and "ZvwKode" in text and "CodeZvw" in text
    assert "PersonalInfo_GetCurrent" in text and "SVW_GetCurrent" in text
    from sqlalchemy import text as sql

    with warehouse_engine.connect() as conn:
        bsns = conn.execute(sql("select bsn from staging.personal_info where _extraction_id = :x "
                                "and bsn is not null"), {"x": part.extraction_id}).scalars().all()
    assert bsns and not any(bsn in text for bsn in bsns)
