"""Mutations: events derived by comparing each stand with the last delivered stand of the same
employment (UPA practice: stands are the truth, mutations follow from two consecutive stands).

Pure domain code. The base is the set of stands a.s.r. received for the latest delivered period
before this one (its latest version), already projected on the product's field set, so only
fields a.s.r. receives are compared, like for like. Without a base (the employer's first
delivered period, see ``golive``) every stand carries an ``exchange_start``: the participant
enters the exchange, which is no event in the payroll. A hire is added only when the employment
starts inside that period, an exit when it ends inside it.

Ids are ``<period>.<employee_id>.<employment_id>.<kind>[.<child_id>]``: deterministic, and the
same event keeps its id when a corrected version of the period is sent. Order: employee id,
employment id, then the order of ``KINDS``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

KINDS = ("exchange_start", "hire", "rehire", "exit", "salary_change", "part_time_change",
         "address_change", "partner_change", "child_added", "dga_change",
         "personal_data_correction")
_ORDER = {kind: index for index, kind in enumerate(KINDS)}


def key(stand: dict) -> tuple[int, int]:
    """Return the employment key of a stand (or a mutation)."""
    return stand["employee_id"], stand["employment_id"]


def derive_mutations(stands: list[dict], base: list[dict] | None, history: Iterable[dict],
                     period) -> tuple[list[dict], int]:
    """Return (mutations, unexplained): unexplained counts base employments that vanished
    without any end date (neither delivered nor in the current employment history)."""
    maker = _Maker(period)
    history_by_key = {(h["employee_id"], h["employment_id"]): h for h in history}
    starts: dict[int, list[tuple[int, str]]] = {}
    for (eid, job), row in history_by_key.items():
        if row.get("start_date"):
            starts.setdefault(eid, []).append((job, row["start_date"].isoformat()))
    previous = {key(s): s for s in base or ()}
    mutations: list[dict] = []
    for stand in stands:
        old = previous.get(key(stand))
        if old is None:
            mutations += _new(maker, stand, base is None, starts.get(stand["employee_id"], ()))
        else:
            mutations += _changes(maker, old, stand)
    current = {key(s) for s in stands}
    unexplained = 0
    for old_key, old in sorted(previous.items()):
        if old_key in current or old["employment"].get("end_date"):
            continue
        found = _retroactive_exit(maker, old, history_by_key.get(old_key))
        mutations += found
        unexplained += not found
    mutations.sort(key=lambda m: (m["employee_id"], m["employment_id"], _ORDER[m["kind"]],
                                  m["mutation_id"]))
    return mutations, unexplained


def count_by_kind(mutations: Iterable[dict]) -> dict[str, int]:
    """Return {kind: count} in the order of KINDS, kinds that occur only."""
    counts = Counter(m["kind"] for m in mutations)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}


class _Maker:
    """Builds mutation records for one period."""

    def __init__(self, period):
        self.label = period.label
        self.start = period.start.isoformat()

    def __call__(self, stand: dict, kind: str, effective: str | None, old, new,
                 suffix: str = "") -> dict:
        eid, job = key(stand)
        identity = stand.get("identity") or {}
        return {
            "mutation_id": f"{self.label}.{eid}.{job}.{kind}{suffix}",
            "kind": kind,
            "employee_id": eid,
            "employment_id": job,
            "personnel_number": identity.get("personnel_number"),
            "effective_date": effective,
            "is_retroactive": effective is not None and effective < self.start,
            "old": old,
            "new": new,
        }


def _new(make: _Maker, stand: dict, first: bool, starts: Iterable[tuple[int, str]]) -> list[dict]:
    """A stand the base lacks: hire, or re-hire when the employee had an earlier employment.

    In the first delivered period (no base) it is an exchange start, plus a hire when the
    employment starts inside the period.
    """
    job = stand["employment"]
    found = []
    if first:
        found.append(make(stand, "exchange_start", make.start, None,
                          {"start_date": job["start_date"]}))
    if not first or job["start_date"] >= make.start:
        earlier = any(other != stand["employment_id"] and start < job["start_date"]
                      for other, start in starts)
        kind = "rehire" if earlier and not first else "hire"
        found.append(make(stand, kind, job["start_date"], None,
                          {"start_date": job["start_date"]}))
    if job.get("end_date"):
        found.append(_exit(make, stand, None))
    return found


def _exit(make: _Maker, stand: dict, old_end: str | None) -> dict:
    job = stand["employment"]
    return make(stand, "exit", job["end_date"], {"end_date": old_end},
                {"end_date": job["end_date"], "end_reason": job.get("end_reason")})


def _changes(make: _Maker, old: dict, new: dict) -> list[dict]:
    found = []
    end = new["employment"].get("end_date")
    if end and end != old["employment"].get("end_date"):
        found.append(_exit(make, new, old["employment"].get("end_date")))
    found += _salary(make, old, new) + _part_time(make, old, new)
    for group, kind in (("address", "address_change"), ("dga", "dga_change")):
        if group in old and group in new and old[group] != new[group]:
            found.append(make(new, kind, None, old[group], new[group]))
    if "partner" in old and "partner" in new and old["partner"] != new["partner"]:
        start = (new["partner"] or {}).get("start_date")
        found.append(make(new, "partner_change", start, old["partner"], new["partner"]))
    if "children" in old and "children" in new:
        known = {child["child_id"] for child in old["children"]}
        found += [make(new, "child_added", child.get("birth_date"), None, child,
                       f".{child['child_id']}") for child in new["children"]
                  if child["child_id"] not in known]
    return found + _identity(make, old, new)


def _salary(make: _Maker, old: dict, new: dict) -> list[dict]:
    before, after = old.get("salary"), new.get("salary")
    if not before or not after:
        return []
    fields = [f for f in ("salary_type", "amount") if f in after] or list(after)
    if all(before.get(f) == after.get(f) for f in fields):
        return []
    shown = [f for f in ("salary_type", "amount", "annual_amount") if f in after] or fields
    return [make(new, "salary_change", after.get("valid_from"),
                 {f: before.get(f) for f in shown}, {f: after.get(f) for f in shown})]


def _part_time(make: _Maker, old: dict, new: dict) -> list[dict]:
    before, after = old.get("contract"), new.get("contract")
    if not before or not after:
        return []
    fields = [f for f in ("part_time_factor", "hours_per_week")
              if before.get(f) is not None and after.get(f) is not None]
    if not fields or all(before[f] == after[f] for f in fields):
        return []
    effective = after.get("start_date") if after.get("hours_source") == "contract" else None
    return [make(new, "part_time_change", effective or make.start,
                 {f: before[f] for f in fields}, {f: after[f] for f in fields})]


def _identity(make: _Maker, old: dict, new: dict) -> list[dict]:
    before, after = old.get("identity") or {}, new.get("identity") or {}
    changed = [f for f in after if f in before and before[f] != after[f]]
    if not changed:
        return []
    return [make(new, "personal_data_correction", None, {f: before[f] for f in changed},
                 {f: after[f] for f in changed})]


def _retroactive_exit(make: _Maker, old: dict, row: dict | None) -> list[dict]:
    """An employment delivered as running that ended before this period: a late exit."""
    if row is None or not row.get("end_date"):
        return []
    end = row["end_date"].isoformat()
    stand = {**old, "employment": {**old["employment"], "end_date": end}}
    return [_exit(make, stand, None)]
