"""A string that never shows its value in repr, str or pickles: tokens, keys, client secrets."""

from __future__ import annotations


class Secret(str):
    """A string whose repr and str never show the value; `.reveal()` returns it."""

    def __new__(cls, value: str):
        obj = super().__new__(cls, "***")
        obj._value = value
        return obj

    def reveal(self) -> str:
        """Return the secret value, only where it is sent (a header, a token request)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __reduce__(self):  # pickling must not leak it either: refuse
        raise TypeError("a Secret cannot be pickled")
