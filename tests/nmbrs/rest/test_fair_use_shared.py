"""REST calls of one account share one fair-use budget across processes (like SOAP's)."""

from __future__ import annotations

import json
import multiprocessing
import time
import uuid

RATE = 100.0  # calls per second of the test account
PER_PROCESS = 30


def _acquire_through_hook(conn_env: dict, ready, done) -> None:
    import os

    os.environ.update(conn_env)
    from nmbrs.hooks.nmbrs_rest import NmbrsRestHook

    name = next(k for k in conn_env if k.startswith("AIRFLOW_CONN_NMBRS_REST_"))
    hook = NmbrsRestHook(name.removeprefix("AIRFLOW_CONN_").lower(), token_store=object())
    bucket = hook.fair_use_bucket(hook.get_settings())
    ready.wait(60)  # both processes have imported and built their hook: start together
    started = time.time()
    for _ in range(PER_PROCESS):
        bucket.acquire()
    done.put((started, time.time()))  # when this process began and had all its calls granted


def test_two_processes_on_one_rest_account_share_one_budget():
    conn_id = f"nmbrs_rest_{uuid.uuid4().hex[:8]}"
    env = {
        f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps({
            "conn_type": "nmbrs_rest", "login": "client", "password": "secret",
            "extra": {"subscription_key": "key", "base_url": "http://127.0.0.1:9",
                      "calls_per_second": RATE}}),
        "AIRFLOW_CONN_NMBRS_FAIR_USE": json.dumps({"conn_type": "redis", "host": "127.0.0.1",
                                                   "port": 6379, "schema": "12"}),
    }
    context = multiprocessing.get_context("spawn")
    ready, done = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_acquire_through_hook, args=(env, ready, done))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(w.exitcode == 0 for w in workers), [w.exitcode for w in workers]
    windows = [done.get(timeout=5) for _ in workers]
    elapsed = max(end for _, end in windows) - min(start for start, _ in windows)
    # One budget: 60 calls at 100/s need ~0.59 s; a budget per process would need ~0.29 s.
    assert elapsed >= (2 * PER_PROCESS - 1) / RATE * 0.95, elapsed
