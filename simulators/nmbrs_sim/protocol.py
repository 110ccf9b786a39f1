"""What an ASMX endpoint checks before it reads a SOAP request, and how it words its faults.

SOAP 1.1 (``text/xml`` plus a ``SOAPAction`` header) and SOAP 1.2 (``application/soap+xml``,
the action as a content-type parameter) are both answered, each in its own envelope and fault
form; any other content type is HTTP 415. A body over the request limit (ASP.NET's default
``maxRequestLength`` is 4 MB) gets ASP.NET's error page. Fault texts carry the exception type
in front, as ASMX writes them: ``System.Web.Services.Protocols.SoapException: … ---> NNNN: …``.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
EXCEPTION = "System.Web.Services.Protocols.SoapException"
SERVER_PREFIX = "Server was unable to process request. ---> "


class Refusal(Exception):
    """An HTTP-level refusal (no SOAP processing): status, body and content type."""

    def __init__(self, status: int, body: bytes, ctype: str = "text/html"):
        super().__init__(status)
        self.status, self.body, self.ctype = status, body, ctype


@dataclass(frozen=True)
class Binding:
    """The SOAP version of one request: its envelope namespace, content type and action."""

    version: str  # "1.1" or "1.2"
    envelope: str
    ctype: str
    action: str | None


SOAP_1_1 = Binding("1.1", SOAP11, "text/xml; charset=utf-8", None)


def binding_of(headers, max_bytes: int) -> Binding:
    """Return the request's binding; raise Refusal for a wrong content type or a body too big."""
    media, params = _content_type(headers.get("Content-Type") or "")
    length = int(headers.get("Content-Length") or 0)
    if max_bytes and length > max_bytes:
        raise Refusal(500, b"<html><body><h2>Server Error in '/' Application.</h2>"
                           b"<i>Maximum request length exceeded.</i></body></html>")
    if media == "text/xml":
        action = (headers.get("SOAPAction") or "").strip().strip('"')
        return Binding("1.1", SOAP11, "text/xml; charset=utf-8", action)
    if media == "application/soap+xml":
        return Binding("1.2", SOAP12, "application/soap+xml; charset=utf-8", params.get("action"))
    raise Refusal(415, b"<html><body><h2>HTTP Error 415. The request's content type is "
                       b"not supported.</h2></body></html>")


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    media, *rest = [part.strip() for part in value.split(";")]
    params = {}
    for part in rest:
        key, _, val = part.partition("=")
        params[key.strip().lower()] = val.strip().strip('"')
    return media.lower(), params


def fault(binding: Binding, text: str, sender: bool = False, code: str | None = None) -> bytes:
    """Return a fault envelope in the binding's SOAP version, text prefixed as ASMX does."""
    reason = escape(f"{EXCEPTION}: {text}")
    if binding.version == "1.2":
        value = code or ("soap:Sender" if sender else "soap:Receiver")
        body = (f"<soap:Fault><soap:Code><soap:Value>{value}</soap:Value></soap:Code>"
                f'<soap:Reason><soap:Text xml:lang="en">{reason}</soap:Text></soap:Reason>'
                "<soap:Detail /></soap:Fault>")
    else:
        value = code or ("soap:Client" if sender else "soap:Server")
        body = (f"<soap:Fault><faultcode>{value}</faultcode><faultstring>{reason}</faultstring>"
                "<detail /></soap:Fault>")
    return envelope(binding.envelope, body)


def nmbrs_fault(binding: Binding, code: int, text: str) -> bytes:
    """Return an Nmbrs fault: the inner exception after '---> NNNN: '."""
    return fault(binding, f"{SERVER_PREFIX}{code}: {text}")


def envelope(namespace: str, body: str) -> bytes:
    """Return a response envelope of one SOAP version around `body`."""
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:soap="{namespace}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f"<soap:Body>{body}</soap:Body></soap:Envelope>").encode()
