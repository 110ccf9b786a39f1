"""Benchmark: read a large employees file (default 50 MB CSV). Prints time and peak RSS only.

Each case runs in a fresh Python process, so its peak resident set size is its own:
1. the default limits: the file is refused (size check before reading);
2. limits raised to the whole file: every row streamed, validated and kept (the rows are what
   reconciliation needs, so memory grows with the rows kept, not with the file's bytes);
3. about the default row limit's worth of rows (the largest file intake accepts by default).

    ./run bench intake [--mb 50]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from payroll_link.onboarding.employees_file import EmployeesFileError, read_employees_file
from payroll_link.onboarding.upload_reader import Limits
path, max_bytes, max_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
try:
    result = read_employees_file(path, Limits(max_bytes, max_rows) if max_bytes else None)
    outcome = f"read {result.data_lines} rows, {len(result.errors)} row errors"
except EmployeesFileError as err:
    outcome = "refused: " + err.reason
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "outcome": outcome}))
"""


def make_csv(path: Path, megabytes: float) -> int:
    """Write invented employees until the file has `megabytes`; return the row count."""
    rng = random.Random(12)
    names = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer"]
    target, rows = megabytes * 1024 * 1024, 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Naam;Geboortedatum;Personeelsid\n")
        while handle.tell() < target:
            rows += 1
            handle.write(f"{rng.choice('ABCDEFGHKLMNPS')}. {rng.choice(names)};"
                         f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-"
                         f"{rng.randint(1950, 2005)};{rows}\n")
    return rows


def run_case(path: Path, max_bytes: int, max_rows: int) -> dict:
    """Read `path` in a fresh interpreter; return its seconds, peak RSS and outcome."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(max_bytes), str(max_rows)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    """Generate the files, run the three cases, print one line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=50.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "medewerkers.csv"
        started = time.perf_counter()
        rows = make_csv(big, args.mb)
        print(f"file: {big.stat().st_size / 2**20:.1f} MB, {rows} rows "
              f"(generated in {time.perf_counter() - started:.1f} s)")
        limit_file = Path(tmp) / "limit.csv"
        limit_rows = make_csv(limit_file, 45_000 * 29 / 2**20)
        cases = [("default limits", big, 0, 0),
                 ("limits raised, whole file", big, big.stat().st_size, rows),
                 (f"{limit_rows} rows, default limits", limit_file, 0, 0)]
        for label, path, max_bytes, max_rows in cases:
            figures = run_case(path, max_bytes, max_rows)
            print(f"{label:<32} {figures['seconds']:7.2f} s  peak RSS "
                  f"{figures['peak_rss_mb']:7.1f} MB  {figures['outcome']}")


if __name__ == "__main__":
    main()
