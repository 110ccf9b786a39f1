"""The Nmbrs REST client: bearer + subscription key, paged generators, retries, one classifier."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter

from nmbrs.rest.errors import (
    NmbrsResponseError,
    NmbrsThrottledError,
    NmbrsTransientError,
    from_exception,
    from_response,
)
from nmbrs.rest.operations import Operation, operation
from nmbrs.rest.settings import NmbrsRestSettings

log = logging.getLogger(__name__)


class TokenSource(Protocol):
    """Hands out a valid access token; `stale` names one the API refused, to be replaced."""

    def access_token(self, *, stale: str | None = None) -> str: ...


class Limiter(Protocol):
    """Blocks until one more call fits the account's fair use."""

    def acquire(self) -> float: ...


class NmbrsRestClient:
    """Calls the Nmbrs REST API for one account. Thread-safe: share it across a thread pool."""

    def __init__(self, settings: NmbrsRestSettings, tokens: TokenSource, *,
                 limiter: Limiter | None = None, sleep=time.sleep,
                 rng: random.Random | None = None):
        self.settings = settings
        self._tokens = tokens
        self._limiter = limiter or _process_limiter(settings)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"NmbrsRestClient(account={self.settings.account!r})"

    def get(self, name: str, *, params: dict | None = None, **path) -> Any:
        """Return the JSON body of one GET operation (no paging)."""
        op = operation(name)
        return _json(self._request(op, params or {}, path), op.name)

    def pages(self, name: str, *, params: dict | None = None, **path) -> Iterator[list]:
        """Yield the `data` list of each page in turn; only one page is held at a time."""
        for data, _wire in self.wire_pages(name, params=params, **path):
            yield data

    def wire_pages(self, name: str, *, params: dict | None = None,
                   **path) -> Iterator[tuple[list, bytes]]:
        """Yield (data, body bytes as received) per page, in order, following the pagination.

        Once the first page tells how many there are, up to `page_prefetch` of the following
        pages are fetched ahead in threads; memory stays bounded by that window.
        """
        op = operation(name)
        params = dict(params or {})
        if op.paged:
            params["pageSize"] = self.settings.page_size
            params["pageNumber"] = 1
        body, wire = self._page(op, params, path)
        yield _data(body, op.name), wire
        if not op.paged or not _has_next(body.get("pagination"), 1, op.name):
            return
        total = int(body["pagination"].get("totalPages") or 0)
        yield from self._following(op, params, path, total)

    def _following(self, op: Operation, params: dict, path: dict, total: int):
        window = max(1, self.settings.page_prefetch)
        with ThreadPoolExecutor(max_workers=window, thread_name_prefix="nmbrs-page") as pool:
            ahead = deque()
            for number in range(2, total + 1):
                ahead.append((number, pool.submit(self._page, op,
                                                  {**params, "pageNumber": number}, path)))
                if len(ahead) >= window:
                    yield self._check_page(op, *ahead.popleft())
            while ahead:
                yield self._check_page(op, *ahead.popleft())

    def _check_page(self, op: Operation, number: int, future) -> tuple[list, bytes]:
        body, wire = future.result()
        _has_next(body.get("pagination"), number, op.name)  # checks the page number answered
        return _data(body, op.name), wire

    def _page(self, op: Operation, params: dict, path: dict) -> tuple[Any, bytes]:
        response = self._request(op, params, path)
        return _json(response, op.name), response.content

    def records(self, name: str, *, params: dict | None = None, **path) -> Iterator[dict]:
        """Yield every record of a paged operation, page by page."""
        for page in self.pages(name, params=params, **path):
            yield from page

    def document(self, task_id: str) -> bytes | None:
        """Return a document's content, or None while Nmbrs answers 202 (still processing)."""
        op = operation("GetDocumentContentId")
        response = self._request(op, {}, {"taskId": task_id})
        return None if response.status_code == 202 else response.content

    def _request(self, op: Operation, params: dict, path: dict) -> requests.Response:
        """Send one GET with retries for transient failures; raise NmbrsError otherwise."""
        context = {"operation": op.name, "company_id": path.get("companyId")}
        url = self.settings.url(op.path.format(**path))
        stale, renewed = None, False
        for attempt in range(1, self.settings.max_attempts + 1):
            token = self._tokens.access_token(stale=stale)
            try:
                response = self._send(url, params, token)
            except Exception as raw:  # noqa: BLE001 - classified right here, in one place
                err = from_exception(raw, **context)
            else:
                if response.status_code < 300:
                    return response
                if response.status_code == 401 and not renewed:
                    stale, renewed = token, True  # expired under us: one fresh token, retry
                    continue
                err = from_response(response, scopes=op.scopes, **context)
            stale = None
            self._wait_or_raise(err, attempt, op.name)
        raise from_response(response, scopes=op.scopes, **context)

    def _send(self, url: str, params: dict, token: str) -> requests.Response:
        self._limiter.acquire()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                   "X-Subscription-Key": self.settings.subscription_key.reveal()}
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        return self._session().get(url, params=params, headers=headers, timeout=timeout)

    def _wait_or_raise(self, err, attempt: int, name: str) -> None:
        if not isinstance(err, NmbrsTransientError) or attempt >= self.settings.max_attempts:
            raise err
        pause = self._backoff(attempt)
        if isinstance(err, NmbrsThrottledError) and err.retry_after is not None:
            pause = err.retry_after + self._rng.uniform(0, 0.1 * err.retry_after + 0.05)
        if pause > self.settings.max_retry_after:
            raise err
        log.warning("Nmbrs REST %s: %s; retry %d/%d in %.2fs", name, err, attempt,
                    self.settings.max_attempts - 1, pause)
        self._sleep(pause)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return self._rng.uniform(0, self.settings.backoff_base * 2 ** (attempt - 1))

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.mount("https://", HTTPAdapter(pool_maxsize=16, max_retries=0))
            session.mount("http://", HTTPAdapter(pool_maxsize=16, max_retries=0))
            session.headers["User-Agent"] = "salariskoppeling/0.1 (rest)"
        return session


def _process_limiter(settings: NmbrsRestSettings) -> Limiter:
    """Return this process's fair-use limiter of the account (the SOAP client's token bucket)."""
    from nmbrs.client.transport import limiter_for  # loads zeep: only when none was injected

    return limiter_for(f"rest:{settings.account}", settings.calls_per_second)


def _json(response: requests.Response, name: str) -> Any:
    try:
        return response.json()
    except ValueError as err:
        raise NmbrsResponseError("Nmbrs REST answered a body that is not JSON",
                                 operation=name) from err


def _data(body: Any, name: str) -> list:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise NmbrsResponseError("Nmbrs REST answered without a 'data' list", operation=name)
    return data


def _has_next(pagination: Any, number: int, name: str) -> bool:
    """Read the spec's pagination block: another page exists while nextPage is set."""
    if not isinstance(pagination, dict):
        raise NmbrsResponseError("Nmbrs REST answered a page without 'pagination'",
                                 operation=name)
    if pagination.get("pageNumber") not in (None, number):
        raise NmbrsResponseError(f"Nmbrs REST answered page {pagination.get('pageNumber')} "
                                 f"for page {number}", operation=name)
    total = pagination.get("totalPages")
    if "nextPage" not in pagination:  # optional in the spec: then the page count decides
        return total is not None and number < int(total)
    return bool(pagination["nextPage"]) and (total is None or number < int(total))
