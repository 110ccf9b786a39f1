"""A compiled yes/no check for the message schema: the fast path in front of jsonschema.

jsonschema walks 5,000 stands in ~6 s (a validator object per keyword and value). The schema
uses a small keyword set, so it is compiled once into nested closures that answer only "valid
or not" (~0.3 s). ``schema.problems_of`` runs jsonschema itself only when this says "invalid",
to name the paths. Compiling a schema with any keyword not handled here raises, so the schema
cannot outgrow the fast path unnoticed; tests run both over valid and broken messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Check = Callable[[object], bool]
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "$comment"})
_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword or a $ref form the fast check does not implement."""


def compile_schema(root: dict) -> Check:
    """Return a function telling whether an instance is valid against `root`."""
    return _Compiler(root).compile(root)


def _same(a, b) -> bool:
    """JSON equality as jsonschema has it: true is not 1, false is not 0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return type(a) is type(b) and a == b if isinstance(a, dict | list) else a == b


class _Compiler:
    def __init__(self, root: dict):
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema) -> Check:
        if schema is True:
            return lambda _: True
        if schema is False:
            return lambda _: False
        unknown = set(schema) - ANNOTATIONS - set(_KEYWORDS)
        if unknown:
            raise UnsupportedSchemaError(f"fast check: unsupported keywords {sorted(unknown)}")
        checks = [_KEYWORDS[word](self, schema[word], schema) for word in schema
                  if word in _KEYWORDS and word not in ("then", "else")]
        checks = [check for check in checks if check is not None]
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    def ref(self, target: str, _schema) -> Check:
        if not target.startswith("#/$defs/") or "/" in target[len("#/$defs/"):]:
            raise UnsupportedSchemaError(f"fast check: only #/$defs/<name> refs, not {target!r}")
        name = target[len("#/$defs/"):]
        if name not in self.refs:
            self.refs[name] = None  # guards against recursion (none in this schema)
            self.refs[name] = self.compile(self.root["$defs"][name])
        compiled = self.refs[name]
        if compiled is None:
            raise UnsupportedSchemaError(f"fast check: recursive ref {target!r}")
        return compiled


def _type(c, names, _s) -> Check:
    tests = [_TYPES[n] for n in ([names] if isinstance(names, str) else names)]
    return lambda v: any(test(v) for test in tests)


def _properties(c, props, _s) -> Check:
    compiled = {name: c.compile(sub) for name, sub in props.items()}
    return lambda v: not isinstance(v, dict) or all(
        compiled[k](v[k]) for k in v if k in compiled)


def _additional(c, sub, schema) -> Check:
    known = set(schema.get("properties", {}))
    check = c.compile(sub)
    return lambda v: not isinstance(v, dict) or all(check(v[k]) for k in v if k not in known)


def _required(c, names, _s) -> Check:
    return lambda v: not isinstance(v, dict) or all(n in v for n in names)


def _property_names(c, sub, _s) -> Check:
    check = c.compile(sub)
    return lambda v: not isinstance(v, dict) or all(check(k) for k in v)


def _items(c, sub, _s) -> Check:
    check = c.compile(sub)
    return lambda v: not isinstance(v, list) or all(check(x) for x in v)


def _unique(c, flag, _s) -> Check | None:
    if not flag:
        return None
    return lambda v: not isinstance(v, list) or not any(
        _same(a, b) for i, a in enumerate(v) for b in v[i + 1:])


def _pattern(c, regex, _s) -> Check:
    search = re.compile(regex).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _bound(test: Callable[[object, object], bool], kinds) -> Callable:
    def build(c, limit, _s) -> Check:
        return lambda v: not isinstance(v, kinds) or isinstance(v, bool) or test(v, limit)
    return build


def _if(c, sub, schema) -> Check:
    test = c.compile(sub)
    then = c.compile(schema.get("then", True))
    other = c.compile(schema.get("else", True))
    return lambda v: then(v) if test(v) else other(v)


_KEYWORDS: dict[str, Callable] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "propertyNames": _property_names,
    "items": _items,
    "uniqueItems": _unique,
    "pattern": _pattern,
    "enum": lambda c, values, _s: lambda v: any(_same(v, e) for e in values),
    "const": lambda c, value, _s: lambda v: _same(v, value),
    "minimum": _bound(lambda v, n: v >= n, int | float),
    "maximum": _bound(lambda v, n: v <= n, int | float),
    "minLength": _bound(lambda v, n: len(v) >= n, str),
    "maxLength": _bound(lambda v, n: len(v) <= n, str),
    "allOf": lambda c, subs, _s: (lambda checks: lambda v: all(k(v) for k in checks))(
        [c.compile(sub) for sub in subs]),
    "$ref": lambda c, target, s: c.ref(target, s),
    "if": _if,
    "then": None,  # handled by "if" (alone, it does nothing)
    "else": None,
}
