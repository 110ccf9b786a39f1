"""zeep clients are built once per service; the concurrency helper and limiter keep their bounds."""

from __future__ import annotations

import threading
import time

import pytest

from nmbrs.client import transport
from nmbrs.client.concurrency import map_bounded
from nmbrs.client.transport import RateLimiter

pytestmark = pytest.mark.simulator


def test_each_zeep_client_is_built_once_per_service(make_client):
    first, second = make_client("koppeling@bakkerijvandenberg.nl"), make_client(
        "koppeling@degoudenleeuw.nl")
    for client in (first, second):
        client.company.company_get_current_period(client is first and 2001 or 2004)
        client.debtor.list_get_all()
    assert first._zeep("CompanyService") is second._zeep("CompanyService")
    assert transport.BUILD_COUNT["CompanyService"] == 1
    assert transport.BUILD_COUNT["DebtorService"] == 1


def test_concurrency_helper_never_exceeds_its_bound(make_client, nmbrs_sim):
    nmbrs_sim.state.knobs.latency_ms = {"*": 20}
    client = make_client("koppeling@bakkerijvandenberg.nl")
    ids = [e["Id"] for e in client.employee.list_get_by_company(2001)]
    nmbrs_sim.state.stats.reset()
    outcome = map_bounded(client.employee.personal_info_get_current, ids, max_workers=4)
    assert not outcome.errors and [r["Id"] for r in outcome.results] == ids
    assert outcome.peak_in_flight == 4
    assert nmbrs_sim.state.stats.peak_in_flight <= 4


def test_concurrency_helper_keeps_going_past_a_failing_item(make_client):
    client = make_client("koppeling@bakkerijvandenberg.nl")
    outcome = map_bounded(client.employee.personal_info_get_current, [20010001, 20030001], 2)
    assert outcome.results[0]["Id"] == 20010001 and list(outcome.errors) == [20030001]


def test_rate_limiter_holds_calls_per_second_across_threads():
    limiter = RateLimiter(rate=200, burst=5)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(50):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    window = [t for t in stamps if t - stamps[0] < 0.5]
    assert len(window) <= 5 + 200 * 0.5 + 1
