"""A private PostgreSQL cluster from the installed binaries, for machines without a server.

Debian's PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
system user and every binary runs through ``runuser -u postgres``. Unix sockets are switched off:
the cluster answers on 127.0.0.1 only.
"""

from __future__ import annotations

import fcntl
import glob
import logging
import os
import pwd
import subprocess
import time
from pathlib import Path

import psycopg2

from payroll_link.warehouse.errors import WarehouseConfigError

log = logging.getLogger(__name__)

BINARY_GLOB = "/usr/lib/postgresql/*/bin"


def binaries() -> Path:
    """Return the bin folder of the newest installed PostgreSQL (Debian layout)."""
    found = [Path(p) for p in glob.glob(BINARY_GLOB) if (Path(p) / "initdb").exists()]
    if not found:
        raise WarehouseConfigError(f"no PostgreSQL server and no binaries in {BINARY_GLOB}; "
                                   "set WAREHOUSE_URL or install postgresql")
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def _answers(port: int) -> bool:
    try:
        psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                         connect_timeout=2).close()
    except psycopg2.OperationalError:
        return False
    return True


def _run(args: list[str], folder: Path) -> None:
    """Run a PostgreSQL binary, as user postgres when we are root."""
    binary = Path(args[0]).name
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise WarehouseConfigError(f"private cluster in {folder}: {binary} failed "
                                   f"(exit {result.returncode}): {tail}")


def _own(folder: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)


def ensure_cluster(folder: Path, port: int) -> None:
    """Start (initialising on first use) the private cluster in `folder` on 127.0.0.1:`port`."""
    if _answers(port):
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one starter at a time; the others find it running
        if _answers(port):
            return
        _own(folder)
        bin_dir, data = binaries(), folder / "data"
        if not (data / "PG_VERSION").exists():
            log.info("initialising a private PostgreSQL cluster in %s", data)
            _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8"], folder)
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
              "-o", options, "-w", "-t", "60", "start"], folder)
        _wait(port, folder)
    log.info("private PostgreSQL cluster up on 127.0.0.1:%s (%s)", port, folder)


def _wait(port: int, folder: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(port):
        if time.monotonic() > deadline:
            raise WarehouseConfigError(f"private cluster in {folder} does not answer on port "
                                       f"{port}; see {folder / 'server.log'}")
        time.sleep(0.2)


def stop_cluster(folder: Path) -> None:
    """Stop the private cluster in `folder` (fast shutdown); no-op when it is not running."""
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        _run([str(binaries() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], folder)
