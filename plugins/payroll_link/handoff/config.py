"""Handoff configuration from ``config/handoff/``: field sets, schemes, per-employer settings.

* ``products.yaml``  — which stand fields each product (pension, income_insurance) carries;
* ``schemes.yaml``   — per scheme, which wage codes are pensionable and how the pension base
  is computed, plus the versioned tables of yearly figures (``schemes``);
* ``employers.yaml`` — per employer: full-time week (default 40 h), scheme, field-set override.

Pure code (pydantic + yaml); loading reads three small files and never touches a database.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from payroll_link.handoff.errors import HandoffConfigError
from payroll_link.handoff.fields import check_field_set
from payroll_link.handoff.schemes import FiguresTable, Scheme, check_schemes

CONFIG_DIR = Path(os.environ.get("KOPPELING_HANDOFF_CONFIG",
                                 Path(__file__).resolve().parents[3] / "config" / "handoff"))
_STRICT = ConfigDict(extra="forbid", frozen=True)


class EmployerSettings(BaseModel):
    """Per-employer handoff settings; unset fields fall back to the file's defaults."""

    model_config = _STRICT
    full_time_hours_per_week: Decimal | None = Field(default=None, gt=0, le=60)
    hours_wage_code: int | None = None
    scheme: str | None = None
    field_set: str | None = None


class Settings(BaseModel):
    """What the stand builder needs for one employer: resolved, nothing left to default."""

    model_config = ConfigDict(frozen=True)
    field_set_name: str
    field_set: dict[str, Any]
    scheme_id: str | None
    scheme: Scheme | None
    figures: FiguresTable | None = None
    full_time_hours_per_week: Decimal
    hours_wage_code: int | None


class HandoffConfig(BaseModel):
    """The three files together."""

    model_config = ConfigDict(frozen=True)
    field_sets: dict[str, dict[str, Any]]
    products: dict[str, str]
    schemes: dict[str, Scheme]
    figures: dict[str, FiguresTable] = {}
    defaults: EmployerSettings
    default_schemes: dict[str, str] = {}
    employers: dict[str, EmployerSettings] = {}

    def settings_for(self, employer) -> Settings:
        """Resolve the settings of a registry Employer (product, id) against the defaults."""
        own = self.employers.get(employer.employer_id, EmployerSettings())
        field_set = own.field_set or self.products.get(employer.product)
        scheme_id = own.scheme or self.default_schemes.get(employer.product)
        where = f"employer {employer.employer_id}"
        if field_set not in self.field_sets:
            raise HandoffConfigError(f"{where}: field set {field_set!r} is not in products.yaml",
                                     employer_id=employer.employer_id)
        if scheme_id is not None and scheme_id not in self.schemes:
            raise HandoffConfigError(f"{where}: scheme {scheme_id!r} is not in schemes.yaml",
                                     employer_id=employer.employer_id)
        scheme = self.schemes.get(scheme_id) if scheme_id else None
        return Settings(
            field_set_name=field_set, field_set=self.field_sets[field_set], scheme_id=scheme_id,
            scheme=scheme, figures=self.figures.get(scheme.pension_base.figures)
            if scheme and scheme.pension_base else None,
            full_time_hours_per_week=Decimal(str(
                getattr(employer, "full_time_hours_per_week", None)
                or own.full_time_hours_per_week or self.defaults.full_time_hours_per_week or 40)),
            hours_wage_code=(own.hours_wage_code if own.hours_wage_code is not None
                             else self.defaults.hours_wage_code))

    def with_employer(self, employer_id: str, **settings) -> HandoffConfig:
        """Return a copy with one employer's settings replaced (tests, onboarding previews)."""
        employers = {**self.employers, employer_id: EmployerSettings(**settings)}
        return self.model_copy(update={"employers": employers})


def load_config(directory: Path | str | None = None) -> HandoffConfig:
    """Read and check ``products.yaml``, ``schemes.yaml`` and ``employers.yaml``."""
    folder = Path(directory or CONFIG_DIR)
    products = _read(folder / "products.yaml")
    schemes = _read(folder / "schemes.yaml")
    employers = _read(folder / "employers.yaml")
    try:
        config = HandoffConfig(
            field_sets=products.get("field_sets") or {}, products=products.get("products") or {},
            schemes=schemes.get("schemes") or {}, figures=schemes.get("figures") or {},
            defaults=EmployerSettings(**{k: v for k, v in (employers.get("defaults") or {}).items()
                                         if k != "schemes"}),
            default_schemes=(employers.get("defaults") or {}).get("schemes") or {},
            employers=employers.get("employers") or {})
    except (ValidationError, TypeError) as err:
        raise HandoffConfigError(f"handoff config in {folder}: {_describe(err)}") from None
    _check(config, folder)
    return config


def _read(path: Path) -> dict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise HandoffConfigError(f"cannot read {path}: {err.strerror or err}") from None
    except yaml.YAMLError:
        raise HandoffConfigError(f"{path} is not valid YAML") from None
    if not isinstance(document, dict):
        raise HandoffConfigError(f"{path}: expected a mapping at the top")
    return document


def _describe(err: Exception) -> str:
    if isinstance(err, ValidationError):
        return "; ".join(".".join(map(str, e["loc"])) + ": " + e["msg"]
                         for e in err.errors(include_url=False, include_input=False))
    return str(err)


def _check(config: HandoffConfig, folder: Path) -> None:
    problems = check_schemes(config.schemes, config.figures)
    for name, groups in config.field_sets.items():
        problems += check_field_set(name, groups)
    for product, field_set in config.products.items():
        if field_set not in config.field_sets:
            problems.append(f"products.{product}: unknown field set {field_set!r}")
    for product, scheme in config.default_schemes.items():
        if scheme not in config.schemes:
            problems.append(f"defaults.schemes.{product}: unknown scheme {scheme!r}")
    for employer_id, own in config.employers.items():
        if own.scheme and own.scheme not in config.schemes:
            problems.append(f"employers.{employer_id}.scheme: unknown scheme {own.scheme!r}")
        if own.field_set and own.field_set not in config.field_sets:
            problems.append(f"employers.{employer_id}.field_set: unknown {own.field_set!r}")
    if problems:
        raise HandoffConfigError(f"handoff config in {folder}: " + "; ".join(problems))
