"""The Airflow face of the alerts: the failure notifier of the payroll DAGs and the deadline task.

`PayrollFailureNotifier` is an Airflow notifier (`airflow.sdk.BaseNotifier`) on every payroll
task's `on_failure_callback`. It runs after the task has failed for good (not on a retry), reads
employer and period from the run, the error class from the exception (the cause behind an
AirflowFailException), looks up the action, claims the attempt in `ops.alert_failure` so that
several failing tasks of one run attempt alert once, and sends. Nothing at construction time
touches a connection or database (it is built while DAG files are parsed).
"""

from __future__ import annotations

import datetime as dt
import logging

from airflow.sdk import BaseNotifier

from payroll_link.alerts.actions import action_for, class_chain, root_error
from payroll_link.alerts.message import Alert

log = logging.getLogger(__name__)
UNKNOWN_ERROR = "UnknownError"  # the task died without an exception (killed, lost heartbeat)


class PayrollFailureNotifier(BaseNotifier):
    """Alert people that a payroll task failed: employer, period, task, error class, action."""

    def notify(self, context) -> None:
        """Build the alert from the failure context, claim it once per run attempt, send it."""
        from payroll_link.alerts import channels

        alert = failure_alert(context)
        if alert is None:
            return
        if not _first_of_attempt(context, alert):
            log.info("alert already sent for this run attempt: %s", alert.subject)
            return
        channels.send(alert)


def failure_alert(context) -> Alert | None:
    """Return the alert of a failed payroll task, or None outside a payroll run."""
    from payroll_link import runtime

    ti = context.get("ti")
    if ti is None:
        return None
    employer_id = ti.dag_id.removeprefix("payroll_")
    try:
        employer = runtime.employer(employer_id)
    except KeyError:
        log.warning("no registry entry for %s; failure alert not sent", ti.dag_id)
        return None
    period = _period_label(employer, context.get("data_interval_start"))
    chain = class_chain(root_error(context.get("exception")))
    return Alert("task_failed", employer.employer_id, employer.company_name, period,
                 action_for(chain), task_id=ti.task_id,
                 error_class=chain[0] if chain else UNKNOWN_ERROR, run_id=ti.run_id)


def _period_label(employer, data_interval_start) -> str:
    """Return the run's payroll period label; a run not made by the timetable says so."""
    from payroll_link.periods import PeriodError
    from payroll_link.timetable import period_for_interval

    if data_interval_start is None:
        return "unknown"
    try:
        return period_for_interval(employer.frequency, data_interval_start).label
    except PeriodError:
        return f"unknown (data interval starts {data_interval_start.isoformat()})"


def _first_of_attempt(context, alert: Alert) -> bool:
    """Claim the run attempt; when the warehouse cannot say, alert rather than stay silent."""
    from payroll_link import runtime
    from payroll_link.alerts import state

    ti, run = context["ti"], context.get("dag_run")
    started = getattr(run, "start_date", None)
    attempt = f"{getattr(run, 'clear_number', 0) or 0}@{started.isoformat() if started else '-'}"
    try:
        return state.claim_failure(
            runtime.warehouse().engine, dag_id=ti.dag_id, run_id=ti.run_id,
            attempt=attempt, employer_id=alert.employer_id,
            period=alert.period, task_id=alert.task_id, error_class=alert.error_class)
    except Exception as err:  # noqa: BLE001 - a broken warehouse must not swallow the alert
        log.warning("alert state not recorded (%s); sending anyway", type(err).__name__)
        return True


def run_deadline_check(today: dt.date) -> dict:
    """The `payroll_deadlines` task: check every realised employer, send through the channels."""
    from payroll_link import runtime
    from payroll_link.alerts import channels
    from payroll_link.alerts.deadlines import check_deadlines

    done = check_deadlines(runtime.warehouse().engine, runtime.registry().employers, today,
                           channels.send)
    return {"today": today.isoformat(), "raised": done.raised, "resolved": done.resolved}
