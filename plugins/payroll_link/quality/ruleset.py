"""Rule sets: one declarative YAML file per product (``config/quality/<product>.yaml``).

A rule is one entry (id, severity, check, parameters, Dutch and English description); a new
rule is one entry plus its test. Loading validates everything with pydantic and names the file,
the rule (index and id) and the field on any error, so a malformed rule never runs half-checked.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from payroll_link.quality import checks
from payroll_link.quality.errors import RuleSetError
from payroll_link.quality.sql import placeholders

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config" / "quality"
RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
Severity = Literal["error", "warning"]


class Description(BaseModel):
    """What a rule checks, in Dutch and English (shown in Data Docs and stored with results)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nl: str = Field(min_length=5)
    en: str = Field(min_length=5)


class Rule(BaseModel):
    """One rule: a check from the catalogue (or its own SQL) with parameters and a severity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=RULE_ID_PATTERN)
    severity: Severity
    check: str
    description: Description
    params: dict[str, Any] = Field(default_factory=dict)
    query: str | None = None  # only with check: sql
    key: checks.KeyKind | None = None  # only with check: sql (default employee_id)

    @model_validator(mode="after")
    def _check_fits(self) -> Rule:
        """Require a known check, its parameters with the right kinds, and nothing else."""
        if self.check == checks.CUSTOM_SQL:
            _check_custom(self)
            return self
        if self.query is not None or self.key is not None:
            raise ValueError("query and key are only allowed with check: sql")
        if self.check not in checks.CHECKS:
            raise ValueError(f"check {self.check!r} is not in the catalogue "
                             f"({', '.join(sorted(checks.CHECKS))}, or sql)")
        spec = checks.get(self.check).params
        missing = sorted(set(spec) - set(self.params))
        unknown = sorted(set(self.params) - set(spec))
        if missing or unknown:
            raise ValueError(f"params: check {self.check!r} takes {sorted(spec) or 'none'}; "
                             f"missing {missing}, unknown {unknown}")
        for name, kind in spec.items():
            _check_param(name, kind, self.params[name])
        return self

    @property
    def key_kind(self) -> str:
        """Return what the rule's flagged keys are: employee ids, run ids, or the employer."""
        return self.key or (checks.get(self.check).key if self.check in checks.CHECKS
                            else "employee_id")

    @property
    def sql(self) -> str:
        """Return the rule's check SQL template (catalogue or own query)."""
        return self.query if self.check == checks.CUSTOM_SQL else checks.get(self.check).sql


class EmployerSettings(BaseModel):
    """Per-employer values rules use (the company's full-time week in hours)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fulltime_hours: Decimal = Field(gt=0, le=60)


class RuleSet(BaseModel):
    """The rules and settings of one product, with a version stored alongside every result."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    product: Literal["pension", "income_insurance"]
    defaults: EmployerSettings
    employers: dict[str, EmployerSettings] = Field(default_factory=dict)
    rules: tuple[Rule, ...]

    def settings_for(self, employer_id: str) -> EmployerSettings:
        """Return the employer's settings, else the defaults."""
        return self.employers.get(employer_id, self.defaults)


def _check_param(name: str, kind: Any, value: Any) -> None:
    if isinstance(kind, tuple):
        ok, wanted = value in kind, f"one of {list(kind)}"
    elif kind == "number":
        ok, wanted = _is_number(value), "a number"
    elif kind == "number_list":
        ok = isinstance(value, list) and bool(value) and all(_is_number(v) for v in value)
        wanted = "a non-empty list of numbers"
    else:
        ok = isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
        wanted = "a non-empty list of strings"
    if not ok:
        raise ValueError(f"params.{name} must be {wanted}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_custom(rule: Rule) -> None:
    if not rule.query or not rule.query.strip():
        raise ValueError("check: sql needs a query")
    unknown = placeholders(rule.query) - checks.CONTEXT_PLACEHOLDERS - set(rule.params)
    if unknown:
        raise ValueError(f"query uses undefined placeholders {sorted(unknown)}")
    for name, value in rule.params.items():
        if not (_is_number(value) or isinstance(value, str | list)):
            raise ValueError(f"params.{name} must be a number, a string or a list")


def ruleset_path(product: str, config_dir: Path | None = None) -> Path:
    """Return the rule set file of a product."""
    return (config_dir or CONFIG_DIR) / f"{product}.yaml"


def load_ruleset(product_or_path: str | Path, config_dir: Path | None = None) -> RuleSet:
    """Load and validate a rule set (by product name or file path); RuleSetError names the fault."""
    path = Path(product_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = ruleset_path(str(product_or_path), config_dir)
    document = _read(path)
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleSetError(path, "expected a non-empty 'rules:' list")
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rules):
        _validate_rule(path, index, raw, seen)
    try:
        return RuleSet.model_validate(document)
    except ValidationError as err:
        raise RuleSetError(path, _describe(err)) from None


def _read(path: Path) -> dict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise RuleSetError(path, f"cannot read file ({err.strerror or err})") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RuleSetError(path, f"not valid YAML{where}") from err
    if not isinstance(document, dict):
        raise RuleSetError(path, "expected a mapping with version, product, defaults, rules")
    return document


def _validate_rule(path: Path, index: int, raw: Any, seen: dict[str, int]) -> None:
    """Validate one entry on its own, so the error names that rule."""
    rule_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    try:
        Rule.model_validate(raw)
    except ValidationError as err:
        raise RuleSetError(path, _describe(err), rule_id=rule_id, index=index) from None
    if rule_id in seen:
        raise RuleSetError(path, f"id {rule_id!r} is already used by rule {seen[rule_id]}",
                           rule_id=rule_id, index=index)
    seen[rule_id] = index


def _describe(err: ValidationError) -> str:
    """Turn pydantic's errors into one line naming each field (input values left out)."""
    parts = []
    for detail in err.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        parts.append(f"{name}: {message}" if name else message)
    return "; ".join(parts)
