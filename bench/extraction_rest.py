"""Benchmark: a company's period extracted through Nmbrs REST (company-wide paged reads).

The REST simulator runs in its own process at 50 ms per call; the pipeline's steps run
in-process into a fresh warehouse database, with a real consent (authorization code + PKCE) and
the token store. Called by `./run bench extraction --source rest [--company 2007]`.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import requests

from bench.client import LATENCY_S, free_port
from nmbrs.rest.client import NmbrsRestClient
from nmbrs.rest.oauth import OAuthSettings, begin_consent, exchange_code
from nmbrs.rest.settings import NmbrsRestSettings
from nmbrs.rest.token_store import warehouse_token_store
from nmbrs.rest.tokens import RotatingTokens, StoredTokens
from payroll_link.extraction.runner import extract_period
from payroll_link.extraction.sources.rest import NmbrsRestSource
from payroll_link.periods import get_period
from payroll_link.warehouse import Warehouse, make_engine, scratch_database
from simulators.nmbrs_rest_sim.ids import rest_id
from simulators.nmbrs_rest_sim.server import DEFAULT_CLIENTS, DEFAULT_SUBSCRIPTION_KEYS

LOGIN = "koppeling@noorderzorg.nl"
CLIENT = DEFAULT_CLIENTS[0]


def start_rest_simulator(port: int) -> subprocess.Popen:
    """Start the REST simulator at 50 ms per call and wait until it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "simulators.nmbrs_rest_sim", "--port",
                             str(port), "--latency-ms", str(LATENCY_S * 1000)],
                            stdout=subprocess.DEVNULL)
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=0.5)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("REST simulator did not start")


def consent(oauth: OAuthSettings, store, account: str) -> None:
    """Consent as the simulator's login (its consent page redirects at once) and store it."""
    request = begin_consent(oauth, login_hint=LOGIN)
    answer = requests.get(request.url, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    grant = exchange_code(oauth, code, request)
    with store.hold(account) as held:
        held.write(StoredTokens(grant.refresh_token, grant.access_token, grant.expires_at))


def run(company: int, threads: int) -> int:
    """Extract 2026-10 of `company` through REST; print the figures; return 0."""
    port = free_port()
    sim = start_rest_simulator(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with scratch_database("koppeling_bench") as url:
            engine = make_engine(url)
            oauth = OAuthSettings(client_id=CLIENT.client_id, client_secret=CLIENT.client_secret,
                                  identity_url=base)
            store = warehouse_token_store(url, oauth.client_secret)
            consent(oauth, store, "bench")
            settings = NmbrsRestSettings(account="bench", base_url=base,
                                         subscription_key=DEFAULT_SUBSCRIPTION_KEYS[0])
            client = NmbrsRestClient(settings, RotatingTokens(oauth, store, "bench"))
            source = NmbrsRestSource(client, {company: rest_id("company", company)})
            started = time.perf_counter()
            part = extract_period(Warehouse(engine), source, "bench", company,
                                  get_period("monthly", 2026, 10), concurrency=threads)
            wall = time.perf_counter() - started
            record = Warehouse(engine).extraction(part.extraction_id)
            counts = record["counts"]
            print(f"step seconds: {record.get('timings')}")
            engine.dispose()
        calls = requests.get(f"{base}/admin/stats", timeout=5).json()["total_calls"]
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"company {company}, period 2026-10, REST, 50 ms/call, wall {wall:.1f} s")
    print(f"source=rest employees={counts['employees_in_period']} calls={calls} "
          f"wall_s={wall:.1f} peak_rss_mb={peak:.0f}")
    return 0
