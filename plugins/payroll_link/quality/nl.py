"""Dutch identifier checks (BSN 11-proef, IBAN MOD-97-10, postcode), in Python and as SQL.

The Python functions are the reference (pension-handoff.md §7 DQ1, DQ4, DQ5); the ``sql_*``
builders return the same test as a PostgreSQL boolean expression over a column expression, and
tests pin both to the same vectors. The SQL uses CASE so a malformed value is never cast.
"""

from __future__ import annotations

import re

BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
NEVER_ISSUED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})
_BSN_SHAPE = re.compile(r"^[0-9]{8,9}$")
_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


def normalise_bsn(value: str | None) -> str | None:
    """Return the BSN as 9 digits (an 8-digit number gets a leading 0), or None if not digits."""
    text = (value or "").strip()
    if not _BSN_SHAPE.match(text):
        return None
    return text.zfill(9)


def bsn_is_valid(value: str | None) -> bool:
    """Tell whether a BSN passes the 11-proef and does not start with 000."""
    digits = normalise_bsn(value)
    if digits is None or digits.startswith("000"):
        return False
    total = sum(weight * int(digit) for weight, digit in zip(BSN_WEIGHTS, digits, strict=True))
    return total % 11 == 0


def normalise_postcode(value: str | None) -> str:
    """Return a postcode upper-cased without spaces ("1234 ab" -> "1234AB")."""
    return re.sub(r"\s+", "", value or "").upper()


def postcode_is_valid(value: str | None) -> bool:
    """Tell whether a Dutch postcode has the form 1234AB and an issued letter pair."""
    code = normalise_postcode(value)
    return bool(_POSTCODE.match(code)) and code[4:] not in NEVER_ISSUED_POSTCODE_LETTERS


def normalise_iban(value: str | None) -> str:
    """Return an IBAN upper-cased without spaces."""
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(value: str | None) -> bool:
    """Tell whether an IBAN has a valid shape and passes ISO 7064 MOD-97-10."""
    iban = normalise_iban(value)
    if not _IBAN_SHAPE.match(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1


def sql_bsn_valid(column: str) -> str:
    """Return a SQL boolean: `column` is a BSN passing the 11-proef (false when malformed)."""
    digits = f"lpad(btrim({column}), 9, '0')"
    terms = " + ".join(f"({weight}) * substr({digits}, {i}, 1)::int"
                       for i, weight in enumerate(BSN_WEIGHTS, start=1))
    return (f"(case when btrim({column}) ~ '^[0-9]{{8,9}}$' "
            f"and substr({digits}, 1, 3) <> '000' then mod({terms}, 11) = 0 else false end)")


def sql_postcode_valid(column: str) -> str:
    """Return a SQL boolean: `column` is a Dutch postcode (spaces and case ignored)."""
    code = f"upper(regexp_replace(coalesce({column}, ''), '\\s', '', 'g'))"
    letters = ", ".join(f"'{pair}'" for pair in sorted(NEVER_ISSUED_POSTCODE_LETTERS))
    return f"({code} ~ '^[1-9][0-9]{{3}}[A-Z]{{2}}$' and right({code}, 2) not in ({letters}))"


def sql_iban_valid(column: str) -> str:
    """Return a SQL boolean: `column` is an IBAN passing MOD-97-10 (false when malformed)."""
    iban = f"upper(regexp_replace(coalesce({column}, ''), '\\s', '', 'g'))"
    moved = f"substr({iban}, 5) || substr({iban}, 1, 4)"
    digits = ("(select string_agg(case when ch between 'A' and 'Z' then (ascii(ch) - 55)::text "
              f"else ch end, '' order by n) from unnest(string_to_array({moved}, null)) "
              "with ordinality as chars(ch, n))")
    return (f"(case when {iban} ~ '^[A-Z]{{2}}[0-9]{{2}}[A-Z0-9]{{11,30}}$' "
            f"then mod({digits}::numeric, 97) = 1 else false end)")
