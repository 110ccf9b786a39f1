"""Airflow-side wiring of the pipeline: connections → client/warehouse, context → partition.

The only module of `payroll_link` besides the timetable that imports Airflow; the task bodies
in dags/ call these helpers and the pure steps in `payroll_link.extraction`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REGISTRY_PATH = Path(os.environ.get("KOPPELING_REGISTRY", REPO / "config" / "employers.yaml"))
WAREHOUSE_CONN_ID = "warehouse"


def registry():
    """Load the employer registry (file only: safe at DAG parse time)."""
    from payroll_link.registry import load_registry

    return load_registry(REGISTRY_PATH)


def employer(employer_id: str):
    """Return one employer of the registry (raises when it is missing or broken)."""
    return registry().by_id(employer_id)


def pool_for(employer) -> str:
    """Return the Airflow pool of the employer's Nmbrs account (every Nmbrs-calling task).

    One rule: ``nmbrs_`` + the connection id without its own ``nmbrs_`` prefix, so connection
    ``nmbrs_bakkerij`` has pool ``nmbrs_bakkerij`` (never ``nmbrs_nmbrs_bakkerij``). The
    connection is that of the source in use (SOAP or REST account).
    """
    from payroll_link.extraction.sources.choice import connection_id

    return f"nmbrs_{connection_id(employer).removeprefix('nmbrs_')}"


def warehouse_url() -> str:
    """Return the warehouse URL: Airflow connection `warehouse`, else the embedded default.

    The one resolver for tasks and commands. The connection is looked up the way Airflow does
    (secrets backend, `AIRFLOW_CONN_WAREHOUSE`, metadata database); without one, the embedded
    default rule applies (`$WAREHOUSE_URL`, else 127.0.0.1:5432, else the private cluster).
    """
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException
    from sqlalchemy.engine import URL

    from payroll_link.warehouse import normalise_url
    from payroll_link.warehouse import warehouse_url as embedded_default

    try:
        conn = BaseHook.get_connection(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return embedded_default()
    query = {key: str(value) for key, value in conn.extra_dejson.items()
             if key in ("sslmode", "sslrootcert", "connect_timeout", "application_name")}
    return normalise_url(URL.create("postgresql+psycopg2", username=conn.login,
                                    password=conn.password, host=conn.host, port=conn.port,
                                    database=conn.schema, query=query))


def warehouse_engine():
    """Return an engine on the resolved warehouse (no migrations: those are a deploy step)."""
    from payroll_link.warehouse import make_engine

    return make_engine(warehouse_url())


@lru_cache(maxsize=1)
def warehouse():
    """Return the Warehouse of the tasks; refuse a schema that lacks a migration."""
    from payroll_link.warehouse import Warehouse, require_current

    engine = warehouse_engine()
    require_current(engine)  # `koppeling migrate` (airflow-init, the demo) applies them
    return Warehouse(engine)


def nmbrs_source(employer):
    """Return the employer's PayrollSource (registry `source`), credentials from its connection."""
    from nmbrs.hooks.nmbrs import NmbrsHook
    from nmbrs.hooks.nmbrs_rest import NmbrsRestHook
    from payroll_link.extraction.sources.choice import source_for

    return source_for(employer, lambda e: NmbrsHook(nmbrs_conn_id=e.nmbrs_conn_id).get_conn(),
                      lambda e: NmbrsRestHook(nmbrs_rest_conn_id=e.rest_conn_id,
                                              warehouse_url=_warehouse_url()).get_conn(),
                      lambda: warehouse().engine)


def documents_source(employer, documents: dict | None):
    """Return the employer's source, reading these started REST wage-code documents if given."""
    source = nmbrs_source(employer)
    if documents is not None:
        source.use_documents(documents)
    return source


def _warehouse_url() -> str:
    """Return the warehouse URL (password included): the REST token store lives there."""
    return warehouse().engine.url.render_as_string(hide_password=False)


