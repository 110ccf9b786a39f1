"""The Nmbrs SOAP v3 client: one `_call` for every operation, errors classified, rows returned."""

from __future__ import annotations

import logging
import random
import time
from typing import Any, NamedTuple

from nmbrs.client import transport
from nmbrs.client.errors import NmbrsTransientError, translate
from nmbrs.client.schema import NS_ROOT, operation
from nmbrs.client.settings import NmbrsSettings

log = logging.getLogger(__name__)

_CONTEXT_KEYS = {"CompanyId": "company_id", "CompanyID": "company_id", "companyId": "company_id",
                 "EmployeeId": "employee_id"}


class Answer(NamedTuple):
    """One call's parsed value and its response body as received (for landing and drift)."""

    value: Any
    wire: bytes | None


class NmbrsClient:
    """Calls Nmbrs for one account. Thread-safe: share one instance across a thread pool."""

    def __init__(self, settings: NmbrsSettings, *, sleep=time.sleep,
                 rng: random.Random | None = None, limiter=None):
        self.settings = settings
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._proxies: dict[str, Any] = {}
        self._headers: dict[str, Any] = {}
        # The account's fair-use budget: a shared bucket (nmbrs.client.fairuse) when injected,
        # else this process's own limiter.
        self._limiter = limiter or transport.limiter_for(settings.account_key,
                                                         settings.calls_per_second)
        self.retries = 0
        from nmbrs.client.services import (
            CompanyService,
            DebtorService,
            EmployeeService,
            ReportService,
        )

        self.company = CompanyService(self)
        self.employee = EmployeeService(self)
        self.debtor = DebtorService(self)
        self.report = ReportService(self)

    def __repr__(self) -> str:
        return f"NmbrsClient(user={self.settings.username!r}, domain={self.settings.domain!r})"

    def _zeep(self, service: str):
        return transport.zeep_client(service)

    def _proxy(self, service: str):
        proxy = self._proxies.get(service)
        if proxy is None:
            binding = f"{{{NS_ROOT}{service}}}{service}Soap"
            proxy = self._zeep(service).create_service(binding, self.settings.endpoint(service))
            self._proxies[service] = proxy
        return proxy

    def _header(self, service: str, header: str):
        key = f"{service}/{header}"
        value = self._headers.get(key)
        if value is None:
            element = self._zeep(service).get_element(f"{{{NS_ROOT}{service}}}{header}")
            s = self.settings
            fields = {"Username": s.username, "Token": s.token.reveal()}
            if header == "AuthHeaderWithDomain":
                fields["Domain"] = s.domain
            value = self._headers[key] = element(**fields)
        return value

    def call_wire(self, service: str, name: str, **params) -> Answer:
        """Call one operation like `_call`; return its value and the response body received."""
        return self._call(service, name, _wire=True, **params)

    def _call(self, service: str, name: str, *, period: str | None = None, _wire: bool = False,
              **params) -> Any:
        """Call one operation with retries for transient failures; raise NmbrsError otherwise."""
        op = operation(service, name)
        context = {"operation": f"{service}.{name}", "period": period}
        for key, attr in _CONTEXT_KEYS.items():
            if key in params:
                context[attr] = params[key]
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                value = self._attempt(op, params)
                body = transport.take_body()
                return Answer(value, body) if _wire else value
            except Exception as raw:  # noqa: BLE001 - classified right here, in one place
                err = translate(raw, **context)
                last = attempt == self.settings.max_attempts
                if not isinstance(err, NmbrsTransientError) or last:
                    raise err from raw
                self.retries += 1
                pause = self._backoff(attempt)
                log.warning("Nmbrs %s: %s; retry %d/%d in %.2fs", name, err, attempt,
                            self.settings.max_attempts - 1, pause)
                self._sleep(pause)
        raise AssertionError("unreachable")

    def _attempt(self, op, params: dict) -> Any:
        self._limiter.acquire()
        transport.set_timeouts(self.settings.connect_timeout, self.settings.operation_timeout)
        method = getattr(self._proxy(op.service), op.name)
        return method(**params, _soapheaders=[self._header(op.service, op.header)])

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return self._rng.uniform(0, self.settings.backoff_base * 2 ** (attempt - 1))
