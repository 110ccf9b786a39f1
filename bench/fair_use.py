"""Benchmark: K concurrent extractions of one Nmbrs account share one fair-use budget.

Starts the simulator (50 ms per call, fair use 150 calls/s per account, +0.5 s past it) and K
processes that each extract the 1,000-employee company (the pipeline's steps, in-process) into
a fresh warehouse database, all with the same API user. The account's budget is one token
bucket: in Redis (``--bucket redis``, default), in a file of this machine (``--bucket file``),
or per process (``--bucket process``: the old limiter, to show the overshoot).
Last line: ``processes=<k> calls=<n> throttled=<n> calls_per_s=<x>``.
Run: ./run bench fair_use --processes 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid

import requests

from bench.client import COMPANY, DOMAIN, TOKEN, USER, free_port, start_simulator

FAIR_USE = 150.0


class MeteredBucket:
    """Adds up how long callers waited for a slot (bench only: is the budget the bottleneck?)."""

    def __init__(self, inner):
        import threading

        self.inner, self.waited, self._lock = inner, 0.0, threading.Lock()

    def acquire(self) -> float:
        waited = self.inner.acquire()
        with self._lock:
            self.waited += waited
        return waited


def extract(index: int, port: int, url: str, bucket: str, account_key: str, folder: str,
            threads: int, ready, go, waits) -> None:
    """One worker: build the client with the shared bucket, wait for the start, extract."""
    from nmbrs.client import NmbrsClient, NmbrsSettings
    from nmbrs.client.fairuse import bucket_for
    from payroll_link.extraction.runner import extract_period
    from payroll_link.extraction.sources.soap import NmbrsSoapSource
    from payroll_link.periods import get_period
    from payroll_link.warehouse import Warehouse, make_engine

    settings = NmbrsSettings(username=USER, token=TOKEN, domain=DOMAIN,
                             base_url=f"http://127.0.0.1:{port}/soap/v3/")
    limiter = None
    if bucket != "process":
        redis_url = "redis://127.0.0.1:6379/0" if bucket == "redis" else None
        limiter = bucket_for(account_key, redis_url, directory=folder)  # the hook's defaults
    if limiter is None:
        from nmbrs.client import transport

        limiter = transport.limiter_for(settings.account_key, settings.calls_per_second)
    metered = MeteredBucket(limiter)
    client = NmbrsClient(settings, limiter=metered)
    warehouse = Warehouse(make_engine(url))
    ready.release()
    go.wait()
    extract_period(warehouse, NmbrsSoapSource(client), f"bench_fair_use_{index}", COMPANY,
                   get_period("monthly", 2026, 10), concurrency=threads)
    waits.put(metered.waited)


def run(processes: int, bucket: str, threads: int, port: int, url: str) -> dict:
    """Start the workers together; return calls, throttled and the wall time."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, waits = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    key = f"{USER}@{DOMAIN}#bench-{uuid.uuid4().hex[:8]}"  # a bucket of this run only
    folder = tempfile.mkdtemp(prefix="fair-use-bench-")
    workers = [ctx.Process(target=extract, args=(i, port, url, bucket, key, folder, threads,
                                                 ready, go, waits)) for i in range(processes)]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.acquire()
    stats = f"http://127.0.0.1:{port}/admin/stats"
    before = requests.get(stats, timeout=5).json()
    started = time.perf_counter()
    go.set()
    for worker in workers:
        worker.join()  # each puts one float on the queue: no pipe can fill up
    wall = time.perf_counter() - started
    after = requests.get(stats, timeout=5).json()
    if any(worker.exitcode for worker in workers):
        raise SystemExit(f"a worker failed: exit codes {[w.exitcode for w in workers]}")
    waited = sum(waits.get(timeout=10) for _ in workers)
    return {"calls": after["total_calls"] - before["total_calls"],
            "throttled": after["throttled"] - before["throttled"], "wall": wall,
            "wait_share": waited / (processes * threads * wall)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--bucket", choices=["redis", "file", "process"], default="redis")
    parser.add_argument("--threads", type=int, default=16, help="threads per extraction")
    args = parser.parse_args()
    from payroll_link.warehouse import scratch_database

    port = free_port()
    sim = start_simulator(port)
    try:
        with scratch_database("koppeling_bench") as url:
            result = run(args.processes, args.bucket, args.threads, port, url)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    rate = result["calls"] / result["wall"]
    print(f"{args.processes} extractions of company {COMPANY} (1,000 employees) on one account, "
          f"{args.threads} threads each, 50 ms/call, bucket {args.bucket}: wall "
          f"{result['wall']:.1f} s, {rate / FAIR_USE:.1%} of fair use ({FAIR_USE:.0f}/s); "
          f"threads waited for the budget {result['wait_share']:.0%} of their time; load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"processes={args.processes} calls={result['calls']} throttled={result['throttled']} "
          f"calls_per_s={rate:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
