"""The wage-code report: XML carried inside a SOAP string, possibly declaring utf-16."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from nmbrs.client.errors import NmbrsResponseError

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _number(text: str | None, what: str, context: dict) -> Decimal:
    raw = (text or "").strip()
    if raw in ("", "-"):
        return Decimal("0")
    try:  # other Nmbrs report formats use comma decimals; accept both
        return Decimal(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
    except InvalidOperation:
        raise NmbrsResponseError(f"wage-code report: {what} is not a number", **context) from None


def parse_wage_code_report(xml_text: str | None, **context) -> list[dict]:
    """Parse the report string into rows: one per employee, period, run and wage code."""
    if not xml_text or not xml_text.strip():
        return []
    # lxml refuses a str with an encoding declaration; the declaration often says utf-16.
    body = _DECLARATION.sub("", xml_text, count=1).encode("utf-8")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as err:
        raise NmbrsResponseError("wage-code report is not well-formed XML", **context) from err
    _refuse_entities(root, context)
    if root.tag != "reports":
        raise NmbrsResponseError(f"wage-code report root is <{root.tag}>, expected <reports>",
                                 **context)
    return [row for report in root.iterfind("report") for row in _report_rows(report, context)]


def _refuse_entities(root, context: dict) -> None:
    """Refuse a report that declares a DTD or uses entities: they would be dropped silently.

    The parser never resolves entities (no file or network access), so an entity reference
    would leave a description empty without a word; a report from Nmbrs has neither.
    """
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise NmbrsResponseError("wage-code report declares a DOCTYPE (entities); refused",
                                 **context)
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise NmbrsResponseError("wage-code report uses an entity reference; refused", **context)


def _int(el, tag: str, context: dict) -> int | None:
    text = el.findtext(tag)
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise NmbrsResponseError(f"wage-code report: <{tag}> is not an integer", **context) \
            from None


def _report_rows(report, context: dict) -> list[dict]:
    head = {
        "employee_id": _int(report, "employeeid", context),
        "period": _int(report, "period", context),
        "year": _int(report, "year", context),
        "run_number": _int(report, "runnumber", context),
    }
    if head["employee_id"] is None:
        raise NmbrsResponseError("wage-code report: a <report> has no <employeeid>", **context)
    rows = []
    for line in report.iterfind("lines/line"):
        code = _int(line, "code", context)
        rows.append({**head, "code": code, "description": (line.findtext("description") or ""),
                     "value": _number(line.findtext("value"), "<value>", context)})
    return rows
