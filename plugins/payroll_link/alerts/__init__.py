"""Alerts that reach people: a failed payroll task, and a period not delivered in time.

- `actions`: the one action to take per error class (a table, read by people and code).
- `message`: the `Alert` itself — employer, period label, task, error class, action; built from
  names and labels only, never from an exception's text, so no personal data or token can enter.
- `deadlines`: which periods are overdue or resolved (pure) and the state in `ops.deadline_alert`.
- `channels` / `notifier` (the Airflow face): e-mail through Airflow's SMTP provider and a JSON
  webhook, each an Airflow connection (`koppeling_alert_smtp`, `koppeling_alert_webhook`); a
  deployment without them gets a log line instead.
"""
