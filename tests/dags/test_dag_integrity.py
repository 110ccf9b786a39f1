"""DAG integrity: every DAG file loads with parse-time lookups forbidden, and follows policy."""

from __future__ import annotations

import shutil
import socket
from datetime import timedelta
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
    return DagBag(dag_folder=str(DAGS), safe_mode=True)


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
            "extract_employees", "publish_period", "validate_period",
            "deliver_stands"} <= set(dag.task_ids)
    for task_id in ("wait_for_payroll", "extract_company", "list_employees",
                    "extract_employees"):  # every task that calls Nmbrs, one naming rule
        assert dag.get_task(task_id).pool == "nmbrs_bakkerij_van_den_berg", task_id
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


def test_every_employer_dag_lives_in_exactly_one_shard_file():
    from payroll_link.dagfactory import SHARDS, shard_of

    files = sorted(p.name for p in DAGS.glob("payroll_shard_*.py"))
    assert files == [f"payroll_shard_{n}.py" for n in range(SHARDS)]
    for n in range(SHARDS):
        assert f"dags_for_shard({n})" in (DAGS / f"payroll_shard_{n}.py").read_text()
    assert {shard_of(f"employer_{i}") for i in range(200)} == set(range(SHARDS))


def test_task_time_parse_builds_only_the_running_dag(monkeypatch, forbid_parse_time_io):
    from airflow.sdk.definitions.context import _AIRFLOW_PARSING_CONTEXT_DAG_ID

    from payroll_link.dagfactory import dags_for_shard, shard_of

    monkeypatch.setenv(_AIRFLOW_PARSING_CONTEXT_DAG_ID, "payroll_bakkerij_van_den_berg")
    shard = shard_of("bakkerij_van_den_berg")
    assert list(dags_for_shard(shard)) == ["payroll_bakkerij_van_den_berg"]


def test_timeouts_fit_the_payroll_calendar(forbid_parse_time_io):
    dag = load_dagbag().dags["payroll_bakkerij_van_den_berg"]
    sensor = dag.get_task("wait_for_payroll")
    # The run outlives the longest wait for the payroll, with a day for the rest of the run.
    assert dag.dagrun_timeout >= timedelta(seconds=sensor.timeout) + timedelta(hours=12)
    assert sensor.timeout == 14 * 24 * 3600 and sensor.mode == "reschedule"
    for task in dag.tasks:
        assert task.execution_timeout is not None, task.task_id
        assert task.execution_timeout <= timedelta(hours=1), task.task_id
        backoff = task.retry_exponential_backoff
        assert isinstance(backoff, float) and backoff > 1, (task.task_id, backoff)
        assert task.max_retry_delay is not None, task.task_id
