"""The embedded-default rule: $WAREHOUSE_URL, else 127.0.0.1:5432, else a private cluster."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from payroll_link.warehouse import (
    WarehouseConfigError,
    localpg,
    make_engine,
    normalise_url,
    warehouse_url,
)
from payroll_link.warehouse import engine as engine_module


@pytest.mark.parametrize(("given", "expected"), [
    ("postgresql://u@h:5/db", "postgresql+psycopg2://u@h:5/db"),
    ("postgres://u:pw@h/db", "postgresql+psycopg2://u:pw@h/db"),
    ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
])
def test_normalise_url_always_means_psycopg2(given, expected):
    assert normalise_url(given) == expected


@pytest.mark.parametrize("given", ["sqlite:///x.db", "postgresql+psycopg://u@h/db", "nonsense"])
def test_normalise_url_refuses_other_databases_and_drivers(given):
    with pytest.raises(WarehouseConfigError) as caught:
        normalise_url(given)
    assert caught.value.__context__ is None  # the URL (maybe with password) is not carried


def test_environment_url_wins_without_touching_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("warehouse_url probed a server although WAREHOUSE_URL is set")

    monkeypatch.setattr(engine_module, "server_answers", no_network)
    url = warehouse_url(environ={"WAREHOUSE_URL": "postgresql://etl:secret@db.internal/dwh"})
    assert url == "postgresql+psycopg2://etl:secret@db.internal/dwh"


def test_make_engine_uses_psycopg2_and_hides_parameters():
    engine = make_engine("postgresql://u@127.0.0.1:1/db")
    assert engine.dialect.driver == "psycopg2"
    assert engine.hide_parameters is True


def test_import_does_no_io():
    code = ("import psycopg2, socket\n"
            "def boom(*a, **k): raise SystemExit('I/O at import time')\n"
            "psycopg2.connect = boom; socket.socket.connect = boom\n"
            "import payroll_link.warehouse, payroll_link.staging\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.postgres
def test_private_cluster_starts_when_no_server_answers():
    try:
        localpg.binaries()
    except WarehouseConfigError:
        pytest.skip("no PostgreSQL binaries installed")
    local = engine_module.PROJECT_ROOT / ".local"
    local.mkdir(exist_ok=True)
    # Under the project, not /tmp: as root the cluster runs as user postgres, who must reach it.
    folder = Path(tempfile.mkdtemp(prefix="pg-test-", dir=local))
    folder.chmod(0o755)
    port = _free_port()
    try:
        url = warehouse_url("koppeling_private", environ={}, server=("127.0.0.1", _free_port()),
                            private_dir=folder / "pg", private_port=port)
        assert url == f"postgresql+psycopg2://postgres@127.0.0.1:{port}/koppeling_private"
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("select current_database()")).scalar() == "koppeling_private"
        engine.dispose()
        assert warehouse_url("koppeling_private", environ={}, server=("127.0.0.1", 1),
                             private_dir=folder / "pg", private_port=port) == url  # reused
    finally:
        localpg.stop_cluster(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)