def partition(employer, data_interval_start, extraction_id: str):
    """Return the Partition of a run: its employer, company and payroll period."""
    from payroll_link.extraction.steps import Partition
    from payroll_link.timetable import period_for_interval

    period = period_for_interval(employer.frequency, data_interval_start)
    return Partition(employer.employer_id, employer.nmbrs_company_id, period, extraction_id)


@contextmanager
def nmbrs_errors(employer_id: str = "?", period: str = "?"):
    """Fail the task at once on fatal errors (a retry cannot help); transient ones retry.

    The classification lives in `payroll_link.extraction.failures`; the failure names
    employer, period, call and fault code.
    """
    from airflow.sdk.exceptions import AirflowFailException

    from payroll_link.extraction.failures import fatal_message, is_fatal

    try:
        yield
    except Exception as err:
        if is_fatal(err):
            raise AirflowFailException(fatal_message(err, employer_id, period)) from err
        raise


def record_failure(context) -> None:
    """on_failure_callback: mark the run's extraction failed with our error class and message."""
    from airflow.sdk.exceptions import AirflowFailException

    from payroll_link.extraction.failures import describe, error_class

    ti, error = context.get("ti"), context.get("exception")
    if isinstance(error, AirflowFailException) and error.__cause__ is not None:
        error = error.__cause__  # the Nmbrs/quality/handoff error behind the fail-now wrapper
    extraction_id = ti.xcom_pull(task_ids="start_extraction") if ti else None
    if not extraction_id or error is None:
        return
    warehouse().fail(extraction_id, error_class(error), f"{ti.task_id}: {describe(error)}")


def reap_dead_extractions(ti) -> int:
    """Fail open extractions (any employer) whose Airflow run no longer runs; return how many."""
    import logging

    from payroll_link.registry import dag_id_of
    from payroll_link.warehouse.reaper import lease_expired, reap

    def alive(row: dict) -> bool:
        if not row["airflow_run_id"]:
            return not lease_expired(row)
        try:
            return ti.get_dr_count(dag_id=dag_id_of(row["employer_id"]),
                                   run_ids=[row["airflow_run_id"]],
                                   states=["queued", "running"]) > 0
        except Exception as err:  # noqa: BLE001 - cannot tell: leave it for the next pass
            logging.getLogger(__name__).warning("reaper: state of %s unknown (%s)",
                                                row["airflow_run_id"], type(err).__name__)
            return True

    return len(reap(warehouse().engine, alive))


def period_order_guard(employer, period, dag_run) -> list[str]:
    """Fail now when the period would be delivered out of order and the run did not ask for it.

    Returns the later delivered periods that must be re-run in order (empty when in order).
    """
    from airflow.sdk.exceptions import AirflowFailException

    from payroll_link.backfill_policy import CONF_KEY, OutOfOrderError, baseline_until, judge

    with warehouse().engine.connect() as conn:
        verdict = judge(conn, employer.employer_id, [period], baseline_until(employer))
    if (getattr(dag_run, "conf", None) or {}).get(CONF_KEY):
        return verdict.later_delivered
    try:
        verdict.refuse()
    except OutOfOrderError as err:
        raise AirflowFailException(str(err)) from err
    return []


def delivery_adapter(employer):
    """Return the a.s.r. delivery adapter of the employer's `delivery_conn_id` connection."""
    from airflow.sdk import BaseHook

    from payroll_link.handoff import sealing
    from payroll_link.handoff.adapters import adapter_from

    sealing.use_lookup(connection_password)  # the message key: metadata DB, secrets backends
    conn = BaseHook.get_connection(employer.delivery_conn_id)
    return adapter_from(conn.conn_type, conn.host, conn.login, conn.password, conn.extra_dejson)


def connection_password(conn_id: str) -> str | None:
    """Return the password of an Airflow connection, or None when it is not defined."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return BaseHook.get_connection(conn_id).password
    except AirflowNotFoundException:
        return None
