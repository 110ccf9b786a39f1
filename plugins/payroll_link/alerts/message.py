"""The alert people receive: what happened, to which employer and period, and what to do.

Built from identifiers only (employer id and company name, period label, task id, error class,
run id, dates); never from an exception's message or any payroll value, so a BSN, IBAN, amount
or token cannot reach a mailbox or a chat channel.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

KINDS = {
    "task_failed": "payroll task failed",
    "deadline_missed": "period not delivered in time",
    "deadline_resolved": "late period now delivered",
}


@dataclass(frozen=True)
class Alert:
    """One alert; `kind` is a key of KINDS."""

    kind: str
    employer_id: str
    company_name: str
    period: str
    action: str
    task_id: str | None = None
    error_class: str | None = None
    run_id: str | None = None
    due_date: str | None = None
    delivered_version: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"alert kind {self.kind!r} is not one of {sorted(KINDS)}")

    @property
    def subject(self) -> str:
        """Return the one-line subject: kind, employer, period (and task for a failure)."""
        where = f" ({self.task_id}: {self.error_class})" if self.task_id else ""
        return (f"[salariskoppeling] {KINDS[self.kind]}: {self.employer_id} "
                f"{self.period}{where}")

    def fields(self) -> list[tuple[str, str]]:
        """Return the labelled fields that are set, in reading order."""
        pairs = [("Employer", f"{self.company_name} ({self.employer_id})"),
                 ("Period", self.period), ("Task", self.task_id),
                 ("Error class", self.error_class), ("Due date", self.due_date),
                 ("Delivered version", self.delivered_version), ("Run", self.run_id),
                 ("Action", self.action)]
        return [(label, str(value)) for label, value in pairs if value is not None]

    def text(self) -> str:
        """Return the plain-text body (chat message and e-mail alternative)."""
        lines = [self.subject] + [f"{label}: {value}" for label, value in self.fields()]
        return "\n".join(lines)

    def html(self) -> str:
        """Return the e-mail body as a small HTML table."""
        rows = "".join(f"<tr><th align='left'>{html.escape(label)}</th>"
                       f"<td>{html.escape(value)}</td></tr>" for label, value in self.fields())
        return f"<p>{html.escape(self.subject)}</p><table>{rows}</table>"

    def payload(self) -> dict:
        """Return the webhook JSON: `text` for Slack/Teams-style channels plus the fields."""
        fields = {key: value for key, value in asdict(self).items() if value is not None}
        return {"text": self.text(), "alert": fields}
