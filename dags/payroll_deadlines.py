"""Delivery deadlines of the payroll periods (`payroll_deadlines`).

Every hour: for each realised employer, a period that a.s.r. has not received
`delivery_deadline_days` after its end (registry; default 10) raises one alert, and one more
when it has been delivered. State in `ops.deadline_alert`; channels are the Airflow
connections `koppeling_alert_smtp` and `koppeling_alert_webhook` (none = a log line).

A watchdog DAG rather than a check inside each payroll run: a late period is usually one whose
run does not finish (waiting for payroll, failed, paused, not scheduled), so only a check from
outside those runs can see it.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task
from airflow.timetables.trigger import CronTriggerTimetable

PAYROLL_TZ = "Europe/Amsterdam"


@dag(dag_id="payroll_deadlines", schedule=CronTriggerTimetable("0 * * * *", timezone=PAYROLL_TZ),
     start_date=pendulum.datetime(2026, 1, 1, tz=PAYROLL_TZ), catchup=False, max_active_runs=1,
     is_paused_upon_creation=False,  # a watchdog is on from the start (none configured = logs)
     tags=["payroll", "alerts"], doc_md=__doc__,
     default_args={"owner": "data-team", "retries": 2, "retry_delay": timedelta(minutes=5)})
def payroll_deadlines():
    @task
    def check_deadlines(logical_date=None) -> dict:
        from payroll_link.alerts.notifier import run_deadline_check

        return run_deadline_check(pendulum.instance(logical_date).in_timezone(PAYROLL_TZ).date())

    check_deadlines()


payroll_deadlines()
