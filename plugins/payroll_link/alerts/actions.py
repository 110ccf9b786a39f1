"""The one action to take for each error class of a failed payroll task.

Keyed by class name and looked up along the exception's class hierarchy (the most specific
entry wins), so a new subclass inherits its parent's action until it gets its own row. The
texts name commands and places, never data values.
"""

from __future__ import annotations

DEFAULT_ACTION = ("Open the task log from the Airflow UI (the run of this period) and follow "
                  "docs/alerts.md; clear the task once the cause is fixed.")

ACTIONS: dict[str, str] = {
    # Nmbrs (plugins/nmbrs/client/errors.py)
    "NmbrsAuthError": "Check the Nmbrs API user of this employer (token, domain, the call's "
                      "grant in the API template): run `koppeling preflight`, then clear the task.",
    "NmbrsRequestError": "Nmbrs refused the company, debtor or period (scope or invalid period): "
                         "check the employer's Nmbrs ids in the registry, then clear the task.",
    "NmbrsTransientError": "Nmbrs stayed unreachable through all retries: check Nmbrs' status "
                           "page and clear the task when it answers again.",
    "NmbrsResponseError": "Nmbrs answered in a shape the link does not know: hand the run id to "
                          "the link's developers; re-running will not help.",
    "NmbrsConfigError": "Fix this employer's Nmbrs connection (login, password, extra.domain), "
                        "then clear the task.",
    # Quality gate (plugins/payroll_link/quality/errors.py)
    "QualityError": "Open the quality page of this run (`koppeling status`), ask the payroll "
                    "processor to correct the flagged employees in Nmbrs, then re-run the period.",
    "RuleSetError": "A rule set in config/quality is invalid: fix it and redeploy, then clear "
                    "the task.",
    # Handoff to a.s.r. (plugins/payroll_link/handoff/errors.py)
    "HandoffError": "The stands could not be handed off: read the task log, fix the cause, then "
                    "clear deliver_stands (a retry resends the same message).",
    "HandoffConfigError": "Fix the employer's delivery connection (delivery_conn_id) or its "
                          "product settings, then clear deliver_stands.",
    "HandoffDataError": "The period's data cannot form valid stands: check `koppeling status` "
                        "for this period, correct the data in Nmbrs and re-run the period.",
    "DeliveryTransientError": "a.s.r. stayed unreachable through all retries: clear "
                              "deliver_stands when it answers (same bytes, stored once).",
    "DeliveryRejectedError": "a.s.r. refused the message: send them the message id from "
                             "`koppeling ledger`; do not re-run before they answer.",
    "DeliveryConflictError": "a.s.r. holds a different message under this key: compare "
                             "`koppeling ledger` with a.s.r.'s receipt before re-running.",
    # Warehouse and Airflow itself
    "WarehouseError": "The warehouse refused: check the `warehouse` connection and the "
                      "database's disk and connections, then clear the task.",
    "AirflowSensorTimeout": "The payroll of this period has not run in Nmbrs for 14 days: ask "
                            "the payroll processor when it runs, then clear wait_for_payroll.",
    "AirflowTaskTimeout": "The task ran past its time limit: check Nmbrs' latency and the "
                          "employer's size in the task log, then clear the task.",
}


def action_for(error_class_chain: list[str]) -> str:
    """Return the action of the most specific class in the chain (own class first)."""
    for name in error_class_chain:
        if name in ACTIONS:
            return ACTIONS[name]
    return DEFAULT_ACTION


def class_chain(error: BaseException | None) -> list[str]:
    """Return the class names of `error` from its own class up to Exception."""
    if error is None:
        return []
    return [cls.__name__ for cls in type(error).__mro__
            if cls not in (BaseException, Exception, object)]


def root_error(error: BaseException | None) -> BaseException | None:
    """Return the error behind the wrappers: an AirflowFailException's cause, and behind a
    failed employee batch its worst failure (the Nmbrs error that names call and fault)."""
    from payroll_link.extraction.failures import EmployeeBatchError

    if error is not None and error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, EmployeeBatchError) and error.__cause__ is not None:
        error = error.__cause__
    return error
