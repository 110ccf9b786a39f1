"""The REST client against a scripted loopback server: paging, retries, error families."""

from __future__ import annotations

import math

import pytest

from nmbrs.rest.client import NmbrsRestClient
from nmbrs.rest.errors import (
    NmbrsAuthError,
    NmbrsConfigError,
    NmbrsRequestError,
    NmbrsResponseError,
    NmbrsTransientError,
)
from nmbrs.rest.settings import NmbrsRestSettings
from tests.nmbrs.rest.scripted import Scripted, problem

COMPANY = "5b6a77c7-6abe-4f31-93dc-2692169e3ea4"
ACCESS = "access-token-6f1e"
KEY = "subscription-key-93ab"


class Tokens:
    """Hands out ACCESS, then a second token once a stale one is named."""

    def __init__(self):
        self.current = ACCESS
        self.renewed = 0

    def access_token(self, *, stale=None):
        if stale is not None and stale == self.current:
            self.current, self.renewed = f"{ACCESS}-{self.renewed + 1}", self.renewed + 1
        return self.current


class NoLimit:
    def acquire(self):
        return 0.0


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        server = Scripted(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def client_for(server, sleeps=None, **overrides):
    settings = NmbrsRestSettings(account="acme", subscription_key=KEY, base_url=server.url,
                                 backoff_base=0.01, **overrides)
    sleep = (sleeps.append if sleeps is not None else lambda _s: None)
    return NmbrsRestClient(settings, Tokens(), limiter=NoLimit(), sleep=sleep)


def paged(total: int):
    """Answer employees in pages as the spec's pagination block describes them."""

    def answer(request):
        number, size = int(request["query"]["pageNumber"]), int(request["query"]["pageSize"])
        pages = math.ceil(total / size)
        data = [{"employeeId": f"e{i}"} for i in range((number - 1) * size,
                                                        min(total, number * size))]
        nxt = f"https://api.example/x?pageNumber={number + 1}" if number < pages else None
        return 200, {"pagination": {"pageNumber": number, "pageSize": size, "totalPages": pages,
                                    "totalRecords": total, "nextPage": nxt}, "data": data}, {}

    return answer


def test_records_follow_the_pagination_block_with_page_size_100(serve):
    server = serve(paged(250))
    ids = [r["employeeId"] for r in client_for(server).records(
        "getEmployeesByCompany", companyId=COMPANY)]
    assert ids == [f"e{i}" for i in range(250)]
    assert sorted(r["query"]["pageNumber"] for r in server.requests) == ["1", "2", "3"]
    assert {r["query"]["pageSize"] for r in server.requests} == {"100"}
    assert server.requests[0]["path"] == f"/api/companies/{COMPANY}/employees"


def test_pages_are_fetched_only_as_the_caller_reads_them(serve):
    server = serve(paged(1000))
    pages = client_for(server).pages("getEmployeesByCompany", companyId=COMPANY)
    first = next(pages)
    assert len(first) == 100 and len(server.requests) == 1
    next(pages)  # now the following pages are fetched ahead, at most page_prefetch of them
    assert len(server.requests) <= 1 + 4
    pages.close()


def test_every_call_carries_bearer_token_and_subscription_key(serve):
    server = serve(paged(1))
    list(client_for(server).records("getDebtors"))
    headers = server.requests[0]["headers"]
    assert headers["Authorization"] == f"Bearer {ACCESS}"
    assert headers["X-Subscription-Key"] == KEY


def test_429_waits_the_delay_nmbrs_asks_for_then_succeeds(serve):
    answers = iter([(429, problem(429, "throttlingError", 42908, "Too_Many_Calls"),
                     {"Retry-After": "2"}), (200, {"year": 2026, "period": 10}, {})])
    sleeps = []
    body = client_for(serve(lambda r: next(answers)), sleeps).get("getCurrentPeriod",
                                                                 companyId=COMPANY)
    assert body == {"year": 2026, "period": 10}
    assert len(sleeps) == 1 and 2.0 <= sleeps[0] <= 2.3


def test_429_with_a_delay_beyond_the_limit_goes_to_airflow_retries(serve):
    server = serve(lambda r: (429, problem(429, "throttlingError", 42908, "Too_Many_Calls"),
                              {"Retry-After": "600"}))
    with pytest.raises(NmbrsTransientError) as caught:
        client_for(server).get("getCurrentPeriod", companyId=COMPANY)
    assert caught.value.retry_after == 600 and len(server.requests) == 1


def test_quota_exhausted_is_fatal_at_once(serve):
    server = serve(lambda r: (429, problem(429, "throttlingError", 42909, "Quota_Exceeded"), {}))
    with pytest.raises(NmbrsAuthError, match="quota"):
        client_for(server).get("getCurrentPeriod", companyId=COMPANY)
    assert len(server.requests) == 1


def test_5xx_is_retried_with_backoff_then_raised_as_transient(serve):
    server = serve(lambda r: (503, problem(503, "apiError", 50301, "Service_Unavailable"), {}))
    sleeps = []
    with pytest.raises(NmbrsTransientError, match="HTTP 503"):
        client_for(server, sleeps, max_attempts=3).get("getCurrentPeriod", companyId=COMPANY)
    assert len(server.requests) == 3 and len(sleeps) == 2
    assert all(0 <= pause <= 0.01 * 2 ** i for i, pause in enumerate(sleeps))


def test_5xx_then_success_returns_the_answer(serve):
    answers = iter([(502, b"<html>bad gateway</html>", {"Content-Type": "text/html"}),
                    (200, {"year": 2026, "period": 3}, {})])
    body = client_for(serve(lambda r: next(answers))).get("getCurrentPeriod", companyId=COMPANY)
    assert body["period"] == 3


def test_403_names_the_scopes_the_operation_accepts(serve):
    server = serve(lambda r: (403, problem(403, "authenticationError", 40301,
                                           "Insufficient_Scope"), {}))
    with pytest.raises(NmbrsAuthError) as caught:
        list(client_for(server).records("getSalariesByCompany", companyId=COMPANY))
    text = str(caught.value)
    assert "employee.employment or employee.employment.read" in text
    assert "koppeling authorize" in text and len(server.requests) == 1
    assert caught.value.operation == "getSalariesByCompany"
    assert caught.value.company_id == COMPANY


def test_403_for_data_access_does_not_blame_a_scope(serve):
    server = serve(lambda r: (403, problem(403, "authenticationError", 40303,
                                           "Unauthorized_AccessData"), {}))
    with pytest.raises(NmbrsAuthError, match="does not reach this debtor") as caught:
        client_for(server).get("getCurrentPeriod", companyId=COMPANY)
    assert "scope" not in str(caught.value)


def test_400_is_a_request_error_naming_the_parameter_without_retry(serve):
    body = {**problem(400, "validationError", 40033, "Parameter_Invalid"),
            "invalid-params": [{"name": "year", "reason": "out of range"}]}
    server = serve(lambda r: (400, body, {}))
    with pytest.raises(NmbrsRequestError, match="invalid parameter.s. year"):
        client_for(server).get("getCompanyPayrollRuns", companyId=COMPANY, params={"year": 1})
    assert len(server.requests) == 1


def test_401_gets_one_fresh_token_then_succeeds(serve):
    def answer(request):
        if request["headers"]["Authorization"] == f"Bearer {ACCESS}":
            return 401, problem(401, "authenticationError", 40102, "Invalid_Token"), {}
        return 200, {"year": 2026, "period": 1}, {}

    server = serve(answer)
    assert client_for(server).get("getCurrentPeriod", companyId=COMPANY)["period"] == 1
    assert [r["headers"]["Authorization"] for r in server.requests] == [
        f"Bearer {ACCESS}", f"Bearer {ACCESS}-1"]


def test_401_twice_is_an_auth_error(serve):
    server = serve(lambda r: (401, problem(401, "authenticationError", 40102, "Invalid_Token"),
                              {}))
    with pytest.raises(NmbrsAuthError, match="access token was refused"):
        client_for(server).get("getCurrentPeriod", companyId=COMPANY)
    assert len(server.requests) == 2


def test_unknown_subscription_key_is_a_config_error(serve):
    server = serve(lambda r: (401, problem(401, "authenticationError", 40103,
                                           "Invalid_Subscription_Key"), {}))
    with pytest.raises(NmbrsConfigError, match="X-Subscription-Key"):
        client_for(server).get("getCurrentPeriod", companyId=COMPANY)


def test_page_without_pagination_block_is_a_response_error(serve):
    server = serve(lambda r: (200, {"data": []}, {}))
    with pytest.raises(NmbrsResponseError, match="pagination"):
        list(client_for(server).records("getDebtors"))


def test_errors_and_reprs_never_show_token_or_subscription_key(serve):
    server = serve(lambda r: (403, problem(403, "authenticationError", 40301, "Scope"), {}))
    client = client_for(server)
    with pytest.raises(NmbrsAuthError) as caught:
        client.get("getCurrentPeriod", companyId=COMPANY)
    shown = " ".join([str(caught.value), repr(caught.value), repr(client),
                      repr(client.settings), str(client.settings.subscription_key)])
    assert ACCESS not in shown and KEY not in shown


def test_document_is_none_while_processing_then_the_content(serve):
    answers = iter([(202, "Document is being processed", {}),
                    (200, b"<xml/>", {"Content-Type": "application/octet-stream"})])
    client = client_for(serve(lambda r: next(answers)))
    assert client.document("3f0e") is None
    assert client.document("3f0e") == b"<xml/>"


def test_pages_follow_the_page_count_when_next_page_is_absent(serve):
    def answer(request):
        number = int(request["query"]["pageNumber"])
        return 200, {"pagination": {"pageNumber": number, "pageSize": 100, "totalPages": 2},
                     "data": [{"n": number}]}, {}

    assert [r["n"] for r in client_for(serve(answer)).records("getDebtors")] == [1, 2]
