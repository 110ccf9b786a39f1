"""Bulk load with COPY: rows encoded as PostgreSQL text format, sent in bounded chunks.

Memory stays flat: rows are consumed from an iterator and at most ``chunk_rows`` encoded lines
are held at a time. Errors name table, line and column; PostgreSQL's own message is dropped
because it quotes the offending value (a BSN, an IBAN, a salary).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import psycopg2
from psycopg2 import errorcodes, sql

from payroll_link.warehouse.errors import LoadError

CHUNK_ROWS = 20_000
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_CONTEXT = re.compile(r"line (\d+)(?:, column (\w+))?")


def json_default(value: Any) -> Any:
    """Encode what the Nmbrs client returns beyond JSON: decimals exactly (as strings), dates."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"a {type(value).__name__} is not JSON-serialisable")


def to_json(value: Any) -> str:
    """Return canonical JSON (sorted keys, compact): stable input for content hashes."""
    return json.dumps(value, default=json_default, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


_BY_TYPE = {
    str: _text,
    int: str,
    float: repr,
    Decimal: str,
    bool: lambda value: "t" if value else "f",
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
    uuid.UUID: str,
    bytes: lambda value: "\\\\x" + value.hex(),  # bytea hex input, backslash escaped
    dict: lambda value: _text(to_json(value)),
    list: lambda value: _text(to_json(value)),
}


def field(value: Any) -> str:
    """Return one value in COPY text format (NULL is ``\\N``)."""
    if value is None:
        return NULL
    encode = _BY_TYPE.get(type(value))
    if encode is None:  # subclasses (enums, pandas types): fall back on the nearest base
        encode = next((f for t, f in _BY_TYPE.items() if isinstance(value, t)), None)
    if encode is None:
        return _text(str(value))
    return encode(value)


def line(values: Iterable[Any], prefix: str = "") -> str:
    """Return one COPY text line; `prefix` is pre-encoded leading fields ending in a tab."""
    return prefix + "\t".join(map(field, values)) + "\n"


def copy_lines(cursor, table: str, columns: Sequence[str], lines: Iterator[str],
               chunk_rows: int = CHUNK_ROWS) -> int:
    """COPY `lines` into schema-qualified `table`, `chunk_rows` at a time; return the row count."""
    schema, name = table.split(".", 1)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, columns)),
    ).as_string(cursor)
    total = 0
    while True:
        buffer = io.StringIO()
        count = 0
        for text_line in lines:
            buffer.write(text_line)
            count += 1
            if count == chunk_rows:
                break
        if count == 0:
            return total
        buffer.seek(0)
        _copy(cursor, statement, buffer, table, total)
        total += count
        if count < chunk_rows:
            return total


def _copy(cursor, statement: str, buffer: io.StringIO, table: str, offset: int) -> None:
    try:
        cursor.copy_expert(statement, buffer, size=1 << 16)
        return
    except psycopg2.Error as err:
        message = _describe(err, table, offset)
    # Raised outside the except block: no __context__ that still holds the server's message.
    raise LoadError(message)


def _describe(err: psycopg2.Error, table: str, offset: int) -> str:
    where = "a row"
    match = _CONTEXT.search(getattr(err.diag, "context", None) or "")
    if match:
        where = f"row {offset + int(match.group(1))}"
        if match.group(2):
            where += f", column {match.group(2)}"
    return f"COPY into {table} rejected {where}: {_code_name(err)} (value not shown)"


def _code_name(err: psycopg2.Error) -> str:
    try:
        return f"{errorcodes.lookup(err.pgcode)} ({err.pgcode})"
    except (KeyError, TypeError):
        return type(err).__name__
