"""Read an operation's answer from the wire, in every shape we have evidence for.

zeep parses against our reconstructed WSDL with ``strict=False`` and drops what it does not
know without a word. This reader works on the response bytes instead: it accepts the standard
ASMX ``<OpResponse><OpResult>`` wrapper first, then the known alternatives (``shapes_alt``),
returns plain records keyed by v3 element names, typed by ``schema.TYPES``, and lists every
deviation as drift (names only, never values). ``docs/nmbrs-soap-shapes.md`` ranks the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from nmbrs.client.errors import NmbrsResponseError
from nmbrs.client.schema import ENUMS, SIMPLE, fields_of, operation
from nmbrs.client.shapes_alt import (
    ALT_RESULTS,
    RESULT_SHAPES,
    alias_for,
    detect_shape,
    is_container,
    is_known_extra,
)

ENVELOPES = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                          load_dtd=False)


@dataclass
class Reading:
    """An answer read from the wire: plain value, the shape it came in, and the drift seen."""

    value: Any
    shape: str = "v3"
    drift: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, element, detail)


def read(service: str, name: str, wire: bytes) -> Reading:
    """Read `wire` (a response envelope) of `service.name`; raise NmbrsResponseError if unknown."""
    op = operation(service, name)
    where = {"operation": f"{service}.{name}"}
    result = _result_element(_response_element(wire, name, where), op, where)
    reading = Reading(None)
    if result is None:
        return reading
    reading.shape = detect_shape(op.result.removesuffix("[]"), result)
    if _local(result) != f"{op.name}Result":
        reading.shape = RESULT_SHAPES[_local(result)]
    elif op.name in ALT_RESULTS:
        reading.shape = "asmx-result"
    if result.get(_XSI_NIL) == "true":
        return reading
    kind = op.result.removesuffix("[]")
    if op.result.endswith("[]"):
        reading.value = _array(result, kind, _local(result), reading)
    else:
        reading.value = _value(result, kind, _local(result), reading)
    return reading


def response_name(wire: bytes, **where) -> str:
    """Return the operation name of a response envelope (its body's `<OpResponse>`)."""
    name = _local(_response_element(wire, None, where))
    return name.removesuffix("Response")


def _local(element) -> str:
    return etree.QName(element).localname


def _response_element(wire: bytes, name: str | None, where: dict):
    if wire and wire.lstrip()[:9].upper().startswith(b"<!DOCTYPE"):
        raise NmbrsResponseError("the answer declares a DOCTYPE; refused", **where)
    try:
        root = etree.fromstring(wire or b"", _PARSER)
    except etree.XMLSyntaxError:
        raise NmbrsResponseError("the answer is not well-formed XML", **where) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise NmbrsResponseError("the answer declares a DOCTYPE; refused", **where)
    body = next((root.find(f"{{{ns}}}Body") for ns in ENVELOPES
                 if root.find(f"{{{ns}}}Body") is not None), None)
    if body is None or len(body) == 0:
        raise NmbrsResponseError("the answer has no SOAP Body content", **where)
    response = body[0]
    if name is not None and _local(response) != f"{name}Response":
        raise NmbrsResponseError(f"the answer's body is <{_local(response)}>, expected "
                                 f"<{name}Response>", **where)
    return response


def _result_element(response, op, where: dict):
    children = [child for child in response if isinstance(child.tag, str)]
    if not children:
        return None
    accepted = (f"{op.name}Result", *ALT_RESULTS.get(op.name, ()))
    for wanted in accepted:
        for child in children:
            if _local(child) == wanted:
                return child
    raise NmbrsResponseError(f"the answer carries <{_local(children[0])}>, expected one of "
                             f"<{'>, <'.join(accepted)}>", **where)


def _array(element, item_type: str, path: str, reading: Reading) -> list:
    items = []
    for child in _children(element):
        if _local(child) != item_type:
            reading.drift.append(("unmapped", f"{path}/{_local(child)}", ""))
            continue
        if child.get(_XSI_NIL) != "true":
            items.append(_value(child, item_type, f"{path}/{item_type}", reading))
    return items


def _value(element, type_name: str, path: str, reading: Reading) -> Any:
    if element.get(_XSI_NIL) == "true":
        return None
    if type_name in SIMPLE or type_name in ENUMS:
        return _simple(element.text, type_name, path, reading)
    return _record(element, type_name, path, reading)


def _record(element, type_name: str, path: str, reading: Reading) -> dict:
    fields = {f.name: f for f in fields_of(type_name)}
    record: dict[str, Any] = {}
    for child in _children(element):
        name = _local(child)
        spec = fields.get(name)
        nested = spec is not None and (spec.array or spec.type not in SIMPLE | set(ENUMS))
        if spec is not None and (nested or not _children(child)):
            record[name] = (_array(child, spec.type, f"{path}/{name}", reading) if spec.array
                            else _value(child, spec.type, f"{path}/{name}", reading))
        elif not _aliased(type_name, child, name, path, record, reading):
            reading.drift.append(("unmapped", f"{path}/{name}", ""))
    for name, spec in fields.items():
        if name not in record:
            record[name] = [] if spec.array else None
            if not spec.array and not spec.optional:
                reading.drift.append(("missing", f"{path}/{name}", ""))
    return record


def _children(element) -> list:
    return [child for child in element if isinstance(child.tag, str)]


def _aliased(type_name: str, child, rel: str, path: str, record: dict,
             reading: Reading) -> bool:
    """Map an element of an alternative shape (`rel`: its path in the record) onto v3 fields.

    Returns False when the element is not part of any known shape of `type_name`.
    """
    target = alias_for(type_name, rel)
    if target is not None:
        field_name, source_type, how = target
        value = _simple(child.text, source_type, f"{path}/{rel}", reading)
        record[field_name] = (value != 0) if how == "nonzero" and value is not None else value
        return True
    if is_container(type_name, rel):
        for sub in _children(child):
            sub_rel = f"{rel}/{_local(sub)}"
            if not _aliased(type_name, sub, sub_rel, path, record, reading):
                reading.drift.append(("unmapped", f"{path}/{sub_rel}", ""))
        return True
    return is_known_extra(type_name, rel)


def _simple(text: str | None, type_name: str, path: str, reading: Reading) -> Any:
    if text is None:  # an empty element: no value (as zeep reads it)
        return None
    raw = text.strip()
    try:
        return _PARSE.get(type_name, str)(raw if type_name != "string" else text)
    except (ValueError, InvalidOperation):
        reading.drift.append(("unreadable", path, f"not a {type_name}"))
        return None


def _bool(text: str) -> bool:
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError("not a boolean")


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))


_PARSE = {"int": int, "decimal": Decimal, "boolean": _bool, "dateTime": _datetime}
