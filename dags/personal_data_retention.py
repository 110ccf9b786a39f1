"""Personal-data retention, daily: `koppeling retention --yes` as a task.

Purges raw Nmbrs answers, staging rows and stored pension messages past the periods of
`config/retention.yaml` (everything of an offboarded employer after its grace period) and seals
stored messages that are not encrypted yet. Counts per employer and table go to
`ops.retention_run`; the task's XCom is two numbers. Policy: docs/personal-data.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task


@dag(dag_id="personal_data_retention", schedule="@daily", start_date=datetime(2026, 1, 1),
     catchup=False, max_active_runs=1, doc_md=__doc__, tags=["maintenance", "privacy"],
     default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(minutes=10)})
def personal_data_retention():
    """Apply the retention policy to every employer of the registry and the warehouse."""

    @task
    def purge_expired() -> dict:
        """Purge and seal; return how many rows were touched in how many steps."""
        from payroll_link.handoff import sealing
        from payroll_link.retention.policy import load_policy
        from payroll_link.retention.purge import run_retention
        from payroll_link.runtime import connection_password, registry, warehouse

        sealing.use_lookup(connection_password)
        statuses = {e.employer_id: e.status for e in registry().employers}
        steps = run_retention(warehouse().engine, statuses, load_policy(), apply=True,
                              actor="airflow:personal_data_retention")
        touched = [step for step in steps if step.rows]
        return {"rows": sum(step.rows for step in touched), "steps": len(touched)}

    purge_expired()


personal_data_retention()
