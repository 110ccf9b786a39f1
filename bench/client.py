"""Benchmark: per-employee Nmbrs extraction at concurrency 1, 4, 8, 16 against the simulator.

The simulator runs in its own process with 50 ms latency per call (a 1,000-employee company), so
the client's CPU time is measured alone. Prints calls/s, the ratio to the bound
min(150/s, C / latency), client CPU ms per call and RSS. Run: ./run bench client [--quick]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import time

import psutil
import requests

from nmbrs.client import NmbrsClient, NmbrsSettings
from nmbrs.client.concurrency import map_bounded

LATENCY_S = 0.05
FAIR_USE = 150.0
COMPANY = 2006  # Noorderzorg Thuiszorg B.V., 1,000 employees
USER, TOKEN, DOMAIN = "koppeling@noorderzorg.nl", "sim-token-noorderzorg-0005", "salarisnoord"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_simulator(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "simulators.nmbrs_sim", "--port", str(port),
                             "--latency-ms", str(LATENCY_S * 1000)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=0.5)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("simulator did not start")


def extract_employee(client: NmbrsClient, employee_id: int) -> int:
    """The per-employee calls of one period; returns the number of calls made."""
    emp = client.employee
    emp.personal_info_get_current(employee_id)
    emp.address_get_list_current(employee_id)
    emp.bank_account_get_list(employee_id, 10, 2026)
    emp.children_get(employee_id)
    emp.partner_get(employee_id)
    emp.contract_get_current_period(employee_id)
    emp.schedule_get_current(employee_id)
    emp.svw_get_current(employee_id)
    return 8


def run_level(client: NmbrsClient, ids: list[int], concurrency: int) -> dict:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    outcome = map_bounded(lambda e: extract_employee(client, e), ids, concurrency)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if outcome.errors:
        first = next(iter(outcome.errors.values()))
        raise SystemExit(f"{len(outcome.errors)} employees failed, e.g. {first}")
    calls = sum(outcome.results)
    bound = min(FAIR_USE, concurrency / LATENCY_S)
    return {"C": concurrency, "employees": len(ids), "calls": calls, "wall_s": wall,
            "calls_per_s": calls / wall, "bound": bound, "ratio": calls / wall / bound,
            "cpu_ms_per_call": cpu * 1000 / calls,
            "rss_mb": psutil.Process().memory_info().rss / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer employees per level")
    args = parser.parse_args()
    port = free_port()
    sim = start_simulator(port)
    try:
        client = NmbrsClient(NmbrsSettings(username=USER, token=TOKEN, domain=DOMAIN,
                                           base_url=f"http://127.0.0.1:{port}/soap/v3/"))
        ids = [e["Id"] for e in client.employee.list_get_by_company(COMPANY)]
        scale = 0.4 if args.quick else 1.0
        sizes = {1: 20, 4: 60, 8: 120, 16: 200}
        print(f"simulator latency {LATENCY_S * 1000:.0f} ms/call, fair use {FAIR_USE:.0f}/s, "
              f"client limiter {client.settings.calls_per_second:.0f}/s; {len(ids)} employees")
        print(f"{'C':>3} {'empl':>5} {'calls':>6} {'wall s':>7} {'calls/s':>8} {'bound':>6} "
              f"{'ratio':>6} {'cpu ms/call':>11} {'rss MB':>7}")
        for concurrency, size in sizes.items():
            row = run_level(client, ids[: max(4, int(size * scale))], concurrency)
            print(f"{row['C']:>3} {row['employees']:>5} {row['calls']:>6} {row['wall_s']:>7.2f} "
                  f"{row['calls_per_s']:>8.1f} {row['bound']:>6.0f} {row['ratio']:>6.1%} "
                  f"{row['cpu_ms_per_call']:>11.2f} {row['rss_mb']:>7.1f}")
        print("RSS as employees grow (C=16):")
        for count in ((50, 200) if args.quick else (250, 1000)):
            row = run_level(client, ids[:count], 16)
            print(f"  {count:>5} employees: rss {row['rss_mb']:.1f} MB, "
                  f"{row['calls_per_s']:.1f} calls/s, cpu {row['cpu_ms_per_call']:.2f} ms/call")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stats = requests.get(f"http://127.0.0.1:{port}/admin/stats", timeout=5).json()
        print(f"peak RSS {peak:.1f} MB; simulator throttled {stats['throttled']} of "
              f"{stats['total_calls']} calls; client retries {client.retries}")
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
