"""Benchmark: end-to-end extraction of a 1,000-employee company at 50 ms simulated latency.

Runs the pipeline's extraction (the DAG's steps, in-process) against the Nmbrs simulator in its
own process, into a fresh warehouse database. Prints wall time, SOAP calls/s and the load
step's rows/s into staging (target >= 50k rows/s). Run: ./run bench extraction [--threads 16]
[--source soap|rest]; the last line is `source=… employees=… calls=… wall_s=… peak_rss_mb=…`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import requests

from bench.client import free_port, start_simulator
from nmbrs.client import NmbrsClient, NmbrsSettings
from payroll_link.extraction.runner import extract_period
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.periods import get_period
from payroll_link.warehouse import Warehouse, make_engine, scratch_database

USER, TOKEN, DOMAIN = "koppeling@noorderzorg.nl", "sim-token-noorderzorg-0005", "salarisnoord"


class TimedWarehouse(Warehouse):
    """Warehouse that adds up the rows and seconds spent in load_staging (the COPY step)."""

    rows = 0
    seconds = 0.0

    def load_staging(self, entity, extraction_id, employer_id, period, rows):
        started = time.perf_counter()
        count = super().load_staging(entity, extraction_id, employer_id, period, rows)
        TimedWarehouse.seconds += time.perf_counter() - started
        TimedWarehouse.rows += count
        return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--company", type=int, default=2006)
    parser.add_argument("--source", choices=["soap", "rest"], default="soap")
    args = parser.parse_args()
    if args.source == "rest":
        from bench.extraction_rest import run

        return run(args.company, args.threads)
    port = free_port()
    sim = start_simulator(port)
    try:
        with scratch_database("koppeling_bench") as url:
            engine = make_engine(url)
            report(engine, port, args)
            engine.dispose()
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    return 0


def report(engine, port: int, args) -> None:
    """Extract the period, then print the figures."""
    client = NmbrsClient(NmbrsSettings(username=USER, token=TOKEN, domain=DOMAIN,
                                       base_url=f"http://127.0.0.1:{port}/soap/v3/"))
    started = time.perf_counter()
    part = extract_period(TimedWarehouse(engine), NmbrsSoapSource(client), "bench",
                          args.company, get_period("monthly", 2026, 10),
                          concurrency=args.threads)
    wall = time.perf_counter() - started
    stats = requests.get(f"http://127.0.0.1:{port}/admin/stats", timeout=5).json()
    counts = Warehouse(engine).extraction(part.extraction_id)["counts"]
    print(f"company {args.company}, period 2026-10, {counts['employees_in_period']} "
          f"employees, {args.threads} threads, 50 ms/call")
    print(f"wall {wall:.1f} s; {stats['total_calls']} SOAP calls = "
          f"{stats['total_calls'] / wall:.1f} calls/s (throttled {stats['throttled']})")
    print(f"staging load: {TimedWarehouse.rows} rows in {TimedWarehouse.seconds:.2f} s = "
          f"{TimedWarehouse.rows / TimedWarehouse.seconds:,.0f} rows/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"source=soap employees={counts['employees_in_period']} "
          f"calls={stats['total_calls']} wall_s={wall:.1f} peak_rss_mb={peak:.0f}")


if __name__ == "__main__":
    sys.exit(main())
