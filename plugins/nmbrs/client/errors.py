"""Errors of the Nmbrs client, grouped by how the caller should react, classified in one place."""

from __future__ import annotations

import re

import requests
from lxml import etree
from zeep import exceptions as zeep_exc

from nmbrs.errors import (  # noqa: F401 - the families, re-exported for the SOAP client's users
    NmbrsAuthError,
    NmbrsConfigError,
    NmbrsError,
    NmbrsFault,
    NmbrsRequestError,
    NmbrsResponseError,
    NmbrsTransientError,
)

_FAULT_CODE = re.compile(r"--->\s*(\d{4}):\s*(.*)", re.DOTALL)

# Where a payroll processor switches an API call on (API User Template, vendor doc).
GRANT_HINT = "Nmbrs: Instellingen → Gebruikers template users → <template> → API"


_AUTH_TEXT = {
    1001: "Nmbrs rejected the credentials: wrong API token or user, or a wrong domain "
          "(code 1001 does not tell which)",
    1002: "this API call is not granted in the API user's template; switch on '{op}' under "
          + GRANT_HINT,
    1003: "the API user has no rights on this debtor or company (template debtor filter/tags)",
    1004: "the Nmbrs subscription is disabled",
    1006: "Nmbrs login security failure",
}
_REQUEST_TEXT = {
    2003: "employee is not visible to this API user",
    2004: "company is not visible to this API user",
    2006: "invalid period for this company's period type",
    2009: "debtor is not visible to this API user",
    2019: "background task status not available",
    2020: "background task status not available",
    2021: "invalid background task result",
}


def fault_from_text(faultstring: str, **context) -> NmbrsFault:
    """Build the right fault error from a SOAP faultstring; never copies payload into the text."""
    match = _FAULT_CODE.search(faultstring or "")
    code = int(match.group(1)) if match else None
    op = context.get("operation") or "?"
    if code is not None and 1000 <= code < 2000:
        text = _AUTH_TEXT.get(code, "Nmbrs refused access").format(op=op)
        return NmbrsAuthError(f"Nmbrs fault {code}: {text}", code=code, **context)
    if code is not None and 2000 <= code < 3000:
        text = _REQUEST_TEXT.get(code, match.group(2).strip()[:120])
        return NmbrsRequestError(f"Nmbrs fault {code}: {text}", code=code, **context)
    summary = (match.group(2) if match else faultstring or "no faultstring").strip()[:120]
    return NmbrsFault(f"Nmbrs SOAP fault: {summary}", code=code, **context)


def translate(err: Exception, **context) -> NmbrsError:
    """Map any exception raised by zeep/requests during a call onto the client's error model."""
    if isinstance(err, NmbrsError):
        return err
    if isinstance(err, (zeep_exc.DTDForbidden, zeep_exc.EntitiesForbidden,
                        zeep_exc.ExternalReferenceForbidden)):
        # An XXE probe or a hostile proxy, whatever the HTTP status (a fault at 500 included):
        # the parser refused to expand it; fatal, never retried, no payload in the text.
        return NmbrsResponseError("the answer declares a DOCTYPE (entities); refused", **context)
    if isinstance(err, zeep_exc.Fault):
        if err.code is None:  # an error page (IIS/proxy) rather than a SOAP fault: HTTP 5xx
            return NmbrsTransientError("Nmbrs answered an HTTP error page, not SOAP", **context)
        return fault_from_text(err.message or "", **context)
    if isinstance(err, requests.exceptions.Timeout):
        return NmbrsTransientError("Nmbrs did not answer in time", **context)
    if isinstance(err, (requests.exceptions.ConnectionError,
                        requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return NmbrsTransientError(f"connection to Nmbrs failed ({type(err).__name__})", **context)
    if isinstance(err, zeep_exc.TransportError):
        return _from_status(err.status_code, **context)
    if isinstance(err, (zeep_exc.XMLSyntaxError, zeep_exc.XMLParseError, etree.XMLSyntaxError,
                        zeep_exc.ValidationError, zeep_exc.LookupError)):
        return NmbrsResponseError(f"unexpected response from Nmbrs ({type(err).__name__})",
                                  **context)
    return NmbrsResponseError(f"unexpected failure calling Nmbrs ({type(err).__name__})",
                              **context)


def _from_status(status: int, **context) -> NmbrsError:
    if status in (429,) or status >= 500:
        return NmbrsTransientError(f"Nmbrs answered HTTP {status}", **context)
    if status in (401, 403, 404):
        return NmbrsConfigError(f"Nmbrs answered HTTP {status}: check the endpoint/environment",
                                **context)
    return NmbrsResponseError(f"Nmbrs answered HTTP {status}", **context)
