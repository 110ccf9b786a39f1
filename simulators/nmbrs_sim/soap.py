"""SOAP 1.1 wire format of the simulator: request parsing, typed serialisation, faults."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from lxml import etree

from nmbrs.client.schema import ENUMS, SIMPLE, Field, Operation, fields_of, parse_field
from simulators.nmbrs_sim import protocol

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="{ns}" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{body}</soap:Body></soap:Envelope>'
)


class ClientFault(Exception):
    """A request the server cannot handle (faultcode soap:Client, HTTP 500 as ASMX does)."""


class VersionMismatch(ClientFault):
    """The envelope's SOAP version is not the one the content type announced."""


class Request:
    """A parsed SOAP request: operation name, namespace, header fields and body parameters."""

    def __init__(self, raw: bytes, envelope: str = SOAP_ENV):
        try:
            root = etree.fromstring(raw, _PARSER)
        except etree.XMLSyntaxError as err:
            raise ClientFault(f"Request is not well-formed XML: {err.msg}") from None
        found = etree.QName(root).namespace
        if found != envelope:
            raise VersionMismatch(f"Possible SOAP version mismatch: Envelope namespace {found} "
                                  f"was unexpected. Expecting {envelope}.")
        body = root.find(f"{{{envelope}}}Body")
        if body is None or len(body) == 0:
            raise ClientFault("Request has no SOAP Body")
        element = body[0]
        qname = etree.QName(element)
        self.operation, self.namespace = qname.localname, qname.namespace
        self.params = {etree.QName(child).localname: (child.text or "") for child in element}
        self.headers: dict[str, dict[str, str]] = {}
        header = root.find(f"{{{envelope}}}Header")
        for item in header if header is not None else ():
            name = etree.QName(item)
            if name.namespace == self.namespace:
                self.headers[name.localname] = {
                    etree.QName(child).localname: (child.text or "") for child in item}

    def typed_params(self, op: Operation) -> dict:
        """Return parameters converted to their declared types; a missing int is 0 (as ASMX)."""
        out = {}
        for spec in op.params:
            field = parse_field(spec)
            text = self.params.get(field.name, "").strip()
            if field.type == "int":
                try:
                    out[field.name] = int(text) if text else 0
                except ValueError:
                    raise ClientFault(f"{field.name} is not an integer") from None
            else:
                out[field.name] = text
        return out


def _text(type_name: str, value) -> str:
    if type_name == "dateTime":
        if isinstance(value, datetime):
            return value.replace(microsecond=0, tzinfo=None).isoformat()
        if isinstance(value, date):
            return f"{value.isoformat()}T00:00:00"
    if type_name == "decimal":
        return format(Decimal(value), "f")
    if type_name == "boolean":
        return "true" if value else "false"
    return escape(str(value))


def _element(field: Field, value, out: list[str]) -> None:
    name = field.name
    if value is None:
        if field.nillable:
            out.append(f'<{name} xsi:nil="true" />')
        elif not field.optional and (field.type in SIMPLE or field.type in ENUMS):
            raise ValueError(f"required element {name} has no value")
        return
    if field.array:
        out.append(f"<{name}>")
        for item in value:
            _element(Field(field.type, field.type, True, True, False), item, out)
        out.append(f"</{name}>")
    elif field.type in SIMPLE or field.type in ENUMS:
        out.append(f"<{name}>{_text(field.type, value)}</{name}>")
    else:
        out.append(f"<{name}>")
        for sub in fields_of(field.type):
            _element(sub, value.get(sub.name), out)
        out.append(f"</{name}>")


def response(op: Operation, value, envelope: str = SOAP_ENV) -> bytes:
    """Return the response envelope of an operation carrying `value` as its result."""
    result_type = op.result.removesuffix("[]")
    field = Field(op.result_name, result_type, True, False, op.result.endswith("[]"))
    out: list[str] = []
    _element(field, value, out)
    body = f'<{op.name}Response xmlns="{op.namespace}">{"".join(out)}</{op.name}Response>'
    return _ENVELOPE.format(ns=envelope, body=body).encode("utf-8")


def fault(faultstring: str, code: str = "soap:Server") -> bytes:
    """Return a SOAP 1.1 fault envelope in ASMX wording (see ``protocol.fault``)."""
    return protocol.fault(protocol.SOAP_1_1, faultstring, code=code)


def nmbrs_fault(code: int, text: str) -> bytes:
    """Return a SOAP 1.1 fault in Nmbrs' style: the inner exception after '---> NNNN: '."""
    return protocol.nmbrs_fault(protocol.SOAP_1_1, code, text)


def xxe_fault(path: str) -> bytes:
    """Return a fault whose faultstring is an external entity reading `path` (an XXE probe)."""
    body = ("<soap:Fault><faultcode>soap:Server</faultcode><faultstring>&probe;</faultstring>"
            "<detail /></soap:Fault>")
    doctype = f'<!DOCTYPE probe [<!ENTITY probe SYSTEM "file://{escape(path)}">]>'
    declaration, envelope = _ENVELOPE.format(ns=SOAP_ENV, body=body).split("?>", 1)
    return f"{declaration}?>{doctype}{envelope}".encode()
