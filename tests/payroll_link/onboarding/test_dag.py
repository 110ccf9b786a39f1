"""The onboarding_preflight DAG file parses without network, database or connection lookups."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

DAG_FILE = Path(__file__).resolve().parents[3] / "dags" / "onboarding_preflight.py"


class _NoNetwork(Exception):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Make every socket connection and connection/variable lookup raise while parsing."""

    def refuse(*args, **kwargs):
        raise _NoNetwork("network access while parsing a DAG file")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from airflow.sdk import BaseHook, Variable

    monkeypatch.setattr(BaseHook, "get_connection", classmethod(refuse))
    monkeypatch.setattr(Variable, "get", staticmethod(refuse))


def test_preflight_dag_parses_without_network(no_network):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAG_FILE))
    assert bag.import_errors == {}
    dag = bag.dags["onboarding_preflight"]
    assert dag.schedule is None or str(dag.timetable.summary).lower() in ("none", "null")
    assert dag.doc_md and "token" in dag.doc_md
    assert set(dag.params) == {"company_name", "account_mode", "nmbrs_conn_id", "username",
                               "domain", "dga_name", "dga_employee_number"}
    assert not any("token" in name or "password" in name for name in dag.params)
    assert [task.task_id for task in dag.tasks] == ["run_preflight", "report_verdict"]
    assert all(task.owner == "data-team" and task.retries >= 1 for task in dag.tasks)
