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
    from payroll_link.extraction.sources.choice import connection_id
    from payroll_link.runtime import pool_for

    pools = sorted({pool_for(e): connection_id(e) for e in employers}.items())
    for name, conn_id in pools:
        ensure_pool(name, slots, conn_id)
    return [name for name, _ in pools]


def latest_backfill_id(dag_id: str) -> int:
    """Return the id of the DAG's newest backfill in Airflow (0 when it has none)."""
    from airflow.models.backfill import Backfill
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(select(func.max(Backfill.id)).where(Backfill.dag_id == dag_id)) or 0


def backfill_states(dag_id: str, after_id: int) -> dict | None:
    """Return the run states of the DAG's first backfill newer than `after_id` (None: none yet).

    Read from Airflow's own records (backfill, backfill_dag_run, dag_run): reprocessed runs
    count too, and runs Airflow skipped are listed with their reason.
    """
    from airflow.models.backfill import Backfill, BackfillDagRun
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        backfill = session.scalars(select(Backfill).where(
            Backfill.dag_id == dag_id, Backfill.id > after_id).order_by(Backfill.id)).first()
        if backfill is None:
            return None
        rows = session.execute(
            select(DagRun.state, BackfillDagRun.exception_reason)
            .select_from(BackfillDagRun)
            .outerjoin(DagRun, DagRun.id == BackfillDagRun.dag_run_id)
            .where(BackfillDagRun.backfill_id == backfill.id)).all()
    states: dict[str, int] = {"queued": 0, "running": 0, "success": 0, "failed": 0}
    for state, skipped in rows:
        key = str(state.value if hasattr(state, "value") else state) if state else (
            f"skipped ({skipped})")
        states[key] = states.get(key, 0) + 1
    return {"backfill_id": backfill.id, "states": states,
            "completed": backfill.completed_at is not None}
