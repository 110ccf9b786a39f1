"""Checks on source drift: needed fields that no answer filled, and answers we could not place.

A call that answered for the employees of a period but left a needed column NULL for every one
of them means the answer's shape changed (a renamed or moved element), not that the data is
empty: that is an error. Drift the source recorded (``ops.source_drift``: unknown elements,
missing elements, values that do not fit) is a warning. Names and booleans only.
"""

from __future__ import annotations

from payroll_link.staging import NOT_CARRIED

# Known gaps as SQL rows (source, entity, column), from the staging contract's constants.
_NOT_CARRIED = ", ".join(f"('{source}', '{name}', '{column}')"
                         for source, entities in NOT_CARRIED.items()
                         for name, columns in entities.items() for column in columns)

CHECKS: dict[str, tuple[str, str, dict]] = {
    # One unit per listed column: filled for at least one employee of a call that answered.
    # A column the entity does not have counts as never filled (a typo in a rule set fails).
    # A column the extraction's source does not carry by design (staging.NOT_CARRIED: REST has
    # no SVW risk group or sector, no contract employment type, ...) is judged answered: the
    # rule asks whether the source delivered what it can, and an empty known gap is neither a
    # changed answer nor fixable at the employer. The gap is excused only when every call of
    # the extraction came from that source; a SOAP answer losing the same element still fails,
    # and the gap stays visible as "missing" drift (source.drift) and in the README.
    "fields_answered": (
        "select null::bigint as key, coalesce(bool_and(c.filled or exists (select 1 from "
        f"(values {_NOT_CARRIED}) g(source, entity, col) where g.entity = ':entity' "
        "and g.col = c.col and exists (select 1 from raw.call_payload r where "
        "r.extraction_id = x.xid) and not exists (select 1 from raw.call_payload r where "
        "r.extraction_id = x.xid and r.source is distinct from g.source))), true) and "
        "(count(*) = 0 or count(*) = cardinality(:columns)) as ok from (select j.key as col, "
        "bool_or(j.value <> 'null'::jsonb) as filled from published.:entity e join x on "
        "e._extraction_id = x.xid cross join lateral jsonb_each(to_jsonb(e)) j "
        "where j.key = any(:columns) group by j.key) c cross join x",
        "employer", {"entity": "identifier", "columns": "text_list"}),
    "no_source_drift": (
        "select null::bigint as key, not exists (select 1 from ops.source_drift d where "
        "d.extraction_id = x.xid and d.kind = any(:kinds)) as ok from x",
        "employer", {"kinds": "text_list"}),
}
