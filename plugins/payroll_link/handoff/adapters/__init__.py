"""Delivery adapters: how a message reaches a.s.r., chosen per employer by an Airflow connection.

``adapter_from(conn_type, host, login, password, extra)`` builds one from a connection's fields
(the lead's wiring looks the connection up by ``Employer.delivery_conn_id``):

================  ==========================================================================
conn_type         adapter
================  ==========================================================================
``asr_https``,    ``HttpsAdapter``: POST to ``host`` (+ ``extra.endpoint``), bearer token =
``https``,        the connection's password. extra: endpoint, connect_timeout (5 s),
``http``          read_timeout (60 s), attempts (4), backoff_s (1.0), verify (true),
                  allow_insecure_http (false; plain http only to a loopback host otherwise)
``asr_file_drop``,``FileDropAdapter``: writes message + manifest into ``extra.path`` (or host)
``fs``, ``file``
``sftp``          not implemented (no paramiko in the lock): a known gap, refused clearly
================  ==========================================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from payroll_link.handoff.errors import HandoffConfigError

HTTPS_TYPES = ("asr_https", "https", "http")
FILE_TYPES = ("asr_file_drop", "fs", "file")


@dataclass(frozen=True)
class Envelope:
    """A message ready to leave: its bytes and the ids the channel needs (no personal data)."""

    body: bytes
    idempotency_key: str
    message_id: str
    employer_id: str
    period: str
    version: int
    content_hash: str
    schema_name: str


@dataclass(frozen=True)
class Receipt:
    """What the channel confirms: the receipt id, and whether it was a duplicate of a delivery."""

    receipt_id: str
    duplicate: bool = False
    detail: dict = field(default_factory=dict)


class DeliveryAdapter(Protocol):
    """A channel to a.s.r.: ``deliver`` is idempotent per ``Envelope.idempotency_key``."""

    name: str
    target: str

    def deliver(self, envelope: Envelope) -> Receipt:
        """Deliver the envelope at least once; return the receipt or raise a DeliveryError."""


def adapter_from(conn_type: str, host: str | None, login: str | None, password: str | None,
                 extra: Mapping[str, Any] | str | None) -> DeliveryAdapter:
    """Build the adapter of a delivery connection; HandoffConfigError names what is missing."""
    kind = (conn_type or "").lower()
    options = _extra(extra)
    if kind in HTTPS_TYPES:
        from payroll_link.handoff.adapters.https import HttpsAdapter

        return HttpsAdapter.from_connection(host, password, options)
    if kind in FILE_TYPES:
        from payroll_link.handoff.adapters.filedrop import FileDropAdapter

        return FileDropAdapter(options.get("path") or host or "")
    if kind == "sftp":
        raise HandoffConfigError("delivery connection type 'sftp' is not supported yet (no SSH "
                                 "library in the lock): use asr_https or asr_file_drop")
    raise HandoffConfigError(f"delivery connection type {conn_type!r} is unknown; expected one "
                             f"of {HTTPS_TYPES + FILE_TYPES}")


def _extra(extra: Mapping[str, Any] | str | None) -> dict:
    if not extra:
        return {}
    if isinstance(extra, Mapping):
        return dict(extra)
    try:
        value = json.loads(extra)
    except ValueError:
        raise HandoffConfigError("delivery connection extra is not valid JSON") from None
    if not isinstance(value, dict):
        raise HandoffConfigError("delivery connection extra must be a JSON object")
    return value
