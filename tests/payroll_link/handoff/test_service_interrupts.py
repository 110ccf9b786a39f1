"""A task timeout or termination during delivery stays what it is, so Airflow may retry."""

from __future__ import annotations

import pytest
from airflow.sdk.exceptions import AirflowTaskTimeout

from payroll_link.handoff import ledger
from payroll_link.handoff.service import deliver_period

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]


class TimedOutAdapter:
    """Wraps a real adapter; the first send is interrupted the way Airflow's timeout does."""

    def __init__(self, adapter):
        self.inner, self.name, self.target = adapter, adapter.name, adapter.target

    def deliver(self, envelope):
        raise AirflowTaskTimeout("Timeout, PID: 1234")


def test_task_timeout_during_delivery_is_raised_unchanged_and_retried_once(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config):
    part, period = extract_at(2001, "monthly", 2026, 9)
    with pytest.raises(AirflowTaskTimeout):
        deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                       TimedOutAdapter(https_adapter), config=handoff_config)
    with warehouse_engine.connect() as conn:
        [row] = ledger.history(conn, bakkerij.employer_id)
    assert (row["status"], row["error_class"]) == ("failed", "AirflowTaskTimeout")
    result = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                            https_adapter, config=handoff_config)
    assert (result["action"], result["version"]) == ("sent", 1)
    assert asr_receiver.state.store.stats["accepted"] == 1
