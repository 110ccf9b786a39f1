"""The receiver's file-drop side: scan a folder, verify manifests, answer with receipt files.

For every ``<stem>.manifest.json`` (written last by the sender) the message file it names is
checked for size and sha256, then like a POSTed message (schema, content hash). The outcome is
written next to it as ``<stem>.receipt.json`` and returned. A manifest whose receipt exists, or
whose Idempotency-Key was seen before, gets the earlier receipt back (stored once).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from pathlib import Path

from simulators.asr_receiver.checks import Refusal, check_message, summary

MANIFEST_SUFFIX = ".manifest.json"
RECEIPT_SUFFIX = ".receipt.json"


def scan_drop_folder(folder: str | os.PathLike) -> list[dict]:
    """Process every manifest in `folder` (sorted by name); return one receipt per manifest."""
    folder = Path(folder)
    seen = _earlier_receipts(folder)
    receipts = []
    for manifest_path in sorted(folder.glob(f"*{MANIFEST_SUFFIX}")):
        stem = manifest_path.name[: -len(MANIFEST_SUFFIX)]
        receipt_path = folder / f"{stem}{RECEIPT_SUFFIX}"
        if receipt_path.exists():
            receipts.append({**json.loads(receipt_path.read_text()), "duplicate": True})
            continue
        receipt = _process(folder, manifest_path, seen)
        _write(receipt_path, receipt)
        if receipt["status"] == "accepted" and not receipt["duplicate"]:
            seen[receipt["idempotency_key"]] = receipt
        receipts.append(receipt)
    return receipts


def _earlier_receipts(folder: Path) -> dict[str, dict]:
    seen = {}
    for path in folder.glob(f"*{RECEIPT_SUFFIX}"):
        receipt = json.loads(path.read_text())
        if receipt.get("status") == "accepted":
            seen.setdefault(receipt["idempotency_key"], receipt)
    return seen


def _process(folder: Path, manifest_path: Path, seen: dict[str, dict]) -> dict:
    now = dt.datetime.now(dt.UTC).isoformat()
    try:
        manifest = json.loads(manifest_path.read_text())
        key = str(manifest["idempotency_key"])
        body = _verified_body(folder, manifest)
        if key in seen:
            return {**seen[key], "duplicate": True, "manifest": manifest_path.name}
        about = summary(check_message(body))
    except Refusal as refusal:
        return {"status": "rejected", "manifest": manifest_path.name, "received_at": now,
                "duplicate": False, **refusal.body()}
    except (ValueError, KeyError, TypeError):
        return {"status": "rejected", "manifest": manifest_path.name, "received_at": now,
                "duplicate": False, "error": "bad_manifest",
                "reason": "the manifest is not JSON with message_file, sha256, bytes, "
                          "idempotency_key", "problems": []}
    return {"status": "accepted", "receipt_id": f"ASR-{uuid.uuid4().hex[:20].upper()}",
            "idempotency_key": key, "manifest": manifest_path.name, "received_at": now,
            "duplicate": False, **about}


def _verified_body(folder: Path, manifest: dict) -> bytes:
    name = Path(str(manifest["message_file"])).name  # never leave the folder
    try:
        body = (folder / name).read_bytes()
    except OSError:
        raise Refusal("message_missing", f"{name} named by the manifest is not there") from None
    if len(body) != int(manifest["bytes"]):
        raise Refusal("size_mismatch", f"{name} has {len(body)} bytes, the manifest says "
                      f"{manifest['bytes']}")
    if hashlib.sha256(body).hexdigest() != manifest["sha256"]:
        raise Refusal("sha256_mismatch", f"{name} does not match the manifest's sha256")
    return body


def _write(path: Path, receipt: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(receipt, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
