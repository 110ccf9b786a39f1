"""Lifecycle changes of the employer registry: register, realise, pause, resume, offboard.

Planning is pure: load the registry, build the changed entry through the ``Employer`` model
(so every rule of the registry holds), and show the diff. Applying writes the file atomically
with ``save_registry`` and only if nobody changed it since it was read.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from payroll_link.registry import (
    Employer,
    RegistryResult,
    dag_id_for,
    entry_fields,
    load_registry,
)

# action -> (statuses it may start from, status it leads to); register starts from nothing.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "register": ((), "registered"),
    "realise": (("registered", "offboarded"), "realised"),
    "pause": (("realised",), "paused"),
    "resume": (("paused",), "realised"),
    "offboard": (("registered", "realised", "paused"), "offboarded"),
}


class LifecycleError(Exception):
    """A change that may not be made: names the employer, the action and the reason."""


@dataclass
class Change:
    """A planned registry change: the entry before and after, the new list and the diff."""

    action: str
    path: Path
    employer_id: str
    before: Employer | None
    after: Employer
    employers: list[Employer]
    source_sha256: str

    @property
    def diff(self) -> str:
        """Return the unified diff of the employer's entry."""
        old = entry_yaml(self.before).splitlines() if self.before else []
        new = entry_yaml(self.after).splitlines()
        return "\n".join(difflib.unified_diff(
            old, new, fromfile=f"{self.path.name} {self.employer_id} (before)",
            tofile=f"{self.path.name} {self.employer_id} (after)", lineterm=""))

    @property
    def dag_effect(self) -> str:
        """Say what happens to the employer's DAG on the next parse."""
        had = bool(self.before and self.before.has_dag)
        dag_id = dag_id_for(self.after)
        if self.after.has_dag and not had:
            paused = " (created paused)" if self.after.status == "paused" else ""
            return f"DAG {dag_id} appears on the next parse{paused}"
        if had and not self.after.has_dag:
            return f"DAG {dag_id} disappears on the next parse; its history stays"
        if had and self.before.status != self.after.status:
            state = "paused" if self.after.status == "paused" else "active"
            return f"DAG {dag_id} stays; it is {state} from the next parse"
        return "no DAG change"

    def to_dict(self) -> dict[str, Any]:
        """Return the change as JSON data."""
        return {"action": self.action, "employer_id": self.employer_id,
                "status_before": self.before.status if self.before else None,
                "status_after": self.after.status, "dag_id": dag_id_for(self.after),
                "dag_effect": self.dag_effect, "diff": self.diff, "registry": str(self.path)}


def entry_yaml(employer: Employer) -> str:
    """Return one entry as the registry writes it (field order, ``dga: null`` explicit)."""
    return yaml.safe_dump(entry_fields(employer), sort_keys=False, allow_unicode=True,
                          default_flow_style=False)


def file_sha256(path: Path) -> str:
    """Return the sha256 of the registry file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _load(path: Path) -> tuple[RegistryResult, str]:
    digest = file_sha256(path)
    registry = load_registry(path)
    if registry.errors:  # saving would silently drop the rejected entries: refuse instead
        listed = "; ".join(str(error) for error in registry.errors)
        raise LifecycleError(f"{path} has {len(registry.errors)} invalid entr"
                             f"{'y' if len(registry.errors) == 1 else 'ies'}; fix them before "
                             f"any lifecycle change: {listed}")
    return registry, digest


def _validated(data: dict[str, Any], action: str) -> Employer:
    try:
        return Employer.model_validate(data)
    except ValidationError as err:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in err.errors(include_url=False, include_input=False))
        raise LifecycleError(f"{action} {data.get('employer_id')!r}: {reasons}") from None


def plan_register(path: Path | str, fields: dict[str, Any]) -> Change:
    """Plan a new entry with status registered; the employer id and company must be new."""
    path = Path(path)
    registry, digest = _load(path)
    employer = _validated({**fields, "status": "registered"}, "register")
    for other in registry.employers:
        if other.employer_id == employer.employer_id:
            raise LifecycleError(f"register: employer_id {employer.employer_id!r} is already in "
                                 f"{path} (status {other.status})")
        if other.nmbrs_company_id == employer.nmbrs_company_id:
            raise LifecycleError(f"register: Nmbrs company {employer.nmbrs_company_id} is "
                                 f"already registered as {other.employer_id!r}")
    return Change("register", path, employer.employer_id, None, employer,
                  [*registry.employers, employer], digest)


def plan_transition(path: Path | str, action: str, employer_id: str,
                    **changes: Any) -> Change:
    """Plan a status change of an existing employer; `changes` sets other fields too."""
    path = Path(path)
    sources, target = TRANSITIONS[action]
    registry, digest = _load(path)
    try:
        before = registry.by_id(employer_id)
    except KeyError:
        raise LifecycleError(f"{action}: employer {employer_id!r} is not in {path}") from None
    if before.status not in sources:
        raise LifecycleError(f"{action}: employer {employer_id!r} is {before.status}; {action} "
                             f"needs status {' or '.join(sources)}")
    data = before.model_dump(mode="python")
    data.update({key: value for key, value in changes.items() if value is not None})
    data["status"] = target
    after = _validated(data, action)
    employers = [after if e.employer_id == employer_id else e for e in registry.employers]
    return Change(action, path, employer_id, before, after, employers, digest)


def check_unchanged(change: Change) -> None:
    """Raise LifecycleError when the registry file changed since the change was planned."""
    if file_sha256(change.path) != change.source_sha256:
        raise LifecycleError(f"{change.path} changed since it was read; run the command again")
