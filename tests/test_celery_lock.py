"""The locked Celery runs Airflow's Celery worker (the team stack's executor).

celery 5.7.0 dropped names the Celery provider imports, and `airflow celery worker` then died at
start. The full proof that workers take tasks is `./run stack-smoke`; this keeps the lock honest.
"""

from __future__ import annotations

import subprocess
import sys


def test_celery_worker_code_imports_with_the_locked_celery():
    code = ("import celery, airflow.providers.celery.executors.celery_executor_utils as u; "
            "print(celery.__version__, u.DatabaseBackend.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    version = done.stdout.strip().splitlines()[-1].split()[0]
    major, minor = (int(part) for part in version.split(".")[:2])
    assert (major, minor) < (5, 7), done.stdout
