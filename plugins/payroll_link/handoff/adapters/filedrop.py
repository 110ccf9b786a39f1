"""File-drop delivery: message and manifest written into a folder a.s.r. (or a transfer agent)
collects from. SFTP is a known gap (no SSH library in the lock); a mounted share or a transfer
agent that ships the folder works with this adapter as it is.

Each file is written under a temporary dot-name, fsynced and renamed, so a reader never sees a
half-written file; the manifest (sha256 and size of the message) is renamed into place last,
so a complete manifest means a complete message. Writing the same message again is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from payroll_link.handoff.adapters import Envelope, Receipt
from payroll_link.handoff.errors import (
    DeliveryConflictError,
    DeliveryTransientError,
    HandoffConfigError,
)

MANIFEST_SUFFIX = ".manifest.json"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class FileDropAdapter:
    """Deliver by writing ``<message_id>.json`` and ``<message_id>.manifest.json``."""

    name = "file_drop"

    def __init__(self, folder: str | os.PathLike):
        if not str(folder):
            raise HandoffConfigError("file-drop delivery needs a folder (extra.path or host)")
        self.folder = Path(folder)
        self.target = str(self.folder)

    def deliver(self, envelope: Envelope) -> Receipt:
        """Write message then manifest atomically; return a receipt naming the manifest."""
        stem = _SAFE.sub("_", envelope.message_id)
        digest = hashlib.sha256(envelope.body).hexdigest()
        message_path = self.folder / f"{stem}.json"
        manifest_path = self.folder / f"{stem}{MANIFEST_SUFFIX}"
        manifest = _manifest(envelope, message_path.name, digest)
        duplicate = _same(message_path, envelope.body) and _same(manifest_path, manifest)
        if message_path.exists() and not _same(message_path, envelope.body):
            raise DeliveryConflictError(f"{message_path.name} already exists with other content",
                                        adapter=self.name, employer_id=envelope.employer_id,
                                        period=envelope.period, version=envelope.version)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not duplicate:
                _write_atomically(message_path, envelope.body)
                _write_atomically(manifest_path, manifest)
        except OSError as err:
            raise DeliveryTransientError(f"{envelope.message_id}: cannot write into "
                                         f"{self.target} ({err.strerror or type(err).__name__})",
                                         adapter=self.name, employer_id=envelope.employer_id,
                                         period=envelope.period,
                                         version=envelope.version) from None
        return Receipt(f"file:{manifest_path.name}:{digest[:16]}", duplicate,
                       {"manifest": manifest_path.name})


def _manifest(envelope: Envelope, file_name: str, digest: str) -> bytes:
    document = {"message_file": file_name, "sha256": digest, "bytes": len(envelope.body),
                "idempotency_key": envelope.idempotency_key, "message_id": envelope.message_id,
                "period": envelope.period, "version": envelope.version,
                "content_hash": envelope.content_hash, "schema": envelope.schema_name}
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _same(path: Path, body: bytes) -> bool:
    try:
        return path.read_bytes() == body
    except OSError:
        return False


def _write_atomically(path: Path, body: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
