"""The pension base (pensioengrondslag) of a stand, with every parameter it was computed from.

Pure code. The rule ``full_time_capped_minus_franchise_times_part_time`` (docs/pension-numbers.md),
each step rounded to the cent, half up, from the *delivered* strings of the stand:

1. ``full_period_total`` = ``period_total`` when in service the whole period, else
   ``period_total`` × ``days_in_period`` ÷ ``days_in_service`` (pay of a whole period);
2. ``annual_pensionable_salary`` = ``full_period_total`` × ``annualisation_factor``
   × (1 + ``holiday_allowance_rate``);
3. ``part_time_factor`` = the stand's contract factor, at most the scheme's ``max_factor``;
4. ``full_time_annual_pensionable_salary`` = step 2 ÷ step 3;
5. ``capped_full_time_salary`` = min(step 4, ``maximum``);
6. ``full_time_base`` = max(0, step 5 − ``franchise``);
7. ``base`` = step 6 × step 3.

A DGA under a scheme with ``dga_participates: false`` gets base 0.00 (``excluded: dga``); a stand
without a part-time factor gets no base (``excluded: no_part_time_factor``), never a guess.
"""

from __future__ import annotations

from decimal import Decimal

from payroll_link.handoff.errors import HandoffConfigError
from payroll_link.handoff.values import factor, money, to_decimal


def figures_for(scheme_id: str, scheme, table, year: int) -> tuple[Decimal, Decimal]:
    """Return (franchise, maximum) of `year`: the scheme's own, else the table's."""
    rule = scheme.pension_base
    row = table.years.get(year) if table is not None else None
    franchise = rule.franchise.get(year, row.franchise if row else None)
    maximum = rule.maximum.get(year, row.maximum if row else None)
    if franchise is None or maximum is None:
        raise HandoffConfigError(f"scheme {scheme_id}: no franchise or maximum for {year} in "
                                 f"figures table {rule.figures!r} (schemes.yaml)")
    return franchise, maximum


def pension_base_block(settings, period, pensionable: dict | None, contract: dict,
                       days: tuple[int, int], dga: bool) -> dict | None:
    """Return the pension base group of a stand, or None when the scheme has no base rule."""
    scheme = settings.scheme
    if scheme is None or scheme.pension_base is None or pensionable is None:
        return None
    rule = scheme.pension_base
    franchise, maximum = figures_for(settings.scheme_id, scheme, settings.figures, period.year)
    block = _parameters(settings, period, franchise, maximum, days)
    total = to_decimal(pensionable["period_total"])
    in_service, in_period = days
    full_period = total if in_service >= in_period else (
        Decimal(money(total * in_period / in_service)) if in_service else Decimal(0))
    annual = Decimal(money(full_period * block["annualisation_factor"]
                           * (1 + rule.holiday_allowance_rate)))
    block.update(period_total=money(total), full_period_total=money(full_period),
                 annual_pensionable_salary=money(annual))
    part = to_decimal(contract.get("part_time_factor"))
    if dga and not rule.dga_participates:
        return {**block, "base": money(0), "excluded": "dga"}
    if not part:
        return {**block, "excluded": "no_part_time_factor"}
    return {**block, **_full_time_steps(annual, min(part, rule.part_time.max_factor),
                                        franchise, maximum)}


def _parameters(settings, period, franchise, maximum, days: tuple[int, int]) -> dict:
    """Return the block with its parameters filled in and the results still empty."""
    rule = settings.scheme.pension_base
    return {
        "rule": rule.rule, "year": period.year, "figures_table": rule.figures,
        "figures_version": settings.figures.version if settings.figures else None,
        "franchise": money(franchise), "maximum": money(maximum),
        "annualisation_factor": rule.annualisation[period.frequency],
        "holiday_allowance_rate": factor(rule.holiday_allowance_rate),
        "period_total": None, "days_in_service": days[0], "days_in_period": days[1],
        "full_period_total": None, "annual_pensionable_salary": None,
        "part_time_factor": None, "full_time_annual_pensionable_salary": None,
        "capped_full_time_salary": None, "full_time_base": None, "base": None,
        "excluded": None,
    }


def _full_time_steps(annual: Decimal, part: Decimal, franchise: Decimal,
                     maximum: Decimal) -> dict:
    """Steps 3-7: to full time, cap, franchise off, back to the part-time factor."""
    full_time = Decimal(money(annual / part))
    capped = min(full_time, maximum)
    above = max(Decimal(0), capped - franchise)
    return {"part_time_factor": factor(part),
            "full_time_annual_pensionable_salary": money(full_time),
            "capped_full_time_salary": money(capped), "full_time_base": money(above),
            "base": money(above * part)}
