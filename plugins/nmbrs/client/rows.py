"""Turn zeep result objects into plain rows: dicts of typed values, lists never None."""

from __future__ import annotations

from typing import Any

from zeep.helpers import serialize_object


def plain(value: Any) -> Any:
    """Return `value` as plain dicts/lists; an `ArrayOfX` wrapper {'X': [...]} becomes the list."""
    value = serialize_object(value, target_cls=dict)
    return _unwrap(value)


def _unwrap(value: Any) -> Any:
    if isinstance(value, list):
        return [_unwrap(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (only,) = value.values()
            if isinstance(only, list):
                return [_unwrap(item) for item in only]
        return {key: _unwrap(item) for key, item in value.items() if not key.startswith("_")}
    return value


def as_list(value: Any) -> list:
    """Return a list result; zeep gives None for an empty <XResult/>."""
    if value is None:
        return []
    result = plain(value)
    return result if isinstance(result, list) else [result]


def as_record(value: Any) -> dict | None:
    """Return a single-object result as a dict (None when the element is absent)."""
    if value is None:
        return None
    result = plain(value)
    if not isinstance(result, dict):
        raise TypeError(f"expected one record, got {type(result).__name__}")
    for key, item in result.items():
        if item is None and key.endswith(("Children", "Contracts", "Employments", "Salaries")):
            result[key] = []
    return result
