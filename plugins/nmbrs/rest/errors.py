"""REST answers classified into the client's error families (the same ones SOAP raises)."""

from __future__ import annotations

import email.utils
import json
import time

import requests

from nmbrs.errors import (
    NmbrsAuthError,
    NmbrsConfigError,
    NmbrsError,
    NmbrsRequestError,
    NmbrsResponseError,
    NmbrsTransientError,
)

__all__ = [
    "NmbrsAuthError", "NmbrsConfigError", "NmbrsError", "NmbrsRequestError",
    "NmbrsResponseError", "NmbrsThrottledError", "NmbrsTransientError", "from_exception",
    "from_response",
]

# REST error codes with their own meaning (Nmbrs' error catalogue, as the spec's bodies carry).
QUOTA_EXHAUSTED = 42909  # the plan's call volume: resets on a billing cycle, not in seconds
SUBSCRIPTION_KEY = (40103, 40304)  # X-Subscription-Key missing, wrong or not subscribed
DATA_ACCESS = (40303, 40305)  # the consent does not reach this debtor or company
MULTIPLE_DEBTORS = 40306  # the token spans several debtors: walk /api/debtors instead

REAUTHORIZE = "re-consent with `koppeling authorize --conn-id <conn>`"


class NmbrsThrottledError(NmbrsTransientError):
    """HTTP 429: worth a retry after `retry_after` seconds (None when Nmbrs gave no delay)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **context):
        self.retry_after = retry_after
        super().__init__(message, **context)


def from_response(response: requests.Response, *, scopes: tuple[str, ...] = (),
                  **context) -> NmbrsError:
    """Return the error for a non-2xx answer; names scopes, never tokens or payload values."""
    status = response.status_code
    body = _problem(response)
    code, title = body.get("code"), _short(body.get("title"))
    label = f"Nmbrs REST answered HTTP {status}" + (f" (code {code}: {title})" if code else "")
    if status == 401 and code in SUBSCRIPTION_KEY:
        return NmbrsConfigError(f"{label}: the X-Subscription-Key is missing or unknown",
                                **context)
    if status == 401:
        return NmbrsAuthError(f"{label}: the access token was refused; {REAUTHORIZE}",
                              code=code, **context)
    if status == 403:
        return NmbrsAuthError(_forbidden(label, code, scopes), code=code, **context)
    if status == 429:
        if code == QUOTA_EXHAUSTED:
            return NmbrsAuthError(f"{label}: the subscription's call quota is used up; "
                                  "it resets with the billing cycle", code=code, **context)
        return NmbrsThrottledError(label, retry_after=retry_after(response), **context)
    if status >= 500:
        return NmbrsTransientError(label, **context)
    if status in (400, 404, 409, 422):
        return NmbrsRequestError(_invalid(label, body), code=code, **context)
    return NmbrsResponseError(label, **context)


def from_exception(err: Exception, **context) -> NmbrsError:
    """Map a requests exception raised during a call onto the error families."""
    if isinstance(err, NmbrsError):
        return err
    if isinstance(err, requests.exceptions.Timeout):
        return NmbrsTransientError("Nmbrs REST did not answer in time", **context)
    if isinstance(err, (requests.exceptions.ConnectionError,
                        requests.exceptions.ChunkedEncodingError)):
        return NmbrsTransientError(f"connection to Nmbrs REST failed ({type(err).__name__})",
                                   **context)
    if isinstance(err, (ValueError, KeyError, TypeError)):
        return NmbrsResponseError(f"unexpected response from Nmbrs REST ({type(err).__name__})",
                                  **context)
    return NmbrsResponseError(f"unexpected failure calling Nmbrs REST ({type(err).__name__})",
                              **context)


def retry_after(response: requests.Response) -> float | None:
    """Return the delay a 429 asks for (Retry-After seconds or HTTP date), or None."""
    raw = (response.headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _forbidden(label: str, code, scopes: tuple[str, ...]) -> str:
    if code in SUBSCRIPTION_KEY:
        return f"{label}: the X-Subscription-Key is not valid for this API product"
    if code in DATA_ACCESS:
        return f"{label}: the consent does not reach this debtor or company; {REAUTHORIZE}"
    if code == MULTIPLE_DEBTORS:
        return f"{label}: the consent spans several debtors; list companies per debtor"
    wanted = " or ".join(scopes) if scopes else "an unknown scope"
    return f"{label}: the consent lacks scope {wanted}; {REAUTHORIZE} granting it"


def _invalid(label: str, body: dict) -> str:
    names = [p.get("name") for p in body.get("invalid-params") or [] if isinstance(p, dict)]
    names = [str(n)[:40] for n in names if n]
    return f"{label}: invalid parameter(s) {', '.join(names)}" if names else label


def _problem(response: requests.Response) -> dict:
    if "json" not in (response.headers.get("Content-Type") or "").lower():
        return {}
    try:
        body = json.loads(response.content or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _short(text) -> str:
    return str(text or "").replace("\n", " ")[:80]
