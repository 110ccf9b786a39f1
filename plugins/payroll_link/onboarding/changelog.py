"""Apply a registry change and record it in the warehouse (``ops.registry_change``) together.

The row is inserted in a transaction that commits only after the registry file was written, so
a failed write leaves no record and a refused record leaves the file untouched.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from payroll_link.onboarding.lifecycle import Change, check_unchanged
from payroll_link.registry import save_registry

_INSERT = text(
    "insert into ops.registry_change (employer_id, action, actor, diff, intake_summary) "
    "values (:employer_id, :action, :actor, :diff, cast(:intake as jsonb)) returning id, at")


def apply_and_record(engine, change: Change, actor: str,
                     intake_summary: dict | None = None) -> dict:
    """Write the registry and insert the change row in one unit; return {id, at}."""
    if not actor:
        raise ValueError("the actor of a registry change is required (--actor or $USER)")
    with engine.begin() as conn:
        row = conn.execute(_INSERT, {
            "employer_id": change.employer_id, "action": change.action, "actor": actor,
            "diff": change.diff,
            "intake": json.dumps(intake_summary) if intake_summary is not None else None,
        }).one()
        check_unchanged(change)
        save_registry(change.path, change.employers)
    return {"id": row.id, "at": row.at.isoformat()}
