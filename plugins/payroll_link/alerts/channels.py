"""Where alerts go: Airflow connections configured per deployment (the Airflow face).

- `koppeling_alert_smtp` (type smtp): host, port, login/password, extra `from_email`, `to`
  (comma-separated or a list), `disable_tls`/`disable_ssl`, `timeout`, `retry_limit`; sent
  with the SMTP provider's `SmtpNotifier`.
- `koppeling_alert_webhook` (type http): host = the full webhook URL (a Teams/Slack-style
  incoming webhook or any JSON receiver), password = optional bearer token, extra `headers`.
  The body is `Alert.payload()`: `text` plus the fields.

A connection that is not defined is a channel that is off: the alert is logged (without the
URL, which may carry a secret) and nothing is sent. One channel failing does not stop the other;
`send` raises only when channels are configured and none took the alert.
"""

from __future__ import annotations

import logging

import requests
from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowNotFoundException

from payroll_link.alerts.message import Alert

SMTP_CONN_ID = "koppeling_alert_smtp"
WEBHOOK_CONN_ID = "koppeling_alert_webhook"
WEBHOOK_TIMEOUT_S = 10
log = logging.getLogger(__name__)


class AlertDeliveryError(Exception):
    """Every configured alert channel failed (names the channels and error classes)."""


def _connection(conn_id: str):
    try:
        return BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None


def send(alert: Alert) -> list[str]:
    """Send the alert on every configured channel; return the channels that took it."""
    configured = [(name, conn) for name, conn in (("email", _connection(SMTP_CONN_ID)),
                                                  ("webhook", _connection(WEBHOOK_CONN_ID)))
                  if conn is not None]
    if not configured:
        log.warning("alert not sent, no channel configured (%s, %s): %s", SMTP_CONN_ID,
                    WEBHOOK_CONN_ID, alert.subject)
        return []
    sent, failed = [], []
    for name, conn in configured:
        try:
            (_send_email if name == "email" else _post_webhook)(alert, conn)
            sent.append(name)
        except Exception as err:  # noqa: BLE001 - one channel's failure must not stop the other
            failed.append(f"{name}: {type(err).__name__}")
            log.error("alert channel %s failed (%s): %s", name, type(err).__name__, alert.subject)
    log.info("alert sent via %s: %s", ", ".join(sent) or "nothing", alert.subject)
    if failed and not sent:
        raise AlertDeliveryError(f"no alert channel took the alert ({'; '.join(failed)})")
    return sent


def _send_email(alert: Alert, conn) -> None:
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    extra = conn.extra_dejson
    to = extra.get("to")
    if not to or not extra.get("from_email"):
        raise ValueError(f"connection {SMTP_CONN_ID} needs extra 'to' and 'from_email'")
    SmtpNotifier(to=to, from_email=extra["from_email"], subject=alert.subject,
                 html_content=alert.html(), smtp_conn_id=SMTP_CONN_ID).notify({})


def _webhook_url(conn) -> str:
    host = conn.host or ""
    if "://" in host:
        return host
    port = f":{conn.port}" if conn.port else ""
    return f"https://{host}{port}/{(conn.schema or '').lstrip('/')}"


def _post_webhook(alert: Alert, conn) -> None:
    headers = {"Content-Type": "application/json", **conn.extra_dejson.get("headers", {})}
    if conn.password:
        headers["Authorization"] = f"Bearer {conn.password}"
    answer = requests.post(_webhook_url(conn), json=alert.payload(), headers=headers,
                           timeout=WEBHOOK_TIMEOUT_S)
    if answer.status_code >= 400:
        raise AlertDeliveryError(f"webhook {WEBHOOK_CONN_ID} answered HTTP {answer.status_code}")
