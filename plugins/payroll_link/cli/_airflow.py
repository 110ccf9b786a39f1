"""The commands' hands in Airflow: pause or unpause a DAG, create the account pools.

Written through Airflow's Python API against its metadata database (the one `airflow` commands
of this environment use), so a command that changes an employer changes Airflow too.
"""

from __future__ import annotations

POOL_SLOTS = 2  # Nmbrs-calling tasks per account at once (the fair-use bucket bounds the calls)


def set_paused(dag_id: str, paused: bool) -> str:
    """Pause or unpause a DAG in Airflow; return what happened, in words."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    state = "paused" if paused else "active"
    with create_session() as session:
        model = session.get(DagModel, dag_id)
        if model is None:
            return f"{dag_id} is not in Airflow yet: it is created {state} on its first parse"
        if bool(model.is_paused) == paused:
            return f"{dag_id} was already {state} in Airflow"
        model.is_paused = paused
    return f"{dag_id} is now {state} in Airflow"


def is_paused(dag_id: str) -> bool | None:
    """Return whether Airflow holds the DAG paused (None when Airflow does not know it)."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    with create_session() as session:
        model = session.get(DagModel, dag_id)
        return None if model is None else bool(model.is_paused)


def ensure_pool(name: str, slots: int, conn_id: str) -> None:
    """Create the pool of an Nmbrs account, or set its slots."""
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(name, slots, f"Nmbrs-calling tasks of connection {conn_id}",
                               include_deferred=False)


def ensure_pools(employers, slots: int = POOL_SLOTS) -> list[str]:
    """Create one pool per Nmbrs connection of these employers; return the pool names."""
    from payroll_link.runtime import pool_for

    pools = sorted({pool_for(e): e.nmbrs_conn_id for e in employers}.items())
    for name, conn_id in pools:
        ensure_pool(name, slots, conn_id)
    return [name for name, _ in pools]
