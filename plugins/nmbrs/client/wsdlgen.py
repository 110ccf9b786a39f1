"""Write the project's own v3 WSDL files from `schema.py` (run: python -m nmbrs.client.wsdlgen)."""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

from nmbrs.client.schema import (
    ENUMS,
    OPERATIONS,
    SIMPLE,
    Field,
    Operation,
    fields_of,
    parse_field,
)

WSDL_DIR = Path(__file__).with_name("wsdl")
XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
PRODUCTION = "https://api.nmbrs.nl/soap/v3/"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _xsd_type(type_name: str) -> str:
    if type_name == "guid":
        return "tns:guid"
    return f"s:{type_name}" if type_name in SIMPLE else f"tns:{type_name}"


def _used_types(service: str) -> list[str]:
    """Return the complex types reachable from a service's operations, in a stable order."""
    seen: list[str] = []

    def visit(type_name: str) -> None:
        if type_name in SIMPLE or type_name in ENUMS or type_name in seen:
            return
        seen.append(type_name)
        for field in fields_of(type_name):
            visit(field.type)

    for op in OPERATIONS[service].values():
        for param in op.params:
            visit(param.split(":")[1])
        visit(op.result.removesuffix("[]"))
    return seen


def _element(parent, field: Field) -> None:
    type_ref = f"tns:ArrayOf{field.type}" if field.array else _xsd_type(field.type)
    attrs = {"minOccurs": "0" if field.optional or field.nillable else "1", "maxOccurs": "1",
             "name": field.name, "type": type_ref}
    if field.nillable:
        attrs["nillable"] = "true"
    etree.SubElement(parent, _q(XS, "element"), attrs)


def _complex(schema, name: str, fields: tuple[Field, ...]) -> None:
    ctype = etree.SubElement(schema, _q(XS, "complexType"), name=name)
    seq = etree.SubElement(ctype, _q(XS, "sequence"))
    for field in fields:
        _element(seq, field)


def _array(schema, item: str) -> None:
    ctype = etree.SubElement(schema, _q(XS, "complexType"), name=f"ArrayOf{item}")
    seq = etree.SubElement(ctype, _q(XS, "sequence"))
    etree.SubElement(seq, _q(XS, "element"), minOccurs="0", maxOccurs="unbounded",
                     name=item, nillable="true", type=f"tns:{item}")


def _schema(types_el, service: str) -> None:
    schema = etree.SubElement(types_el, _q(XS, "schema"), elementFormDefault="qualified",
                              targetNamespace=PRODUCTION + service)
    used = _used_types(service)
    arrays = sorted({f.type for t in used for f in fields_of(t) if f.array}
                    | {op.result[:-2] for op in OPERATIONS[service].values()
                       if op.result.endswith("[]")})
    for op in OPERATIONS[service].values():
        req = etree.SubElement(schema, _q(XS, "element"), name=op.name)
        seq = etree.SubElement(etree.SubElement(req, _q(XS, "complexType")), _q(XS, "sequence"))
        for param in op.params:
            _element(seq, parse_field(param))
        resp = etree.SubElement(schema, _q(XS, "element"), name=f"{op.name}Response")
        rseq = etree.SubElement(etree.SubElement(resp, _q(XS, "complexType")), _q(XS, "sequence"))
        is_array = op.result.endswith("[]")
        _element(rseq, Field(op.result_name, op.result.removesuffix("[]"), True, False, is_array))
    for name in used:
        _complex(schema, name, fields_of(name))
    for item in arrays:
        _array(schema, item)
    for name, values in ENUMS.items():
        simple = etree.SubElement(schema, _q(XS, "simpleType"), name=name)
        restriction = etree.SubElement(simple, _q(XS, "restriction"), base="s:string")
        for value in values:
            etree.SubElement(restriction, _q(XS, "enumeration"), value=value)
    guid = etree.SubElement(schema, _q(XS, "simpleType"), name="guid")
    etree.SubElement(guid, _q(XS, "restriction"), base="s:string")
    _headers(schema)


