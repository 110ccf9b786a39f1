"""Where the warehouse lives (the embedded-default rule) and the SQLAlchemy engine to reach it.

Rule (DESIGN.md §4): ``$WAREHOUSE_URL`` if set; else the PostgreSQL server on 127.0.0.1:5432 if
it accepts user ``postgres``; else a private cluster started from the installed binaries in the
project-local folder ``.local/pg`` on port 55432. Nothing here runs at import time.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from psycopg2 import errors as pg_errors
from psycopg2 import sql
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from payroll_link.warehouse import localpg
from payroll_link.warehouse.errors import WarehouseConfigError

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "salariskoppeling"
SERVER = ("127.0.0.1", 5432)
PRIVATE_PORT = 55432
PROJECT_ROOT = Path(__file__).resolve().parents[3]
PRIVATE_DIR = PROJECT_ROOT / ".local" / "pg"
DRIVER = "postgresql+psycopg2"


def warehouse_url(database: str = DEFAULT_DATABASE, *, environ: Mapping[str, str] | None = None,
                  server: tuple[str, int] = SERVER, private_dir: Path = PRIVATE_DIR,
                  private_port: int = PRIVATE_PORT) -> str:
    """Return the warehouse URL by the embedded-default rule; create `database` if missing.

    `database` is used only when ``$WAREHOUSE_URL`` is not set (that URL names its own).
    """
    env = os.environ if environ is None else environ
    if env.get("WAREHOUSE_URL"):
        return normalise_url(env["WAREHOUSE_URL"])
    host, port = server
    if not server_answers(host, port):
        log.info("no PostgreSQL on %s:%s; using the private cluster in %s", host, port,
                 private_dir)
        localpg.ensure_cluster(Path(private_dir), private_port)
        host, port = "127.0.0.1", private_port
    url = URL.create(DRIVER, username="postgres", host=host, port=port, database=database)
    create_database(url)
    return url.render_as_string(hide_password=False)


def normalise_url(url: str | URL) -> str:
    """Return `url` with the psycopg2 driver; a bare ``postgresql://`` would mean psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None  # raised below, outside the handler: the error quotes the URL (password)
    if parsed is None:
        raise WarehouseConfigError("WAREHOUSE_URL is not a database URL")
    backend = parsed.get_backend_name()
    if backend not in ("postgresql", "postgres"):
        raise WarehouseConfigError(f"WAREHOUSE_URL uses {backend!r}; the warehouse is PostgreSQL")
    if parsed.drivername not in ("postgresql", "postgres", DRIVER):
        raise WarehouseConfigError(f"WAREHOUSE_URL driver {parsed.drivername!r} is not psycopg2 "
                                   "(the loaders use psycopg2 COPY); write postgresql+psycopg2://")
    return parsed.set(drivername=DRIVER).render_as_string(hide_password=False)


def make_engine(url: str | URL | None = None, **options) -> Engine:
    """Create the warehouse engine (pre-ping; statement parameters hidden from error texts)."""
    options = {"pool_pre_ping": True, "hide_parameters": True, **options}
    return create_engine(normalise_url(url if url is not None else warehouse_url()), **options)


def server_answers(host: str, port: int, timeout: int = 2) -> bool:
    """Return True when a PostgreSQL server at host:port accepts user postgres."""
    try:
        conn = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres",
                                connect_timeout=timeout)
    except psycopg2.OperationalError:
        return False
    conn.close()
    return True


def _admin_connection(url: URL):
    """Connect to the maintenance database of the server that `url` points at (autocommit)."""
    conn = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username or "postgres",
                            password=url.password, dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    return conn


def create_database(url: str | URL) -> bool:
    """Create the database `url` names if it does not exist; return True when created."""
    url = make_url(url)
    conn = _admin_connection(url)
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (url.database,))
            if cur.fetchone():
                return False
            try:
                cur.execute(sql.SQL("create database {}").format(sql.Identifier(url.database)))
            except pg_errors.DuplicateDatabase:  # created by a concurrent process meanwhile
                return False
    finally:
        conn.close()
    log.info("created database %s on %s:%s", url.database, url.host, url.port)
    return True


def drop_database(url: str | URL) -> None:
    """Drop the database `url` names (if it exists), ending its open sessions."""
    url = make_url(url)
    conn = _admin_connection(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(url.database)))
    finally:
        conn.close()


def new_database_url(prefix: str) -> str:
    """Create an empty database `<prefix>_<random>` on the warehouse server; return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = make_url(warehouse_url(database=name)).set(database=name)
    create_database(url)
    return url.render_as_string(hide_password=False)


@contextmanager
def scratch_database(prefix: str = "koppeling_scratch"):
    """Yield the URL of a fresh, migrated database and drop it afterwards (tests, benchmarks)."""
    from payroll_link.warehouse.migrate import migrate

    url = new_database_url(prefix)
    engine = make_engine(url)
    try:
        migrate(engine)
        engine.dispose()
        yield url
    finally:
        engine.dispose()
        drop_database(url)
