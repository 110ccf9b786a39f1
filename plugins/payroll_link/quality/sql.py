"""Rule SQL: the shared CTEs over one published extraction, literals, and query composition.

A check is a SELECT yielding ``key`` (an employee id, a run id, or NULL for the employer) and
``ok`` (boolean) for every unit it evaluates; rows of one key are folded with ``bool_and``.
Placeholders are written ``:name`` and replaced by SQL literals (never bound), so that Great
Expectations runs exactly the text the gate runs. Only the CTEs a check names are included.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

_PLACEHOLDER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)\b")
_BATCH_SENTINEL = "\x00batch\x00"


def _entity(table: str, run: str = "x") -> str:
    return f"select s.* from published.{table} s join {run} on s._extraction_id = {run}.xid"


def _active(jobs: str, run: str) -> str:
    return (f"select distinct j.employee_id from {jobs} j cross join {run} "
            f"where j.start_date <= {run}.p_end and (j.end_date is null or j.end_date >= "
            f"{run}.p_start) and (j.end_date is null or j.end_date >= j.start_date)")


def _salary_spans(salaries: str) -> str:
    return ("select s.employee_id, s.value, s.salary_type, s.start_date, lead(s.start_date) "
            "over (partition by s.employee_id order by s.start_date, s.creation_date, "
            f"s.salary_id) as next_start from {salaries} s")


def _salary_at_end(spans: str, run: str) -> str:
    return (f"select sp.* from {spans} sp cross join {run} where sp.start_date <= {run}.p_end "
            f"and (sp.next_start is null or sp.next_start > {run}.p_end)")


# Name -> body, in dependency order. `x` is the extraction under test, read through the GX
# batch (ops.extraction); `prev_x` the published extraction of the previous period, if any.
CTES: dict[str, str] = {
    "x": ("select e.extraction_id as xid, e.employer_id, e.period, e.period_start as p_start, "
          "e.period_end as p_end, e.started_at from :batch b join ops.extraction e "
          "on e.extraction_id = b.extraction_id where e.extraction_id = :xid"),
    "prev_x": ("select e.extraction_id as xid, e.period_start as p_start, e.period_end as p_end "
               "from ops.extraction e where e.extraction_id = :prev_xid"),
    "listed": _entity("employee"),
    "jobs": _entity("employment"),
    "active": _active("jobs", "x"),
    "staff": "select employee_id from listed union select employee_id from active",
    "pinfo": _entity("personal_info"),
    "addresses": _entity("address"),
    "banks": _entity("bank_account"),
    "partners": _entity("partner"),
    "children": _entity("child"),
    "contracts": _entity("contract"),
    "schedules": _entity("schedule"),
    "svws": _entity("svw"),
    "salaries": _entity("salary"),
    "lines": _entity("wage_code_line"),
    "runs": _entity("company_run"),
    "salary_spans": _salary_spans("salaries"),
    "salary_at_end": _salary_at_end("salary_spans", "x"),
    "prev_listed": _entity("employee", "prev_x"),
    "prev_jobs": _entity("employment", "prev_x"),
    "prev_active": _active("prev_jobs", "prev_x"),
    "prev_staff": "select employee_id from prev_listed union select employee_id from prev_active",
    "prev_salaries": _entity("salary", "prev_x"),
    "prev_salary_spans": _salary_spans("prev_salaries"),
    "prev_salary_at_end": _salary_at_end("prev_salary_spans", "prev_x"),
}
_CTE_NAMES = {name: re.compile(rf"\b{name}\b") for name in CTES}


def literal(value: Any) -> str:
    """Return `value` as a PostgreSQL literal (text quoted, numbers checked, lists as arrays)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, uuid.UUID):
        return f"'{value}'::uuid"
    if isinstance(value, int | Decimal | float):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            raise ValueError("a rule parameter is not a finite number")
        return str(value)
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a rule parameter contains a NUL character")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, Sequence):
        items = [literal(item) for item in value]
        cast = "::text[]" if all(isinstance(item, str) for item in value) else ""
        return f"array[{', '.join(items)}]{cast}"
    raise TypeError(f"cannot write a {type(value).__name__} as a SQL literal")


def substitute(template: str, values: Mapping[str, str]) -> str:
    """Replace every ``:name`` with ``values[name]`` (already SQL text); KeyError names it."""

    def replace(match: re.Match) -> str:
        return values[match.group(1)]

    return _PLACEHOLDER.sub(replace, template)


def placeholders(template: str) -> set[str]:
    """Return the ``:name`` placeholders a template uses."""
    return set(_PLACEHOLDER.findall(template))


def needed_ctes(body: str) -> list[str]:
    """Return the CTEs `body` refers to, with their dependencies, in definition order."""
    wanted = {"x"}
    pending = [body]
    while pending:
        text = pending.pop()
        for name, pattern in _CTE_NAMES.items():
            if name not in wanted and pattern.search(text):
                wanted.add(name)
                pending.append(CTES[name])
    return [name for name in CTES if name in wanted]


def _with_clause(body: str, values: Mapping[str, str]) -> str:
    ctes = [f"{name} as (\n    {substitute(CTES[name], values)})" for name in needed_ctes(body)]
    checked = (f"checked as (\n    select key, bool_and(ok) as ok from (\n{body}\n    ) c "
               "group by key)")
    return "with " + ",\n".join([*ctes, checked])


def outcome_query(check_sql: str, values: Mapping[str, str]) -> str:
    """Return the gate's query: evaluated count, failed count and every failing key."""
    values = {**values, "batch": "ops.extraction"}
    body = substitute(check_sql, values)
    return (_with_clause(body, values) + "\nselect count(*) as evaluated, count(*) filter "
            "(where ok is not true) as failed, array_agg(key order by key) filter (where ok is "
            "not true and key is not null) as keys from checked")


def unexpected_rows_query(check_sql: str, values: Mapping[str, str], key_name: str) -> str:
    """Return the same check for GX's UnexpectedRowsExpectation: one row (key only) per failure.

    Literal braces are doubled (GX formats the query) and ``{batch}`` marks the batch table.
    """
    values = {**values, "batch": _BATCH_SENTINEL}
    body = substitute(check_sql, values)
    text = (_with_clause(body, values)
            + f"\nselect key as {key_name} from checked where ok is not true")
    text = text.replace("{", "{{").replace("}", "}}")
    return text.replace(_BATCH_SENTINEL, "{batch}")