def _headers(schema) -> None:
    etree.SubElement(schema, _q(XS, "element"), name="AuthHeader", type="tns:AuthHeader")
    _complex(schema, "AuthHeader", (Field("Username", "string", True, False, False),
                                    Field("Token", "string", True, False, False)))
    etree.SubElement(schema, _q(XS, "element"), name="AuthHeaderWithDomain",
                     type="tns:AuthHeaderWithDomain")
    ctype = etree.SubElement(schema, _q(XS, "complexType"), name="AuthHeaderWithDomain")
    ext = etree.SubElement(etree.SubElement(ctype, _q(XS, "complexContent")),
                           _q(XS, "extension"), base="tns:AuthHeader")
    seq = etree.SubElement(ext, _q(XS, "sequence"))
    _element(seq, Field("Domain", "string", True, False, False))


def _messages(root, op: Operation) -> None:
    for suffix, element in (("SoapIn", op.name), ("SoapOut", f"{op.name}Response")):
        msg = etree.SubElement(root, _q(WSDL, "message"), name=f"{op.name}{suffix}")
        etree.SubElement(msg, _q(WSDL, "part"), name="parameters", element=f"tns:{element}")
    msg = etree.SubElement(root, _q(WSDL, "message"), name=f"{op.name}{op.header}")
    etree.SubElement(msg, _q(WSDL, "part"), name=op.header, element=f"tns:{op.header}")


def _port_type(root, service: str) -> None:
    port = etree.SubElement(root, _q(WSDL, "portType"), name=f"{service}Soap")
    for op in OPERATIONS[service].values():
        el = etree.SubElement(port, _q(WSDL, "operation"), name=op.name)
        etree.SubElement(el, _q(WSDL, "input"), message=f"tns:{op.name}SoapIn")
        etree.SubElement(el, _q(WSDL, "output"), message=f"tns:{op.name}SoapOut")


def _binding(root, service: str, name: str, soap: str) -> None:
    """Add one binding; ASMX serves a SOAP 1.1 (`<S>Soap`) and a SOAP 1.2 (`<S>Soap12`) one."""
    binding = etree.SubElement(root, _q(WSDL, "binding"), name=name, type=f"tns:{service}Soap")
    etree.SubElement(binding, _q(soap, "binding"), transport="http://schemas.xmlsoap.org/soap/http")
    for op in OPERATIONS[service].values():
        el = etree.SubElement(binding, _q(WSDL, "operation"), name=op.name)
        etree.SubElement(el, _q(soap, "operation"), soapAction=f"{op.namespace}/{op.name}",
                         style="document")
        inp = etree.SubElement(el, _q(WSDL, "input"))
        etree.SubElement(inp, _q(soap, "body"), use="literal")
        etree.SubElement(inp, _q(soap, "header"), message=f"tns:{op.name}{op.header}",
                         part=op.header, use="literal")
        out = etree.SubElement(el, _q(WSDL, "output"))
        etree.SubElement(out, _q(soap, "body"), use="literal")


def render(service: str) -> bytes:
    """Return the WSDL document of one service."""
    ns = PRODUCTION + service
    nsmap = {"wsdl": WSDL, "soap": SOAP, "soap12": SOAP12, "s": XS, "tns": ns}
    root = etree.Element(_q(WSDL, "definitions"), nsmap=nsmap, targetNamespace=ns)
    doc = etree.SubElement(root, _q(WSDL, "documentation"))
    doc.text = (f"Nmbrs {service} v3: the operations the salariskoppeling uses. Written by this "
                "project from public facts (see nmbrs-api reference); not Nmbrs' own file.")
    _schema(etree.SubElement(root, _q(WSDL, "types")), service)
    for op in OPERATIONS[service].values():
        _messages(root, op)
    _port_type(root, service)
    _binding(root, service, f"{service}Soap", SOAP)
    _binding(root, service, f"{service}Soap12", SOAP12)
    svc = etree.SubElement(root, _q(WSDL, "service"), name=service)
    for name, soap in ((f"{service}Soap", SOAP), (f"{service}Soap12", SOAP12)):
        port = etree.SubElement(svc, _q(WSDL, "port"), name=name, binding=f"tns:{name}")
        etree.SubElement(port, _q(soap, "address"), location=f"{PRODUCTION}{service}.asmx")
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="utf-8")


def wsdl_path(service: str) -> Path:
    """Return the packaged WSDL file of a service."""
    return WSDL_DIR / f"{service}.wsdl"


def main() -> int:
    """Regenerate every WSDL file; print which changed."""
    WSDL_DIR.mkdir(exist_ok=True)
    for service in OPERATIONS:
        path, text = wsdl_path(service), render(service)
        if not path.exists() or path.read_bytes() != text:
            path.write_bytes(text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
