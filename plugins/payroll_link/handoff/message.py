"""The stands message: header, employer block, stands, mutations, summary; hash and bytes.

Deterministic: the same stands and mutations give the same bytes (no clock in the message; the
ledger keeps when it was sent). ``content_hash`` covers what a.s.r. is told about the period
(employer, product, field set, stands, mutations), not the delivery facts around it (message id,
version, extraction id), so an unchanged re-extraction hashes the same and is not resent.
"""

from __future__ import annotations

import hashlib
import json

from payroll_link.handoff.mutations import count_by_kind
from payroll_link.handoff.schema import SCHEMA_NAME
from payroll_link.handoff.values import PERIOD_TYPE

_VOLATILE = ("content_hash", "extraction_id")


def canonical(value) -> bytes:
    """Return canonical JSON bytes: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def employer_block(employer, period, extraction_id: str) -> dict:
    """Return the employer block (content_hash is filled in by ``assemble``)."""
    return {
        "asr_reference": employer.asr_reference,
        "company_name": employer.company_name,  # literally as spelled in Nmbrs
        "nmbrs_company_id": employer.nmbrs_company_id,
        "nmbrs_debtor_id": employer.nmbrs_debtor_id,
        "frequency": period.frequency,
        "period": {"label": period.label, "year": period.year, "number": period.number,
                   "type": PERIOD_TYPE[period.frequency], "start": period.start.isoformat(),
                   "end": period.end.isoformat()},
        "extraction_id": str(extraction_id),
        "content_hash": None,
    }


def content_hash(message: dict) -> str:
    """Return ``sha256:<hex>`` of the message's content (see the schema's description)."""
    employer = {k: v for k, v in message["employer"].items() if k not in _VOLATILE}
    content = {"employer": employer, "product": message["message"]["product"],
               "field_set": message["message"]["field_set"], "stands": message["stands"],
               "mutations": message["mutations"]}
    return "sha256:" + hashlib.sha256(canonical(content)).hexdigest()


def message_id(employer, period, version: int) -> str:
    """Return the message id: ``<asr_reference>.<period label>.v<version>``."""
    return f"{employer.asr_reference}.{period.label}.v{version}"


def idempotency_key(employer_id: str, period_label: str, version: int, digest: str) -> str:
    """Return the Idempotency-Key: employer, period, version and 32 hex of the content hash."""
    return f"{employer_id}.{period_label}.v{version}.{digest.removeprefix('sha256:')[:32]}"


def assemble(employer, period, extraction_id: str, settings, stands: list[dict],
             mutations: list[dict], version: int = 1,
             replaces_version: int | None = None, history: bool = False) -> dict:
    """Return the whole message with its content hash filled in.

    ``history`` marks a period before the employer's first exchange date sent on request
    (registry ``deliver_history``); a.s.r. keeps it as history, not as the exchange itself.
    """
    message = {
        "schema": SCHEMA_NAME,
        "message": {
            "message_id": message_id(employer, period, version),
            "version": version,
            "replaces_version": replaces_version,
            "kind": "correction" if replaces_version is not None else "stands",
            "product": employer.product,
            "field_set": settings.field_set_name,
            "history": history,
        },
        "employer": employer_block(employer, period, extraction_id),
        "stands": stands,
        "mutations": mutations,
        "summary": {"stands": len(stands), "mutations": count_by_kind(mutations)},
    }
    message["employer"]["content_hash"] = content_hash(message)
    return message


def with_version(message: dict, employer, period, version: int,
                 replaces_version: int | None) -> dict:
    """Return a copy of the message as another version (content and hash unchanged)."""
    header = {**message["message"], "message_id": message_id(employer, period, version),
              "version": version, "replaces_version": replaces_version,
              "kind": "correction" if replaces_version is not None else "stands"}
    return {**message, "message": header}


def encode(message: dict) -> bytes:
    """Return the bytes that go on the wire: UTF-8 JSON, two-space indent, trailing newline."""
    return (json.dumps(message, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()
