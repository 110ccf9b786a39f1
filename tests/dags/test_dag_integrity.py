"""DAG integrity: every DAG file loads with parse-time lookups forbidden, and follows policy."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"


class ParseTimeLookup(AssertionError):
    """Raised when a DAG file touches a connection, variable, database or network at parse."""


@pytest.fixture
def forbid_parse_time_io(monkeypatch):
    """Make connection, variable, database and network lookups raise while DAGs are parsed."""
    import sqlalchemy
    from airflow.sdk import BaseHook, Variable

    def refuse(*_args, **_kwargs):
        raise ParseTimeLookup("I/O at DAG parse time")

    monkeypatch.setattr(BaseHook, "get_connection", classmethod(refuse))
    monkeypatch.setattr(Variable, "get", staticmethod(refuse))
    monkeypatch.setattr(sqlalchemy, "create_engine", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def load_dagbag(registry: Path | None = None, monkeypatch=None):
    from airflow.dag_processing.dagbag import DagBag

    if registry is not None:
        monkeypatch.setattr("payroll_link.runtime.REGISTRY_PATH", registry)
    return DagBag(dag_folder=str(DAGS), safe_mode=False)


def test_every_dag_file_loads_without_parse_time_io(forbid_parse_time_io):
    bag = load_dagbag()
    assert bag.import_errors == {}
    assert {"payroll_bakkerij_van_den_berg", "payroll_van_den_berg_banket",
            "payroll_cafe_de_gouden_leeuw"} <= set(bag.dag_ids)
    assert "payroll_hollander_installatietechniek" not in bag.dag_ids  # registered only


def test_dag_policy_owner_tags_retries_doc(forbid_parse_time_io):
    for dag in load_dagbag().dags.values():
        assert dag.doc_md and dag.tags, dag.dag_id
        for task in dag.tasks:
            assert task.owner == "data-team", (dag.dag_id, task.task_id)
            assert task.retries >= 1, (dag.dag_id, task.task_id)


def test_payroll_dag_shape_and_schedule(forbid_parse_time_io):
    dag = load_dagbag().dags["payroll_van_den_berg_banket"]
    assert dag.max_active_runs == 1 and dag.catchup
    assert type(dag.timetable).__name__ == "PayrollPeriodTimetable"
    assert dag.timetable.frequency == "four_weekly"
    assert {"wait_for_payroll", "start_extraction", "extract_company", "list_employees",
            "extract_employees", "publish_period"} <= set(dag.task_ids)
    assert dag.get_task("extract_employees").pool == "nmbrs_nmbrs_bakkerij_van_den_berg"
    paused = load_dagbag().dags["payroll_cafe_de_gouden_leeuw"]
    assert paused.is_paused_upon_creation


def test_broken_registry_entry_is_an_import_error_and_others_still_load(
        tmp_path, monkeypatch, forbid_parse_time_io):
    registry = tmp_path / "employers.yaml"
    shutil.copy(REPO / "config" / "employers.yaml", registry)
    text = registry.read_text().replace("frequency: four_weekly\n    dga: null",
                                        "frequency: fortnightly\n    dga: null", 1)
    registry.write_text(text)
    bag = load_dagbag(registry, monkeypatch)
    assert "payroll_bakkerij_van_den_berg" in bag.dag_ids
    assert "payroll_van_den_berg_banket" not in bag.dag_ids
    (path, message), = bag.import_errors.items()
    assert path.endswith("payroll_registry_check.py")
    assert "van_den_berg_banket" in message and "frequency" in message
