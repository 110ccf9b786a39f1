"""A handful of the fault drill's cases in the test suite (the whole matrix: `./run faults`)."""

from __future__ import annotations

import pytest

from tests.faults import asr_cases, kill_cases, nmbrs_cases
from tests.faults.harness import rig

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
NMBRS = [("Run_GetList", "http503", "once"),
         ("Salary_GetAll_AllEmployeesByCompany", "timeout", "persistent"),
         ("Employment_GetAll_AllEmployeesByCompany", "auth1002", "once"),
         ("Salary_GetAll_AllEmployeesByCompany", "xxe", "once")]


@pytest.fixture(scope="module")
def drill():
    with rig() as made:
        yield made


def test_nmbrs_faults_are_retried_or_fail_classified_without_leaks(drill):
    outcomes = nmbrs_cases.run_all(drill, selected=NMBRS, report=lambda _: None)
    assert [(o.case, o.got, o.note) for o in outcomes if not o.held] == []
    assert [o.got for o in outcomes] == ["retried-success", "failed NmbrsTransientError",
                                         "failed NmbrsAuthError", "failed NmbrsResponseError"]


def test_receiver_down_then_up_gives_exactly_one_accepted_message(drill):
    (outcome,) = asr_cases.run_all(drill, match="down", report=lambda _: None)
    assert outcome.held, outcome.note
    assert outcome.got == "failed DeliveryTransientError"


def test_sigkill_during_publish_leaves_the_published_rows_and_recovers(drill):
    (outcome,) = kill_cases.run_all(drill, match="publish", report=lambda _: None)
    assert outcome.held, outcome.note
