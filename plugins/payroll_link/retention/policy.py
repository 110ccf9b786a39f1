"""Retention periods per employer: config/retention.yaml's defaults with per-employer overrides.

The periods are days. Personal data (BSN, IBAN, salary, address) lives in raw.call_payload,
the staging tables and the encrypted messages of ops.delivery_message; everything else in ops
(ledger, extraction, quality, registry audit) holds ids, hashes and counts and is not purged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
DEFAULT_PATH = REPO / "config" / "retention.yaml"


class RetentionConfigError(ValueError):
    """The retention file is missing, unreadable or names an unknown setting."""


@dataclass(frozen=True)
class Retention:
    """How many days each kind of personal data is kept."""

    raw_days: int = 92
    staging_days: int = 548
    unpublished_days: int = 14
    message_days: int = 730
    offboarded_days: int = 92


@dataclass(frozen=True)
class RetentionPolicy:
    """The defaults and the per-employer overrides."""

    defaults: Retention
    overrides: dict[str, Retention]

    def for_employer(self, employer_id: str) -> Retention:
        """Return the periods of one employer."""
        return self.overrides.get(employer_id, self.defaults)


def load_policy(path: Path | str | None = None) -> RetentionPolicy:
    """Read the policy ($KOPPELING_RETENTION or config/retention.yaml)."""
    path = Path(path or os.environ.get("KOPPELING_RETENTION") or DEFAULT_PATH)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as err:
        raise RetentionConfigError(f"{path}: cannot read the retention policy ({err})") from None
    defaults = _periods(Retention(), data.get("defaults") or {}, f"{path}: defaults")
    overrides = {employer_id: _periods(defaults, values or {}, f"{path}: {employer_id}")
                 for employer_id, values in (data.get("employers") or {}).items()}
    return RetentionPolicy(defaults, overrides)


def _periods(base: Retention, values: dict, where: str) -> Retention:
    known = {f.name for f in fields(Retention)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise RetentionConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: "
                                   f"{', '.join(sorted(known))}")
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RetentionConfigError(f"{where}: {key} must be a whole number of days >= 1")
    return replace(base, **values)
