"""Schemes (regelingen) from ``config/handoff/schemes.yaml``: components, pension base, figures.

A scheme says which of the employee's own wage codes are pensionable and, for a pension scheme,
how the pension base (pensioengrondslag) is computed from them (``pension_base``). Yearly
figures (franchise, maximum pensionable salary) come from a versioned table in the same file,
each table naming its source; a scheme may override a year's figure.

Only the employee's wage-code lines of the period's runs count. Company-level settings
(WageComponentFixed/Var_Get of the company: ``company_fixed``/``company_var``) are the same for
everybody and never an employee's pay: a scheme naming one is refused when the file is loaded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_STRICT = ConfigDict(extra="forbid", frozen=True)
COMPANY_SOURCES = ("company_fixed", "company_var")


class Component(BaseModel):
    """One pensionable component: a wage code of the employee's own wage-code lines."""

    model_config = _STRICT
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: str
    code: int = Field(ge=1)

    @field_validator("source")
    @classmethod
    def _own_lines_only(cls, value: str) -> str:
        if value in COMPANY_SOURCES:
            raise ValueError(f"{value!r} is a company-level setting, the same for every "
                             "employee; it is never an employee's pensionable amount (use the "
                             "wage code the payroll books it on per employee)")
        if value != "wage_code":
            raise ValueError(f"unknown source {value!r} (allowed: 'wage_code')")
        return value


class YearFigures(BaseModel):
    """The figures of one year (euro per year)."""

    model_config = _STRICT
    franchise: Decimal = Field(ge=0)
    maximum: Decimal = Field(gt=0)


class FiguresTable(BaseModel):
    """A versioned table of yearly figures with its source."""

    model_config = _STRICT
    version: str = Field(min_length=1)
    description: str = ""
    source: str = Field(min_length=1)
    years: dict[int, YearFigures]


class PartTime(BaseModel):
    """How the part-time factor of the base is found: the stand's factor, capped."""

    model_config = _STRICT
    rule: Literal["contract_hours_over_full_time_week"] = "contract_hours_over_full_time_week"
    max_factor: Decimal = Field(default=Decimal(1), gt=0, le=Decimal("1.2"))


class PensionBaseRule(BaseModel):
    """The pension base of a scheme (see docs/pension-numbers.md for the arithmetic)."""

    model_config = _STRICT
    rule: Literal["full_time_capped_minus_franchise_times_part_time"] = (
        "full_time_capped_minus_franchise_times_part_time")
    annualisation: dict[Literal["monthly", "four_weekly"], int] = {"monthly": 12,
                                                                   "four_weekly": 13}
    holiday_allowance_rate: Decimal = Field(default=Decimal(0), ge=0, le=Decimal("0.5"))
    figures: str = "fiscal"
    franchise: dict[int, Decimal] = {}  # scheme's own franchise per year, overrides the table
    maximum: dict[int, Decimal] = {}  # scheme's own maximum per year, overrides the table
    part_time: PartTime = PartTime()
    dga_participates: bool = True


class Scheme(BaseModel):
    """A scheme (regeling): its a.s.r. key, if known, components and pension base rule."""

    model_config = _STRICT
    product: Literal["pension", "income_insurance"]
    description: str = ""
    regelingkenmerk: str | None = None
    components: tuple[Component, ...] = ()
    pension_base: PensionBaseRule | None = None

    def codes(self) -> set[int]:
        """Return the wage codes the scheme counts."""
        return {item.code for item in self.components}


def check_schemes(schemes: dict[str, Scheme], tables: dict[str, FiguresTable]) -> list[str]:
    """Return what is wrong between schemes and figure tables; empty when fine."""
    problems = []
    for scheme_id, scheme in schemes.items():
        rule = scheme.pension_base
        if rule is None:
            continue
        if scheme.product != "pension":
            problems.append(f"schemes.{scheme_id}: a pension base needs product 'pension'")
        if rule.figures not in tables:
            problems.append(f"schemes.{scheme_id}.pension_base.figures: unknown table "
                            f"{rule.figures!r} (known: {sorted(tables)})")
        names = [item.name for item in scheme.components]
        if len(set(names)) != len(names):
            problems.append(f"schemes.{scheme_id}.components: names are not unique")
    return problems
