"""Warehouse fixtures: one fresh, migrated PostgreSQL database per test session.

The database ``koppeling_test_<random>`` lives on the server the embedded-default rule finds
(``$WAREHOUSE_URL``'s server, else 127.0.0.1:5432, else the private cluster) and is dropped at the
end. Imported by tests/conftest.py, so every test can use them.
"""

from __future__ import annotations

import uuid

import pytest

from payroll_link.warehouse import (
    Warehouse,
    drop_database,
    make_engine,
    new_database_url,
    scratch_database,
)


@pytest.fixture(scope="session")
def warehouse_db_url():
    """URL of the session's migrated test database (psycopg2 driver), dropped at the end."""
    with scratch_database("koppeling_test") as url:
        yield url


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
    url = new_database_url("koppeling_empty")
    yield url
    drop_database(url)
