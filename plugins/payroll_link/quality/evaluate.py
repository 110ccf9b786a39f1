"""Evaluate rules with the gate's own SQL: evaluated count, failed count and every flagged key.

All rules read one repeatable-read, read-only snapshot, so they see the same extraction state.
Great Expectations runs the same checks for the verdicts and Data Docs (``gx_validation``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from payroll_link.quality import checks
from payroll_link.quality.errors import QualityRuleError
from payroll_link.quality.ruleset import Rule
from payroll_link.quality.sql import literal, outcome_query, unexpected_rows_query

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunContext:
    """What the queries of one quality run are about (ids, counts and settings only)."""

    extraction_id: str
    previous_extraction_id: str | None
    dga_number: int | None
    periods_per_year: int
    fulltime_hours: Decimal

    def values(self, rule: Rule) -> dict[str, str]:
        """Return the SQL text of every placeholder the rule's query may use."""
        previous = self.previous_extraction_id
        values = {
            "xid": literal(uuid.UUID(self.extraction_id)),
            "prev_xid": literal(uuid.UUID(previous)) if previous else "null::uuid",
            "dga_number": literal(self.dga_number),
            "periods_per_year": literal(self.periods_per_year),
            "fulltime_hours": literal(self.fulltime_hours),
        }
        spec = checks.get(rule.check).params if rule.check in checks.CHECKS else {}
        for name, value in rule.params.items():
            # Identifier parameters were checked against a closed list when the rule set loaded.
            values[name] = value if isinstance(spec.get(name), tuple) else literal(value)
        return values


@dataclass(frozen=True)
class Outcome:
    """One rule's result: how many units it evaluated, how many failed, and their keys."""

    rule: Rule
    evaluated: int
    failed: int
    keys: tuple[int, ...]

    @property
    def passed(self) -> bool:
        """Return whether nothing failed."""
        return self.failed == 0


def gx_query(rule: Rule, context: RunContext) -> str:
    """Return the rule's query in the form GX's UnexpectedRowsExpectation takes."""
    key_name = "employee_id" if rule.key_kind == "employer" else rule.key_kind
    return unexpected_rows_query(rule.sql, context.values(rule), key_name)


def evaluate(engine: Engine, rules: Iterable[Rule], context: RunContext) -> list[Outcome]:
    """Run every rule's query in one snapshot; QualityRuleError names a rule that fails to run."""
    outcomes = []
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with engine.connect().execution_options(**options) as conn:
        for rule in rules:
            query = outcome_query(rule.sql, context.values(rule))
            try:
                evaluated, failed, keys = conn.execute(text(query)).one()
            except DBAPIError as err:
                # The database message may quote a row value, so only its SQLSTATE goes on.
                code = getattr(err.orig, "pgcode", None) or type(err.orig).__name__
                log.error("quality rule %s failed to run (SQLSTATE %s)", rule.id, code)
                raise QualityRuleError(rule.id, f"SQLSTATE {code}") from None
            outcomes.append(Outcome(rule, evaluated, failed, tuple(keys or ())))
        conn.rollback()
    return outcomes
