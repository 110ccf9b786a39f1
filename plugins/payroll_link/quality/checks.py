"""The check catalogue: named, parametrised SQL checks that rule-set entries refer to.

A rule in ``config/quality/<product>.yaml`` names a check and gives its parameters; the check
says what its key is (employee id, run id, or the employer) and which parameters it takes.
``check: sql`` lets a rule carry its own query (same ``key``/``ok`` shape, same placeholders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from payroll_link.quality import checks_drift, checks_payroll, checks_person

KeyKind = Literal["employee_id", "run_id", "employer"]
ParamKind = Literal["number", "number_list", "text_list"]
# Values every query may use, filled per run by the gate (rule parameters may not reuse them).
CONTEXT_PLACEHOLDERS = frozenset(
    {"batch", "xid", "prev_xid", "dga_number", "periods_per_year", "fulltime_hours"})
IDENTIFIER_PARAMS = {
    "entity": ("personal_info", "address", "bank_account", "partner", "child", "contract",
               "schedule", "svw", "salary"),
    "population": ("staff", "listed", "active"),
}


@dataclass(frozen=True)
class Check:
    """One reusable check: its SQL template, the kind of key it yields, and its parameters."""

    name: str
    sql: str
    key: KeyKind = "employee_id"
    params: dict[str, ParamKind | tuple[str, ...]] = field(default_factory=dict)


def _catalogue() -> dict[str, Check]:
    checks: dict[str, Check] = {}
    for module in (checks_person, checks_payroll, checks_drift):
        for name, spec in module.CHECKS.items():
            sql, key, params = spec
            resolved = {p: IDENTIFIER_PARAMS.get(p, kind) for p, kind in params.items()}
            checks[name] = Check(name, sql, key, resolved)
    return checks


CHECKS: dict[str, Check] = _catalogue()
CUSTOM_SQL = "sql"


def get(name: str) -> Check:
    """Return the check `name`; KeyError if the catalogue has none."""
    return CHECKS[name]
