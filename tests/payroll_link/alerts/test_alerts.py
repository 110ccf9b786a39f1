"""Alert content and the deadline check: real warehouse, SMTP sink and webhook receiver."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from nmbrs.client import NmbrsAuthError
from payroll_link.alerts.actions import ACTIONS, DEFAULT_ACTION, action_for, class_chain
from payroll_link.alerts.deadlines import check_deadlines, missed_periods
from payroll_link.alerts.message import Alert
from payroll_link.handoff.errors import HandoffBlockedError
from payroll_link.registry import load_registry
from tests.alert_sinks import alert_connections, mail_text, secrets_of

pytestmark = [pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[3]


def bakkerij(employer_id: str, **changes):
    employer = load_registry(REPO / "config" / "employers.yaml").by_id("bakkerij_van_den_berg")
    return employer.model_copy(update={"employer_id": employer_id, **changes})


def test_action_is_the_most_specific_class_in_the_hierarchy():
    error = NmbrsAuthError("denied", code=1002, operation="Run_GetList")
    assert class_chain(error)[:3] == ["NmbrsAuthError", "NmbrsFault", "NmbrsError"]
    assert action_for(class_chain(error)) == ACTIONS["NmbrsAuthError"]
    blocked = HandoffBlockedError("blocked")  # no own row: its parent HandoffDataError's action
    assert action_for(class_chain(blocked)) == ACTIONS["HandoffDataError"]
    assert action_for(class_chain(KeyError("x"))) == DEFAULT_ACTION


def test_missed_periods_count_from_the_period_end_plus_the_deadline():
    employer = bakkerij("x_deadline", backfill_start=dt.date(2026, 9, 1),
                        delivery_deadline_days=5)
    # September ends 09-30: due 10-05, missed from 10-06; October due 11-05.
    assert [(p.label, due.isoformat()) for p, due in missed_periods(
        employer, dt.date(2026, 11, 6))] == [("2026-09", "2026-10-05"), ("2026-10", "2026-11-05")]
    assert [p.label for p, _ in missed_periods(employer, dt.date(2026, 11, 5))] == ["2026-09"]
    default = bakkerij("x_default", backfill_start=dt.date(2026, 9, 1))
    assert [p.label for p, _ in missed_periods(default, dt.date(2026, 10, 10))] == []  # due 10-10
    assert [p.label for p, _ in missed_periods(default, dt.date(2026, 10, 11))] == ["2026-09"]


def deliver(warehouse, employer_id: str, label: str, start: dt.date, end: dt.date) -> None:
    """Record a delivered version of a period in the ledger, as the handoff does."""
    xid = warehouse.begin_extraction(employer_id, label, start, end, "manual__test")
    with warehouse.engine.begin() as conn:
        conn.execute(text(
            "insert into ops.delivery (delivery_id, employer_id, period, period_start, "
            "period_end, version, extraction_id, message_id, idempotency_key, content_sha256, "
            "message_sha256, message_bytes, schema_name, adapter, status, receipt_id, stands, "
            "delivered_at) values (:d, :e, :p, :s, :t, 1, :x, 'm', :k, 'sha256:c', 'sha256:m', "
            "1, 'stands-message.v1', 'https', 'delivered', 'r-1', 3, now())"),
            {"d": str(uuid.uuid4()), "e": employer_id, "p": label, "s": start, "t": end,
             "x": xid, "k": str(uuid.uuid4())})


def test_late_period_alerts_once_and_once_more_when_delivered(
        warehouse, employer_id, smtp_sink, webhook_receiver, monkeypatch, sim_world):
    from payroll_link.alerts import channels

    for name, value in alert_connections(smtp_sink, webhook_receiver).items():
        monkeypatch.setenv(name, value)
    employer = bakkerij(employer_id, backfill_start=dt.date(2026, 9, 1),
                        delivery_deadline_days=5)
    deliver(warehouse, employer_id, "2026-09", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    today = dt.date(2026, 11, 20)  # September (delivered) and October (not) are past due
    first = check_deadlines(warehouse.engine, [employer], today, channels.send)
    again = check_deadlines(warehouse.engine, [employer], today, channels.send)
    assert (first.raised, first.resolved, again.raised, again.resolved) == (1, 0, 0, 0)
    deliver(warehouse, employer_id, "2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    resolved = check_deadlines(warehouse.engine, [employer], today, channels.send)
    after = check_deadlines(warehouse.engine, [employer], today, channels.send)
    assert (resolved.raised, resolved.resolved, after.raised, after.resolved) == (0, 1, 0, 0)

    mails = [mail_text(m) for m in smtp_sink.sink.messages]
    hooks = [m["json"] for m in webhook_receiver.sink.messages]
    assert len(mails) == 2 and len(hooks) == 2
    assert "period not delivered in time" in mails[0] and "now delivered" in mails[1]
    for mail in mails:
        assert employer_id in mail and "2026-10" in mail and "2026-11-05" in mail
    assert [h["alert"]["kind"] for h in hooks] == ["deadline_missed", "deadline_resolved"]
    assert {h["alert"]["period"] for h in hooks} == {"2026-10"}
    assert hooks[0]["alert"]["due_date"] == "2026-11-05" and hooks[1]["alert"][
        "delivered_version"] == 1
    assert smtp_sink.sink.messages[0]["to"] == ["<data-team@example.test>"]
    everything = "\n".join(mails) + "".join(m["raw"].decode() for m in
                                             webhook_receiver.sink.messages)
    assert not [s for s in secrets_of(sim_world, [2001]) if s in everything]


def test_without_channels_the_alert_is_logged_and_not_sent(monkeypatch, caplog):
    from payroll_link.alerts import channels

    monkeypatch.delenv("AIRFLOW_CONN_KOPPELING_ALERT_SMTP", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_KOPPELING_ALERT_WEBHOOK", raising=False)
    alert = Alert("deadline_missed", "emp_x", "Emp X B.V.", "2026-10", "act")
    with caplog.at_level("WARNING"):
        assert channels.send(alert) == []
    assert "no channel configured" in caplog.text and "emp_x 2026-10" in caplog.text


def failure_context(data_interval_start, exception):
    from types import SimpleNamespace

    ti = SimpleNamespace(dag_id="payroll_van_den_berg_banket", task_id="validate_period",
                         run_id="scheduled__2026-09-06T22:00:00+00:00")
    return {"ti": ti, "data_interval_start": data_interval_start, "exception": exception}


def test_failure_alert_names_the_four_weekly_period_and_the_cause_behind_the_fail():
    import pendulum
    from airflow.sdk.exceptions import AirflowFailException

    from payroll_link.alerts.notifier import failure_alert
    from payroll_link.quality import QualityGateError

    gate = QualityGateError([("identity.bsn_11_proef", 2)], employer_id="van_den_berg_banket",
                            period="2026-4W10")
    try:
        raise AirflowFailException(str(gate)) from gate
    except AirflowFailException as err:
        failed = err
    # 2026 four-weekly period 10 starts on Monday 2026-09-07 (00:00 Amsterdam = 22:00 UTC before).
    start = pendulum.datetime(2026, 9, 6, 22, tz="UTC")
    alert = failure_alert(failure_context(start, failed))
    assert (alert.employer_id, alert.period, alert.task_id, alert.error_class) == (
        "van_den_berg_banket", "2026-4W10", "validate_period", "QualityGateError")
    assert alert.action == ACTIONS["QualityError"]
    assert "bsn_11_proef" not in alert.text()  # the exception's text never enters the alert
    odd = failure_alert(failure_context(pendulum.datetime(2026, 9, 9, tz="UTC"), failed))
    assert odd.period.startswith("unknown (data interval starts 2026-09-09")


def test_failure_alert_of_an_employee_batch_names_the_nmbrs_error_behind_it():
    import pendulum
    from airflow.sdk.exceptions import AirflowFailException

    from nmbrs.client import NmbrsRequestError
    from payroll_link.alerts.notifier import failure_alert
    from payroll_link.extraction.failures import batch_error

    refused = NmbrsRequestError("employee not authorised", code=2004,
                                operation="SVW_GetCurrent", employee_id=7)
    batch = batch_error("van_den_berg_banket", "2026-4W10", {7: refused})
    try:
        raise AirflowFailException(str(batch)) from batch
    except AirflowFailException as err:
        failed = err
    alert = failure_alert(failure_context(pendulum.datetime(2026, 9, 6, 22, tz="UTC"), failed))
    assert alert.period == "2026-4W10"
    assert alert.error_class == "NmbrsRequestError"
    assert alert.action == ACTIONS["NmbrsRequestError"]
