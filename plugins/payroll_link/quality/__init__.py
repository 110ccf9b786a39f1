"""Data-quality gate of one published (employer, period) extraction (rules in config/quality).

Entry points: ``gate.validate_period`` (evaluate, store, Data Docs, summary) and ``gate.enforce``
(raise ``QualityGateError`` when error rules failed). Great Expectations is imported only inside
``validate_period``, so importing this package stays cheap for DAG parsing.
"""

from payroll_link.quality.errors import (
    QualityError,
    QualityGateError,
    QualityRuleError,
    QualityStateError,
    RuleSetError,
)
from payroll_link.quality.gate import enforce, validate_period
from payroll_link.quality.ruleset import RuleSet, load_ruleset

__all__ = [
    "QualityError",
    "QualityGateError",
    "QualityRuleError",
    "QualityStateError",
    "RuleSet",
    "RuleSetError",
    "enforce",
    "load_ruleset",
    "validate_period",
]
