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
    """Return the Airflow pool bounding concurrent Nmbrs calls of this employer's account."""
    from payroll_link.extraction.sources.choice import connection_id

    return f"nmbrs_{connection_id(employer)}"


@lru_cache(maxsize=1)
def warehouse():
    """Return the Warehouse: the `warehouse` connection if defined, else the embedded default."""
    from payroll_link.warehouse import Warehouse, make_engine, migrate, warehouse_url

    url = os.environ.get(f"AIRFLOW_CONN_{WAREHOUSE_CONN_ID.upper()}") or warehouse_url()
    engine = make_engine(url)
    migrate(engine)  # forward-only and idempotent: a no-op once applied
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
def nmbrs_errors():
    """Fail the task at once on fatal Nmbrs errors (a retry cannot help); transient ones retry.

    Credentials, grants, scope, invalid periods and malformed answers need a person; timeouts,
    resets and HTTP 5xx (`NmbrsTransientError`) go to Airflow's retries.
    """
    from airflow.sdk.exceptions import AirflowFailException

    from nmbrs.client import (
        NmbrsAuthError,
        NmbrsConfigError,
        NmbrsRequestError,
        NmbrsResponseError,
    )

    try:
        yield
    except (NmbrsAuthError, NmbrsConfigError, NmbrsRequestError, NmbrsResponseError) as err:
        raise AirflowFailException(str(err)) from err


def record_failure(context) -> None:
    """on_failure_callback: mark the run's extraction failed with the error class and message."""
    ti, error = context.get("ti"), context.get("exception")
    if error is not None and error.__cause__ is not None:
        error = error.__cause__  # the Nmbrs/quality/handoff error behind an AirflowFailException
    extraction_id = ti.xcom_pull(task_ids="start_extraction") if ti else None
    if not extraction_id or error is None:
        return
    first_line = str(error).splitlines()[0][:500] if str(error) else ""
    message = f"{ti.task_id}: {first_line}"
    warehouse().fail(extraction_id, type(error).__name__, message)


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
