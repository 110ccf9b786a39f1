"""The quality gate's log in a task: verdict first, failed rules with counts, the link; short."""

from __future__ import annotations

import logging

import pytest

from payroll_link.quality import load_ruleset, validate_period
from payroll_link.registry import Dga
from tests.payroll_link.quality.conftest import BAKKERIJ, HOEKSTRA, make_employer
from tests.payroll_link.quality.test_gate import with_fulltime_hours

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


class Lines(logging.Handler):
    """Collect formatted records the way a task log shows them (one record may be many lines)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.extend(self.format(record).splitlines())


@pytest.fixture
def task_logging():
    """Root logger at INFO with a collecting handler, as Airflow sets it up inside a task."""
    root = logging.getLogger()
    handler, level = Lines(), root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_gate_log_of_a_clean_period_starts_with_the_verdict_and_stays_short(
        extract_module, warehouse_engine, docs_dir, task_logging, capfd):
    employer = make_employer(2001, dga=Dga(name="Sandra Bakker", employee_number=1))
    extract_module(employer, BAKKERIJ, 2026, 9)
    part = extract_module(employer, BAKKERIJ, 2026, 10)
    ruleset = with_fulltime_hours(load_ruleset("pension"), employer.employer_id,
                                  "bakkerij_van_den_berg")
    task_logging.lines.clear()
    capfd.readouterr()
    summary = validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                              docs_dir, ruleset=ruleset)
    out, err = capfd.readouterr()
    lines = task_logging.lines + out.splitlines() + err.splitlines()
    assert summary["passed"]
    assert len(lines) < 60, f"{len(lines)} lines"
    assert lines[0].startswith("INFO payroll_link.quality.gate: quality gate PASSED for "), lines
    # A clean period may still fail warning rules (the leaver without a current contract): one
    # line each, then the link.
    failed = [r for r in summary["rules"] if r["failed_count"]]
    assert all(r["severity"] == "warning" for r in failed)
    for line in lines[1:1 + len(failed)]:
        assert line.startswith("WARNING payroll_link.quality.gate: failed rule "), line
    assert f"quality page: file://{summary['docs_index']}" in lines[1 + len(failed)]
    assert not [line for line in lines if "great_expectations" in line]


def test_gate_log_of_a_failing_period_lists_failed_rules_with_counts_before_the_link(
        extract_module, warehouse_engine, docs_dir, task_logging):
    employer = make_employer(2005, dga=Dga(name="Lisa Yılmaz", employee_number=2))
    part = extract_module(employer, HOEKSTRA, 2026, 10)
    task_logging.lines.clear()
    summary = validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                              docs_dir)
    lines = task_logging.lines
    failed = [r for r in summary["rules"] if r["failed_count"]]
    assert lines[0].startswith("INFO payroll_link.quality.gate: quality gate FAILED for ")
    assert f"{summary['errors']} error and {summary['warnings']} warning rules failed" in lines[0]
    # The seeded invalid BSN is one employee: the BSN rule reads "1 of <evaluated>".
    bsn = next(r for r in failed if r["rule_id"] == "identity.bsn_11_proef")
    assert (f"failed rule identity.bsn_11_proef (error): 1 of {bsn['evaluated']} flagged"
            in lines[1:1 + len(failed)][failed.index(bsn)])
    assert "quality page: file://" in lines[1 + len(failed)]
    assert len(lines) < 60
