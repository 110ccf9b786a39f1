"""HTTPS delivery: POST the message as JSON with a bearer token and an Idempotency-Key.

At least once on the wire, exactly once in effect: a timeout, a reset or a 5xx/429 is retried
with the same body and the same Idempotency-Key (exponential backoff with jitter), and the
receiver answers a repeated key with the receipt it gave the first time. After the last attempt
the error is ``DeliveryTransientError`` (the task retries later, again with the same key).
"""

from __future__ import annotations

import ipaddress
import logging
import random
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from payroll_link.handoff.adapters import Envelope, Receipt
from payroll_link.handoff.errors import (
    DeliveryConflictError,
    DeliveryError,
    DeliveryRejectedError,
    DeliveryTransientError,
    HandoffConfigError,
)

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HttpsAdapter:
    """Deliver to an HTTPS endpoint; the token is held here and never logged or raised."""

    name = "https"

    def __init__(self, url: str, token: str, *, connect_timeout: float = 5.0,
                 read_timeout: float = 60.0, attempts: int = 4, backoff_s: float = 1.0,
                 verify: bool | str = True, allow_insecure_http: bool = False,
                 sleep: Callable[[float], None] = time.sleep,
                 session: requests.Session | None = None):
        _check_url(url, allow_insecure_http)
        if not token:
            raise HandoffConfigError("HTTPS delivery needs a bearer token (connection password)")
        self.url, self._token = url, token
        self.target = url
        self.timeout = (connect_timeout, read_timeout)
        self.attempts, self.backoff_s, self.verify = max(1, attempts), backoff_s, verify
        self._sleep = sleep
        self._session = session or requests.Session()

    @classmethod
    def from_connection(cls, host: str | None, password: str | None, extra: dict):
        """Build from a connection: host (base URL), password (token), extra (options)."""
        if not host:
            raise HandoffConfigError("HTTPS delivery connection has no host (the endpoint URL)")
        if "://" not in host:  # an Airflow HTTP connection often holds the bare host name
            host = "https://" + host
        url = host.rstrip("/") + ("/" + extra["endpoint"].lstrip("/") if extra.get("endpoint")
                                  else "")
        options = {k: extra[k] for k in ("connect_timeout", "read_timeout", "attempts",
                                          "backoff_s", "verify", "allow_insecure_http")
                   if k in extra}
        return cls(url, password or "", **options)

    def deliver(self, envelope: Envelope) -> Receipt:
        """POST the envelope, retrying transient failures; return the receiver's receipt."""
        last = "no attempt"
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._post(envelope)
            except requests.exceptions.SSLError:
                raise DeliveryError(f"{envelope.message_id}: TLS verification of {self.target} "
                                    "failed; check the endpoint and its certificate",
                                    adapter=self.name, employer_id=envelope.employer_id,
                                    period=envelope.period, version=envelope.version) from None
            except (requests.Timeout, requests.ConnectionError) as err:
                last = type(err).__name__
            else:
                if response.status_code not in RETRY_STATUSES:
                    return self._receipt(envelope, response)
                last = f"HTTP {response.status_code}"
            log.warning("delivery %s attempt %d/%d failed: %s", envelope.message_id, attempt,
                        self.attempts, last)
            if attempt < self.attempts:
                self._sleep(self.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 4))
        raise DeliveryTransientError(
            f"{envelope.message_id}: {self.attempts} attempts to {self.target} failed "
            f"(last: {last})", adapter=self.name, employer_id=envelope.employer_id,
            period=envelope.period, version=envelope.version)

    def _post(self, envelope: Envelope) -> requests.Response:
        headers = {"Authorization": f"Bearer {self._token}",
                   "Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": envelope.idempotency_key,
                   "X-Message-Id": envelope.message_id,
                   "X-Content-Hash": envelope.content_hash,
                   "X-Schema": envelope.schema_name}
        return self._session.post(self.url, data=envelope.body, headers=headers,
                                  timeout=self.timeout, verify=self.verify)

    def _receipt(self, envelope: Envelope, response: requests.Response) -> Receipt:
        context = {"adapter": self.name, "employer_id": envelope.employer_id,
                   "period": envelope.period, "version": envelope.version}
        body = _json(response)
        if 200 <= response.status_code < 300:
            if not body.get("receipt_id"):  # stored or not, we cannot prove it: ask again
                raise DeliveryTransientError(f"{envelope.message_id}: HTTP "
                                             f"{response.status_code} without a receipt_id",
                                             **context)
            return Receipt(str(body["receipt_id"]), bool(body.get("duplicate")),
                           {"status": body.get("status"), "http_status": response.status_code})
        code = str(body.get("error") or "")[:64] or None
        problems = [(str(p.get("path"))[:200], str(p.get("rule"))[:40])
                    for p in body.get("problems") or [] if isinstance(p, dict)][:20]
        text = f"{envelope.message_id}: {self.target} answered HTTP {response.status_code}"
        text += f" ({code})" if code else ""
        if response.status_code == 409:
            raise DeliveryConflictError(text, **context)
        raise DeliveryRejectedError(text, status=response.status_code, code=code,
                                    problems=problems, **context)


def _json(response: requests.Response) -> dict:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _check_url(url: str, allow_insecure_http: bool) -> None:
    """Refuse non-HTTP URLs, and plain HTTP to anything but loopback unless allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise HandoffConfigError("HTTPS delivery URL must be https://host/...")
    if parts.username or parts.password:
        raise HandoffConfigError("HTTPS delivery URL must not carry credentials")
    if parts.scheme == "http" and not (allow_insecure_http or _loopback(parts.hostname)):
        raise HandoffConfigError(f"plain http to {parts.hostname} would send the token in "
                                 "clear; use https (allow_insecure_http only for test doubles)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
