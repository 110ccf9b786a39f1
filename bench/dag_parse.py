"""Benchmark: parse time of the payroll DAG files with 100 and 1,000 registered employers.

Each size runs in a fresh interpreter with Airflow already imported (as in the dag-processor),
then times DagBag processing of each shard file dags/payroll_shard_<n>.py, and of one file
while a task runs (the parsing context names one DAG). Target: < 2 s per file at 1,000.
Run: ./run bench dag_parse
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CHILD = """
import glob, os, sys, time
t0 = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
t1 = time.perf_counter()
times, dags = [], 0
for path in sorted(glob.glob(os.environ["DAG_GLOB"])):
    start = time.perf_counter()
    bag = DagBag(dag_folder=path, safe_mode=False)
    times.append(time.perf_counter() - start)
    assert not bag.import_errors, bag.import_errors
    dags += len(bag.dag_ids)
    for name in [m for m in sys.modules if m.startswith("payroll_link.dagfactory")]:
        del sys.modules[name]  # each file is parsed afresh, as in the dag-processor
print(f"{dags} {t1 - t0:.3f} {max(times):.3f} {sum(times):.3f}")
"""
TASK_CHILD = """
import os, time
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.definitions.context import _AIRFLOW_PARSING_CONTEXT_DAG_ID
os.environ[_AIRFLOW_PARSING_CONTEXT_DAG_ID] = os.environ["ONE_DAG"]
start = time.perf_counter()
bag = DagBag(dag_folder=os.environ["DAG_FILE"], safe_mode=False)
print(f"{len(bag.dag_ids)} {time.perf_counter() - start:.3f}")
"""


def registry(count: int, path: Path) -> Path:
    """Write a registry of `count` realised employers (half monthly, half four-weekly)."""
    employers = []
    for n in range(count):
        monthly = n % 2 == 0
        employers.append({
            "employer_id": f"bench_{n:04d}", "asr_reference": f"ASR-B-{n:06d}",
            "company_name": f"Bench Werkgever {n} B.V.", "nmbrs_company_id": 5000 + n,
            "nmbrs_debtor_id": 9000 + n // 10, "account_mode": "per_debtor",
            "nmbrs_conn_id": f"nmbrs_bench_{n // 10}", "domain": "bench",
            "frequency": "monthly" if monthly else "four_weekly", "dga": None,
            "product": "pension", "status": "realised",
            "first_exchange_date": "2026-10-01" if monthly else "2026-10-05"})
    path.write_text(yaml.safe_dump({"employers": employers}))
    return path


def run(code: str, env: dict) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True).stdout.split()


def main() -> int:
    from payroll_link.dagfactory import SHARDS, shard_of

    print(f"{'employers':>9} {'dags':>5} {'import airflow s':>17} {'slowest file s':>15} "
          f"{'all files s':>12} {'task-time parse s':>18}   ({SHARDS} shard files)")
    with tempfile.TemporaryDirectory() as tmp:
        for count in (100, 1000):
            env = dict(os.environ, KOPPELING_REGISTRY=str(registry(count, Path(tmp) / "r.yaml")),
                       DAG_GLOB=str(REPO / "dags" / "payroll_shard_*.py"), AIRFLOW_HOME=tmp,
                       AIRFLOW__CORE__LOAD_EXAMPLES="False")
            dags, imp, slowest, total = run(CHILD, env)[-4:]
            one = f"bench_{count - 1:04d}"
            env.update(ONE_DAG=f"payroll_{one}",
                       DAG_FILE=str(REPO / "dags" / f"payroll_shard_{shard_of(one)}.py"))
            task_parse = run(TASK_CHILD, env)[-1]
            print(f"{count:>9} {dags:>5} {float(imp):>17.2f} {float(slowest):>15.2f} "
                  f"{float(total):>12.2f} {float(task_parse):>18.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
