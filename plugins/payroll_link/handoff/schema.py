"""The versioned JSON Schema of the stands message, and validation that never quotes values.

``schema/stands-message.v2.json`` (draft 2020-12) is the contract with a.s.r.; a change that
breaks it gets a new file (v3), never an edit in place (v1 stays for messages already sent:
v2 added the history flag, the exchange_start mutation and the pension base). ``validate`` raises
``MessageInvalidError`` whose text and ``problems`` name JSON paths and the failing rule only:
jsonschema's own messages quote the offending value (a BSN, a salary), so they are dropped.

``problems_of`` asks the compiled fast check (``fastcheck``) first and runs jsonschema only to
name the problems of an invalid message; ``reference_problems`` always runs jsonschema (the
receiver test double uses it, so every test delivery cross-checks the fast path).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator

from payroll_link.handoff.errors import MessageInvalidError
from payroll_link.handoff.fastcheck import compile_schema

SCHEMA_NAME = "stands-message.v2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / f"{SCHEMA_NAME}.json"
MAX_PROBLEMS = 20


@functools.lru_cache(maxsize=1)
def schema_document() -> dict:
    """Return the message schema, checked against the draft 2020-12 meta-schema."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@functools.lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    """Return the cached jsonschema validator of the message schema."""
    return Draft202012Validator(schema_document())


@functools.lru_cache(maxsize=1)
def fast_check():
    """Return the compiled yes/no check of the message schema."""
    return compile_schema(schema_document())


def problems_of(message: dict) -> list[tuple[str, str]]:
    """Return up to MAX_PROBLEMS (json path, rule) pairs; empty when the message is valid."""
    if fast_check()(message):
        return []
    # Invalid: let jsonschema name the paths. Should it find nothing, the two disagree: refuse.
    return reference_problems(message) or [("$", "fast-check")]


def reference_problems(message: dict) -> list[tuple[str, str]]:
    """Return the (path, rule) problems jsonschema finds; empty when the message is valid."""
    found = []
    for error in validator().iter_errors(message):
        # A `false` subschema (e.g. DQ18: no BSN) reports no keyword, at the parent object.
        rule = str(error.validator) if error.validator is not None else "not_allowed"
        found.append((_path(message, list(error.absolute_path)), rule))
        if len(found) >= MAX_PROBLEMS:
            break
    return sorted(set(found))


def validate(message: dict, **context) -> None:
    """Raise MessageInvalidError (paths and rules only) unless `message` fits the schema."""
    problems = problems_of(message)
    if problems:
        shown = "; ".join(f"{path}: {rule}" for path, rule in problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        raise MessageInvalidError(f"message fails {SCHEMA_NAME}: {shown}{more}", problems,
                                  **context)


def _path(message: dict, parts: list) -> str:
    """Write a JSON path; a stand or mutation index also names its employee id (not data)."""
    out = "$"
    for depth, part in enumerate(parts):
        if isinstance(part, int):
            out += f"[{part}]"
            if depth == 1 and parts[0] in ("stands", "mutations"):
                out += _employee(message, parts[0], part)
        else:
            out += f".{part}"
    return out


def _employee(message: dict, array: str, index: int) -> str:
    try:
        return f"(employee {int(message[array][index]['employee_id'])})"
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
