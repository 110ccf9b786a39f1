"""Warehouse fixtures: one fresh, migrated PostgreSQL database per test session.

The database ``koppeling_test_<random>`` lives on the server the embedded-default rule finds
(``$WAREHOUSE_URL``'s server, else 127.0.0.1:5432, else the private cluster) and is dropped at the
end. Imported by tests/conftest.py, so every test can use them.
"""

from __future__ import annotations

import threading
import uuid

import pytest

from payroll_link.warehouse import (
    Warehouse,
    drop_database,
    make_engine,
    migrate,
    new_database_url,
)


def fresh_database_url(prefix: str = "koppeling_test") -> str:
    """Create an empty database on the warehouse server; return its psycopg2 URL."""
    return new_database_url(prefix)


class _SharedDatabase:
    """The session database, created on first use and dropped when its last user lets go."""

    def __init__(self):
        self._lock = threading.Lock()
        self._users = 0
        self.url: str | None = None

    def acquire(self) -> str:
        with self._lock:
            if self.url is None:
                url = fresh_database_url()
                engine = make_engine(url)
                try:
                    migrate(engine)
                finally:
                    engine.dispose()
                self.url = url
            self._users += 1
            return self.url

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self.url is not None:
                drop_database(self.url)
                self.url = None


_SHARED = _SharedDatabase()


@pytest.fixture(scope="session")
def warehouse_db_url():
    """URL of the session's migrated test database (psycopg2 driver)."""
    url = _SHARED.acquire()
    yield url
    _SHARED.release()


@pytest.fixture(scope="session")
def warehouse_engine(warehouse_db_url):
    """SQLAlchemy engine on the session's test database."""
    engine = make_engine(warehouse_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def warehouse(warehouse_engine) -> Warehouse:
    """A Warehouse on the session database (tests isolate themselves by employer id)."""
    return Warehouse(warehouse_engine)


@pytest.fixture
def employer_id() -> str:
    """A unique employer id, so tests sharing the session database never see each other."""
    return f"test_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def empty_database_url():
    """URL of an empty, unmigrated database, dropped after the test."""
    url = fresh_database_url("koppeling_empty")
    yield url
    drop_database(url)
