"""The preflight result: checks with a status, actions in Dutch and English, and the verdict."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

OK, WARNING, FAILED, SKIPPED = "ok", "warning", "failed", "skipped"
GRANTED, NOT_GRANTED, UNAVAILABLE, NOT_CHECKED = "granted", "not_granted", "unavailable", \
    "not_checked"


@dataclass
class Action:
    """What the payroll processor (salarisverwerker) must do, in Dutch and English."""

    nl: str
    en: str
    blocking: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the action as plain JSON data."""
        return {"nl": self.nl, "en": self.en, "blocking": self.blocking}


@dataclass
class Check:
    """One preflight check: what was checked, its status, an explanation, optional action."""

    check: str
    status: str
    message: str
    action: Action | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the check as plain JSON data (no personal data is ever put in a check)."""
        data = {"check": self.check, "status": self.status, "message": self.message,
                **self.details}
        if self.action is not None:
            data["action"] = self.action.to_dict()
        return data


@dataclass
class GrantProbe:
    """The outcome of calling one API operation once, read-only."""

    call: str
    service: str
    status: str
    code: int | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the probe as plain JSON data."""
        return {"call": self.call, "service": self.service, "status": self.status,
                "code": self.code, "message": self.message}


@dataclass
class PreflightResult:
    """Everything a preflight found; `ready` when no check failed."""

    registration: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    company: dict[str, Any] | None = None
    grants: list[GrantProbe] = field(default_factory=list)
    wage_code_path: str | None = None
    checked_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def add(self, check: Check) -> Check:
        """Append a check and return it."""
        self.checks.append(check)
        return check

    @property
    def ready(self) -> bool:
        """Return True when no check failed."""
        return not any(check.status == FAILED for check in self.checks)

    @property
    def actions(self) -> list[Action]:
        """Return the actions of failed checks first, then those of warnings."""
        ordered = sorted(self.checks, key=lambda c: c.status != FAILED)
        return [c.action for c in ordered if c.action is not None and c.status in (FAILED,
                                                                                   WARNING)]

    def to_dict(self) -> dict[str, Any]:
        """Return the whole result as JSON data: the `--json` output and the DAG's XCom."""
        return {
            "ready": self.ready,
            "verdict": "ready" if self.ready else "not ready",
            "checked_at": self.checked_at,
            "registration": self.registration,
            "company": self.company,
            "wage_code_path": self.wage_code_path,
            "grants": [probe.to_dict() for probe in self.grants],
            "checks": [check.to_dict() for check in self.checks],
            "actions": [action.to_dict() for action in self.actions],
        }
