"""Failures are classified end to end: fatal ones named and not retried, transient ones retried."""

from __future__ import annotations

import pytest

from payroll_link.extraction.failures import EmployeeBatchError
from simulators.nmbrs_sim.knobs import FaultRule

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"


def failed_row(warehouse, employer_id: str, period: str) -> dict:
    return warehouse.extraction(warehouse.latest_extraction(employer_id, period))


@pytest.mark.parametrize("rule, error_class, code", [
    (FaultRule(kind="soap_fault", code=2004, text="Unauthorized access"), "NmbrsRequestError",
     2004),
    (FaultRule(kind="soap_fault", code=9999, text="Unkown"), "NmbrsFault", 9999),
    (FaultRule(kind="malformed"), "NmbrsResponseError", None),
])
def test_per_employee_fault_is_fatal_naming_call_and_code(extract_period, warehouse, nmbrs_sim,
                                                          employer_id, rule, error_class, code):
    rule.operation, rule.nth = "Contract_GetCurrentPeriod", 4
    nmbrs_sim.state.knobs.faults.append(rule)
    with pytest.raises(EmployeeBatchError) as err:
        extract_period(2001, BAKKERIJ, "monthly", 2026, 10, concurrency=1)
    assert err.value.fatal and err.value.error_class == error_class and err.value.code == code
    assert type(err.value.__cause__).__name__ == error_class  # wraps the client's error
    assert err.value.operation == "EmployeeService.Contract_GetCurrentPeriod"
    assert len(err.value.employee_ids) == 1
    row = failed_row(warehouse, employer_id, "2026-10")
    assert (row["status"], row["error_class"]) == ("failed", error_class)
    assert "Contract_GetCurrentPeriod" in row["error_message"]


def test_per_employee_outage_is_transient_after_the_client_retries(extract_period, warehouse,
                                                                   nmbrs_sim, employer_id):
    nmbrs_sim.state.knobs.faults.append(FaultRule(kind="http503", operation="Partner_Get",
                                                  probability=1.0, times=8))
    with pytest.raises(EmployeeBatchError) as err:
        extract_period(2001, BAKKERIJ, "monthly", 2026, 10, concurrency=1)
    assert not err.value.fatal and err.value.error_class == "NmbrsTransientError"
    assert type(err.value.__cause__).__name__ == "NmbrsTransientError"
    assert "transient, retried" in str(err.value)


def test_nmbrs_errors_fail_now_naming_employer_period_call_and_code():
    from airflow.sdk.exceptions import AirflowFailException

    from nmbrs.client import NmbrsFault, NmbrsTransientError
    from payroll_link.runtime import nmbrs_errors

    with pytest.raises(AirflowFailException) as err, nmbrs_errors("acme", "2026-03"):
        raise NmbrsFault("Nmbrs SOAP fault: Unkown", code=9999,
                         operation="CompanyService.Run_GetList")
    assert str(err.value).startswith("acme 2026-03, call CompanyService.Run_GetList, fault code "
                                     "9999: NmbrsFault:")
    with pytest.raises(NmbrsTransientError), nmbrs_errors("acme", "2026-03"):
        raise NmbrsTransientError("Nmbrs did not answer in time")


class _TaskInstance:
    def __init__(self, task_id: str, extraction_id: str):
        self.task_id, self._xid = task_id, extraction_id

    def xcom_pull(self, task_ids: str):
        assert task_ids == "start_extraction"
        return self._xid


def _raised(make):
    try:
        make()
    except Exception as err:  # noqa: BLE001 - the test wants the chained exception
        return err
    raise AssertionError("nothing raised")


@pytest.fixture
def runtime_on_test_warehouse(monkeypatch, warehouse_db_url):
    from payroll_link import runtime

    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", warehouse_db_url)
    runtime.warehouse.cache_clear()
    yield runtime
    runtime.warehouse.cache_clear()


def test_record_failure_stores_our_class_not_the_library_class(runtime_on_test_warehouse,
                                                               warehouse, employer_id):
    import zeep.exceptions
    from airflow.sdk.exceptions import AirflowFailException

    from nmbrs.client.errors import translate

    def fault():
        try:
            raise zeep.exceptions.Fault("Server was unable to process request. ---> 9999: Unkown",
                                        code="soap:Server")
        except zeep.exceptions.Fault as raw:
            raise translate(raw, operation="CompanyService.Run_GetList") from raw

    xid = warehouse.begin_extraction(employer_id, "2026-03", _date(3, 1), _date(3, 31))
    runtime_on_test_warehouse.record_failure(
        {"ti": _TaskInstance("extract_company", xid), "exception": _raised(fault)})
    row = warehouse.extraction(xid)
    assert (row["status"], row["error_class"]) == ("failed", "NmbrsFault")
    assert row["error_message"].startswith("extract_company: Nmbrs SOAP fault: Unkown")

    def wrapped():
        try:
            fault()
        except Exception as err:
            raise AirflowFailException("acme 2026-04: fatal") from err

    xid = warehouse.begin_extraction(employer_id, "2026-04", _date(4, 1), _date(4, 30))
    runtime_on_test_warehouse.record_failure(
        {"ti": _TaskInstance("extract_company", xid), "exception": _raised(wrapped)})
    assert warehouse.extraction(xid)["error_class"] == "NmbrsFault"


def test_record_failure_without_an_extraction_changes_nothing(runtime_on_test_warehouse):
    runtime_on_test_warehouse.record_failure(
        {"ti": _TaskInstance("wait_for_payroll", None), "exception": RuntimeError("x")})


def _date(month: int, day: int):
    import datetime as dt

    return dt.date(2026, month, day)
