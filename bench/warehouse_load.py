"""Benchmark: rows/s of Warehouse.load_staging (COPY) for 100k employment-like rows.

Runs against a throw-away database on the warehouse server (embedded-default rule) and drops it.
Prints figures only: ``python bench/warehouse_load.py [--rows N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

from payroll_link.extraction.sources.soap_map import to_rows
from payroll_link.warehouse import Warehouse, make_engine, scratch_database


def employment_items(count: int):
    """Yield Employment_GetAll-shaped items, one employment each (generated, never stored)."""
    for n in range(count):
        start = dt.datetime(2000 + n % 25, 1 + n % 12, 1)
        yield {"EmployeeId": 100_000 + n, "EmployeeEmployments": [
            {"EmploymentId": 5_000_000 + n, "CreationDate": start - dt.timedelta(days=14),
             "StartDate": start, "EndDate": None if n % 4 else start + dt.timedelta(days=400),
             "InitialStartDate": start}]}


def staged_rows(count: int):
    """Yield staging rows lazily, item by item, as an extract task would."""
    for item in employment_items(count):
        yield from to_rows("employment", [item])


def main() -> None:
    """Create a scratch database, run the benchmark, drop the database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with scratch_database("koppeling_bench") as url:
        engine = make_engine(url)
        try:
            run(Warehouse(engine), args.rows, args.repeat)
        finally:
            engine.dispose()


def run(warehouse: Warehouse, count: int, repeat: int) -> None:
    """Print rows/s of a streamed load, then of `repeat` loads of rows already in memory."""
    print(f"server: {warehouse.engine.url.host}:{warehouse.engine.url.port}  rows: {count:,}")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    loaded, seconds = _timed(warehouse, "2026-12", staged_rows(count))
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(f"to_rows + load_staging, streamed: {loaded:,} rows in {seconds:.2f} s = "
          f"{loaded / seconds:,.0f} rows/s; peak RSS grew {grew:.1f} MB")
    materialised = list(staged_rows(count))
    for attempt in range(1, repeat + 1):
        loaded, seconds = _timed(warehouse, f"2026-{attempt:02d}", materialised)
        print(f"load_staging, rows in memory, run {attempt}: {loaded:,} rows in {seconds:.2f} s "
              f"= {loaded / seconds:,.0f} rows/s")


def _timed(warehouse: Warehouse, period: str, rows) -> tuple[int, float]:
    month = int(period[-2:])
    extraction_id = warehouse.begin_extraction("bench", period, dt.date(2026, month, 1),
                                               dt.date(2026, month, 28))
    started = time.perf_counter()
    loaded = warehouse.load_staging("employment", extraction_id, "bench", period, rows)
    return loaded, time.perf_counter() - started


if __name__ == "__main__":
    main()
