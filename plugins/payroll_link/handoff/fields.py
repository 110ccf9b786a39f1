"""The stand field catalogue (the superset record) and its projection onto a product field set.

A stand is built with every group below; ``project`` keeps what one product's field set lists
(``config/handoff/products.yaml``), so which fields a product carries is data, not code.
``employee_id`` and ``employment_id`` (the stand's key) are always kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

KEY_FIELDS = ("employee_id", "employment_id")

# group -> fields; a group of None is carried whole (a scalar or an opaque list).
CATALOGUE: dict[str, tuple[str, ...] | None] = {
    "identity": ("personnel_number", "bsn", "initials", "first_name", "prefix", "last_name",
                 "birth_date", "gender"),
    "address": ("street", "house_number", "house_number_addition", "postal_code", "city",
                "country"),
    "employment": ("start_date", "end_date", "end_reason", "initial_start_date",
                   "income_relationship_number", "days_in_service", "days_in_period"),
    "contract": ("contract_id", "type", "nature_code", "start_date", "end_date",
                 "hours_per_week", "full_time_hours_per_week", "part_time_factor",
                 "hours_source"),
    "salary": ("salary_type", "amount", "valid_from", "full_time_period_amount",
               "period_amount", "full_time_annual_amount", "annual_amount",
               "annualisation_factor"),
    "pensionable": ("scheme", "components", "period_total", "annual_total"),
    "pension_base": None,
    "svw": ("income_relationship_type", "insured_wao_wia", "insured_ww", "insured_zw",
            "zvw_code", "cao_code", "sector", "risk_group", "phase_classification",
            "influence_obliged_insurance"),
    "dga": None,
    "partner": ("partner_id", "first_name", "initials", "name", "gender", "birth_date",
                "start_date"),
    "children": ("child_id", "first_name", "initials", "name", "gender", "birth_date"),
    "quality_warnings": None,
}
# A stand without these means nothing to a.s.r. (and mutations are derived from them).
REQUIRED_FIELDS = {"identity": ("personnel_number", "last_name", "birth_date"),
                   "employment": ("start_date", "end_date")}
LIST_GROUPS = ("children",)  # list of records: the fields apply to every item


def check_field_set(name: str, groups: Mapping[str, object]) -> list[str]:
    """Return what is wrong with a field set (unknown groups or fields); empty when fine."""
    problems = [f"{name}.{group}: field {f!r} is required" for group, wanted in
                REQUIRED_FIELDS.items() for f in wanted
                if not isinstance(groups.get(group), list | tuple) or f not in groups[group]]
    for group, fields in groups.items():
        if group not in CATALOGUE:
            problems.append(f"{name}: unknown group {group!r} (known: {sorted(CATALOGUE)})")
            continue
        known = CATALOGUE[group]
        if known is None or fields is True:
            if fields is not True:
                problems.append(f"{name}.{group}: this group is carried whole; write 'true'")
            continue
        if not isinstance(fields, list | tuple) or not fields:
            problems.append(f"{name}.{group}: expected a list of fields or 'true'")
            continue
        problems += [f"{name}.{group}: unknown field {f!r}" for f in fields if f not in known]
    return problems


def project(stand: Mapping, groups: Mapping[str, object]) -> dict:
    """Return the stand with only the groups and fields of a field set, in catalogue order."""
    out = {key: stand[key] for key in KEY_FIELDS}
    for group in CATALOGUE:
        if group not in groups or group not in stand:
            continue
        wanted = groups[group]
        value = stand[group]
        if wanted is True or CATALOGUE[group] is None or value is None:
            out[group] = value
        elif group in LIST_GROUPS:
            out[group] = [_pick(item, wanted) for item in value]
        else:
            out[group] = _pick(value, wanted)
    return out


def _pick(record: Mapping, wanted: Iterable[str]) -> dict:
    keep = set(wanted)
    return {name: value for name, value in record.items() if name in keep}
