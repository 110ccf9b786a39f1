"""Quality-gate errors, grouped by how the caller reacts: data problem, rule set, broken rule."""

from __future__ import annotations

from collections.abc import Sequence


class QualityError(Exception):
    """Root of the quality-gate errors; messages carry rule ids, counts and ids, never values."""


class QualityGateError(QualityError):
    """Error rules failed for a period: the handoff of that period must stop (a data problem).

    Attributes: ``failed`` ((rule_id, failed_count) pairs), ``employer_id``, ``period``,
    ``quality_run_id`` and ``docs_index`` (where the data team reads the details).
    """

    def __init__(self, failed: Sequence[tuple[str, int]], *, employer_id: str | None = None,
                 period: str | None = None, quality_run_id: str | None = None,
                 docs_index: str | None = None) -> None:
        self.failed = tuple(failed)
        self.employer_id = employer_id
        self.period = period
        self.quality_run_id = quality_run_id
        self.docs_index = docs_index
        noun = "rule" if len(self.failed) == 1 else "rules"
        rules = ", ".join(f"{rule_id} ({count})" for rule_id, count in self.failed)
        where = f"{employer_id} {period}: " if employer_id and period else ""
        docs = f"; Data Docs: {docs_index}" if docs_index else ""
        super().__init__(f"{where}{len(self.failed)} error {noun} failed: {rules}{docs}")


class RuleSetError(QualityError):
    """A rule set file is unusable; names the file and, where it can, the rule and field."""

    def __init__(self, path: object, reason: str, *, rule_id: str | None = None,
                 index: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.rule_id = rule_id
        self.index = index
        who = ""
        if index is not None:
            who = f" rule {index}" + (f" ({rule_id})" if rule_id else "")
        super().__init__(f"quality rule set {path}{who}: {reason}")


class QualityRuleError(QualityError):
    """A rule could not be evaluated (its SQL failed); names the rule and the SQLSTATE only.

    The database message is left out on purpose: it may quote a row value (a BSN, an amount).
    """

    def __init__(self, rule_id: str, reason: str) -> None:
        self.rule_id = rule_id
        super().__init__(f"quality rule {rule_id} could not be evaluated: {reason}")


class QualityStateError(QualityError):
    """The extraction asked for is not the published one of (employer, period)."""
