"""Name comparison: company names (near matches) and person names (tussenvoegsels, initials)."""

from __future__ import annotations

import difflib
import re
import unicodedata

# Dutch surname prefixes (tussenvoegsels) and their common short forms; compared case-folded.
TUSSENVOEGSELS = frozenset({
    "van", "de", "den", "der", "des", "het", "'t", "t", "ten", "ter", "te", "in", "op", "aan",
    "bij", "onder", "over", "uit", "voor", "la", "le", "les", "du", "da", "di", "del", "della",
    "dos", "el", "al", "von", "vom", "zu", "zum", "v", "vd", "v/d", "d'",
})
_TOKEN = re.compile(r"[^\w']+")
_VD = re.compile(r"\bv\s*[./]\s*d\b\.?")  # 'v.d.' and 'v/d' (van der / van den)


def fold(text: str) -> str:
    """Return `text` case-folded, without accents, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def company_key(name: str) -> str:
    """Return the comparison key of a company name: letters and digits only, case-folded.

    'Bakkerij Van den Berg B.V.', 'bakkerij van den berg BV' and 'Bakkerij Vanden Berg B. V.'
    share one key; the registry still needs the literal spelling.
    """
    return "".join(ch for ch in fold(name) if ch.isalnum())


def how_names_differ(wanted: str, found: str) -> str:
    """Say in a few words how two company names with the same key differ."""
    if wanted.casefold() == found.casefold():
        return "only upper/lower case differs"
    if "".join(wanted.split()) == "".join(found.split()):
        return "only spacing differs"
    if fold(wanted) == fold(found):
        return "only case or accents differ"
    if company_key(wanted) == company_key(found):
        return "punctuation or spacing differs (e.g. 'B.V.' versus 'BV')"
    return "similar spelling"


def near_matches(wanted: str, names: list[str], limit: int = 3) -> list[str]:
    """Return up to `limit` names that are close to `wanted` (same key first, then similar)."""
    key = company_key(wanted)
    same = [name for name in names if company_key(name) == key and name != wanted]
    keys = {company_key(name): name for name in names if name not in same and name != wanted}
    close = difflib.get_close_matches(key, list(keys), n=limit, cutoff=0.8)
    return (same + [keys[k] for k in close])[:limit]


def _tokens(name: str) -> list[str]:
    """Split a person's name into folded tokens; 'Berg, J. van den' becomes 'J. van den Berg'."""
    text = fold(name)
    if "," in text:
        surname, _, given = text.partition(",")
        text = f"{given} {surname}"
    text = _VD.sub("vd", text)
    return [token for token in _TOKEN.split(text.replace(".", ". ")) if token]


def _core(tokens: list[str]) -> list[str]:
    return [token for token in tokens if token not in TUSSENVOEGSELS]


def person_name_matches(declared: str, *, first_name: str | None, initials: str | None,
                        prefix: str | None, last_name: str | None) -> bool:
    """Tell whether `declared` names the person Nmbrs holds, tolerant of case and prefixes.

    The last name (without tussenvoegsels, hyphen parts all present) must appear in the
    declared name; a declared given name or initial must agree with Nmbrs' first name or
    initials. 'J. van den Berg', 'Jan v.d. Berg', 'BERG, J. VAN DEN' all match Jan van den Berg.
    """
    full = _tokens(f"{prefix or ''} {last_name or ''}")
    surname = _core(full)
    if not surname:
        return False
    words = _core(_tokens(declared))
    if "".join(full) in words:  # 'Vandenberg' written as one word
        surname = ["".join(full)]
    if not all(part in words for part in surname):
        return False
    given = [word for word in words if word not in surname]
    if not given:
        return True
    first = fold(first_name or "")
    initial = (_tokens(initials or "") or [first])[0][:1]
    word = given[0]
    if len(word) == 1:
        return word == initial
    return word == first or word[0] == initial  # 'Jan' for Johannes J.: a call name is fine
