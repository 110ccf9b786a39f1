"""A REST employer's DAG awaits the wage-code documents with a reschedule sensor; SOAP's do not."""

from __future__ import annotations

import pytest

from payroll_link.dagfactory import DOCUMENT_POKE, DOCUMENT_WAIT
from payroll_link.demo_rest import demo_registry
from payroll_link.runtime import pool_for
from tests.dags.test_dag_integrity import REPO, forbid_parse_time_io, load_dagbag  # noqa: F401

REST, SOAP = "van_den_berg_banket", "bakkerij_van_den_berg"


@pytest.mark.usefixtures("forbid_parse_time_io")
def test_rest_dag_waits_for_documents_in_reschedule_mode_and_soap_dag_does_not(monkeypatch,
                                                                               tmp_path):
    from payroll_link.registry import load_registry

    path = demo_registry(REPO / "config" / "employers.yaml", tmp_path / "employers.yaml",
                         [REST])
    bag = load_dagbag(path, monkeypatch)
    assert bag.import_errors == {}
    registry = load_registry(path)
    rest = bag.dags[f"payroll_{REST}"]
    sensor = rest.get_task("wait_for_documents")
    assert sensor.mode == "reschedule"
    assert sensor.poke_interval == DOCUMENT_POKE
    assert sensor.timeout == DOCUMENT_WAIT.total_seconds()
    assert sensor.pool == pool_for(registry.by_id(REST))
    assert rest.get_task("start_documents").pool == sensor.pool
    assert sensor.upstream_task_ids == {"start_documents"}
    assert "start_extraction" in rest.get_task("start_documents").upstream_task_ids
    assert "wait_for_documents" in rest.get_task("extract_company").upstream_task_ids

    soap = bag.dags[f"payroll_{SOAP}"]
    assert not {"start_documents", "wait_for_documents"} & set(soap.task_ids)
    assert soap.get_task("extract_company").upstream_task_ids == {"start_extraction"}
