"""Migrations: idempotent, safe when run concurrently, refusing changed files."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import text

from payroll_link.staging import ENTITIES
from payroll_link.warehouse import LINEAGE, MigrationError, discover, make_engine, migrate
from payroll_link.warehouse.migrate import MIGRATIONS_DIR

pytestmark = pytest.mark.postgres

_KIND_TYPES = {"int": "integer", "text": "text", "num": "numeric", "date": "date",
               "ts": "timestamp without time zone", "bool": "boolean"}


@pytest.fixture
def empty_engine(empty_database_url):
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def _write(folder, name, body):
    (folder / name).write_text(body, encoding="utf-8")


def test_rerun_applies_nothing_and_records_checksums(warehouse_engine):
    assert migrate(warehouse_engine) == []
    with warehouse_engine.connect() as conn:
        rows = conn.execute(text("select version, name, sha256, applied_at "
                                 "from ops.schema_migrations order by version")).all()
    files = discover()
    assert [(r.version, r.name) for r in rows] == [(m.version, m.name) for m in files]
    for row, migration in zip(rows, files, strict=True):
        assert row.sha256 == hashlib.sha256(migration.path.read_bytes()).hexdigest()
        assert row.applied_at is not None


def test_two_concurrent_runners_apply_each_file_once(empty_engine):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        barrier.wait()
        try:
            results.append(migrate(empty_engine))
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results[0] + results[1]) == [m.file_name for m in discover(MIGRATIONS_DIR)]
    with empty_engine.connect() as conn:
        assert conn.execute(text("select count(*) from ops.schema_migrations")).scalar() == len(
            discover())


def test_changed_applied_file_is_refused_by_name(empty_engine, tmp_path):
    _write(tmp_path, "V0001__first.sql", "create table public.t1 (id int);")
    _write(tmp_path, "V0002__second.sql", "create table public.t2 (id int);")
    assert migrate(empty_engine, tmp_path) == ["V0001__first.sql", "V0002__second.sql"]
    _write(tmp_path, "V0001__first.sql", "create table public.t1 (id bigint);")
    _write(tmp_path, "V0003__third.sql", "create table public.t3 (id int);")
    with pytest.raises(MigrationError, match=r"V0001__first\.sql changed after it was applied"):
        migrate(empty_engine, tmp_path)
    with empty_engine.connect() as conn:  # nothing pending was applied either
        assert conn.execute(text("select to_regclass('public.t3')")).scalar() is None


def test_removed_applied_file_is_refused(empty_engine, tmp_path):
    _write(tmp_path, "V0001__first.sql", "select 1;")
    migrate(empty_engine, tmp_path)
    (tmp_path / "V0001__first.sql").unlink()
    _write(tmp_path, "V0002__second.sql", "select 2;")
    with pytest.raises(MigrationError, match=r"V0001__first\.sql was applied but is missing"):
        migrate(empty_engine, tmp_path)


def test_failing_file_is_rolled_back_and_named(empty_engine, tmp_path):
    _write(tmp_path, "V0001__good.sql", "create table public.ok (id int);")
    _write(tmp_path, "V0002__bad.sql", "create table public.half (id int);\nselect from nowhere;")
    with pytest.raises(MigrationError, match=r"V0002__bad\.sql failed"):
        migrate(empty_engine, tmp_path)
    with empty_engine.connect() as conn:
        assert conn.execute(text("select version from ops.schema_migrations")).scalars().all() \
            == [1]
        assert conn.execute(text("select to_regclass('public.half')")).scalar() is None


def test_badly_named_file_is_refused(tmp_path):
    _write(tmp_path, "0001_first.sql", "select 1;")
    with pytest.raises(MigrationError, match=r"0001_first\.sql .* V<NNNN>__<name>\.sql"):
        discover(tmp_path)


def test_staging_tables_match_the_entities(warehouse_engine):
    query = text("select column_name, data_type from information_schema.columns "
                 "where table_schema = :s and table_name = :t order by ordinal_position")
    with warehouse_engine.connect() as conn:
        for name, spec in ENTITIES.items():
            table = conn.execute(query, {"s": "staging", "t": name}).all()
            assert tuple(c for c, _ in table) == LINEAGE + spec.columns, name
            types = dict(table)
            for column in spec.fields:
                assert types[column.name] == _KIND_TYPES[column.kind], (name, column.name)
            view = conn.execute(query, {"s": "published", "t": name}).all()
            assert view == table, name
            indexes = conn.execute(text("select indexdef from pg_indexes where schemaname = "
                                        "'staging' and tablename = :t"), {"t": name}).scalars()
            assert any("(_extraction_id)" in d for d in indexes), name
