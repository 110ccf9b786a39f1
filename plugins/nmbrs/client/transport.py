"""Process-wide zeep clients (one per service) and a per-account rate limiter."""

from __future__ import annotations

import logging
import threading
import time

import requests
from requests.adapters import HTTPAdapter
from zeep import Client, Settings
from zeep.exceptions import TransportError
from zeep.transports import Transport

from nmbrs.client.wsdlgen import wsdl_path

# At DEBUG zeep.transports logs whole envelopes, including the auth header.
logging.getLogger("zeep.transports").setLevel(logging.WARNING)

_lock = threading.Lock()
_local = threading.local()
_clients: dict[str, Client] = {}
_limiters: dict[str, RateLimiter] = {}
BUILD_COUNT: dict[str, int] = {}


def _session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=64, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "salariskoppeling/0.1 (zeep)"
    # Read proxy settings from the environment once, not on every request (~0.5 ms per call).
    session.proxies.update(requests.utils.get_environ_proxies("https://api.nmbrs.nl"))
    session.trust_env = False
    return session


class _Transport(Transport):
    """zeep transport with per-thread timeouts and the HTTP status kept for error pages.

    It never logs envelopes (they carry the token), and answers that are neither 200 nor a
    SOAP fault (an IIS/proxy error page) become TransportError with their status code.
    """

    def post(self, address, message, headers):
        timeouts = getattr(_local, "timeouts", None) or (10.0, self.operation_timeout)
        response = self.session.post(address, data=message, headers=headers, timeout=timeouts)
        _local.body = response.content  # the wire bytes of this thread's last answer
        ctype = response.headers.get("Content-Type", "")
        if response.status_code != 200 and "xml" not in ctype:
            raise TransportError(f"HTTP {response.status_code}", status_code=response.status_code)
        return response


def set_timeouts(connect: float, operation: float) -> None:
    """Set the timeouts of this thread's next calls (the zeep client is shared)."""
    _local.timeouts = (connect, operation)


def take_body() -> bytes | None:
    """Return (and forget) the body of this thread's last answer, exactly as received."""
    body, _local.body = getattr(_local, "body", None), None
    return body


def zeep_client(service: str) -> Client:
    """Return the process's zeep Client for a service, loading the packaged WSDL once."""
    with _lock:
        client = _clients.get(service)
        if client is None:
            transport = _Transport(session=_session(), timeout=10, operation_timeout=60)
            # strict=False: tolerate responses that deviate from our reconstructed WSDL.
            settings = Settings(strict=False, xml_huge_tree=True, forbid_dtd=True)
            client = Client(str(wsdl_path(service)), transport=transport, settings=settings)
            _clients[service] = client
            BUILD_COUNT[service] = BUILD_COUNT.get(service, 0) + 1
        return client


class RateLimiter:
    """Token bucket shared by every thread calling one account (Nmbrs fair use: 150 calls/s)."""

    def __init__(self, rate: float, burst: float | None = None):
        self.rate = rate
        # Small burst: rate + burst must stay within the server's per-second budget.
        self.capacity = burst if burst is not None else max(1.0, min(5.0, rate / 10))
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one call slot, sleeping as needed; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return waited
                pause = (1 - self._tokens) / self.rate
            time.sleep(pause)
            waited += pause


def limiter_for(account_key: str, rate: float) -> RateLimiter:
    """Return the process-wide limiter of one account."""
    with _lock:
        limiter = _limiters.get(account_key)
        if limiter is None or limiter.rate != rate:
            limiter = _limiters[account_key] = RateLimiter(rate)
        return limiter
