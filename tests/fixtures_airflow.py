"""Airflow metadata fixture: the test process's own Airflow database, migrated once a session.

tests/conftest.py points AIRFLOW_HOME at a throw-away folder; commands that write Airflow state
in-process (pause, pools) need its schema.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrate the SQLite metadata database of this process's AIRFLOW_HOME; return its path."""
    home = Path(os.environ["AIRFLOW_HOME"])
    subprocess.run(["airflow", "db", "migrate"], env=dict(os.environ), check=True,
                   capture_output=True)
    return home / "airflow.db"


def airflow_rows(db: Path, query: str, *params) -> list[tuple]:
    """Read the metadata database directly (not through the code under test)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(query, params).fetchall()
