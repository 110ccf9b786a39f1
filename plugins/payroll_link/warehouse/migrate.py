"""Forward-only SQL migrations from ``sql/migrations/V<NNNN>__<name>.sql``, one transaction each.

Every transaction first takes the same transaction-scoped advisory lock, so concurrent runners
queue up and a later one finds the work done. ``ops.schema_migrations`` records version, name,
sha256 and applied_at; a file whose content changed after it was applied stops the run.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from payroll_link.warehouse.errors import MigrationError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "sql" / "migrations"
LOCK_KEY = 7_420_260_001  # pg_advisory_xact_lock key of this migrator (any constant bigint)
_FILE_NAME = re.compile(r"^V(\d{4})__([a-z0-9_]+)\.sql$")

_BOOTSTRAP = """
create schema if not exists ops;
create table if not exists ops.schema_migrations (
    version     integer     primary key,
    name        text        not null,
    sha256      text        not null,
    applied_at  timestamptz not null default now()
);
"""


@dataclass(frozen=True)
class Migration:
    """One migration file."""

    version: int
    name: str
    path: Path
    sha256: str

    @property
    def file_name(self) -> str:
        """Return the file name, e.g. ``V0001__warehouse_base.sql``."""
        return self.path.name

    def sql(self) -> str:
        """Return the file's SQL text."""
        return self.path.read_text(encoding="utf-8")


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Return the migrations in `directory` by version; raise MigrationError on a bad name."""
    if not directory.is_dir():
        raise MigrationError(f"migrations folder {directory} does not exist")
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name} in {directory}: name must be V<NNNN>__<name>.sql "
                                 "(lower-case name)")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"{path.name} and {found[version].file_name} share version "
                                 f"{version}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found[version] = Migration(version, match.group(2), path, digest)
    return [found[v] for v in sorted(found)]


def migrate(engine: Engine, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the pending migrations; return the file names applied (empty when up to date)."""
    migrations = discover(directory)
    with engine.begin() as conn:
        _lock(conn)
        with conn.connection.cursor() as cursor:
            cursor.execute(_BOOTSTRAP)
        _verify(_applied(conn), migrations)
    applied = []
    for migration in migrations:
        with engine.begin() as conn:
            _lock(conn)
            done = _applied(conn)
            _verify(done, migrations)
            if migration.version in done:
                continue
            _apply(conn, migration)
        applied.append(migration.file_name)
        log.info("applied migration %s", migration.file_name)
    return applied


def pending(engine: Engine, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Return the file names of migrations not yet applied (all of them on an empty database)."""
    migrations = discover(directory)
    with engine.connect() as conn:
        exists = conn.execute(text("select to_regclass('ops.schema_migrations')")).scalar()
        done = _applied(conn) if exists else {}
    _verify(done, migrations)
    return [m.file_name for m in migrations if m.version not in done]


def require_current(engine: Engine, directory: Path = MIGRATIONS_DIR) -> None:
    """Raise MigrationError naming the pending migrations, if any (a deploy step was missed)."""
    missing = pending(engine, directory)
    if missing:
        listed = ", ".join(missing)
        raise MigrationError(f"the warehouse lacks {len(missing)} migration(s) ({listed}); run "
                             "`koppeling migrate` (a deploy step: airflow-init, the demo)")


def _lock(conn: Connection) -> None:
    conn.execute(text("select pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _applied(conn: Connection) -> dict[int, tuple[str, str]]:
    rows = conn.execute(text("select version, name, sha256 from ops.schema_migrations"))
    return {version: (name, digest) for version, name, digest in rows}


def _verify(applied: dict[int, tuple[str, str]], migrations: list[Migration]) -> None:
    """Refuse to go on when an applied migration's file is gone, renamed or changed."""
    files = {m.version: m for m in migrations}
    for version, (name, digest) in sorted(applied.items()):
        migration = files.get(version)
        expected = f"V{version:04d}__{name}.sql"
        if migration is None or migration.name != name:
            raise MigrationError(f"{expected} was applied but is missing from the migrations "
                                 "folder (or renamed); migrations are forward-only")
        if migration.sha256 != digest:
            raise MigrationError(f"{migration.file_name} changed after it was applied (sha256 "
                                 f"{digest[:12]}… recorded, {migration.sha256[:12]}… on disk); "
                                 "add a new migration instead of editing an applied one")


def _apply(conn: Connection, migration: Migration) -> None:
    try:
        # The raw cursor runs the whole multi-statement file without parameter interpolation.
        with conn.connection.cursor() as cursor:
            cursor.execute(migration.sql())
    except Exception as err:
        raise MigrationError(f"{migration.file_name} failed: {type(err).__name__}: "
                             f"{str(err).strip().splitlines()[0]}") from err
    conn.execute(text("insert into ops.schema_migrations (version, name, sha256) "
                      "values (:v, :n, :s)"),
                 {"v": migration.version, "n": migration.name, "s": migration.sha256})
