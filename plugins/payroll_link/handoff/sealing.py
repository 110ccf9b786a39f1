"""Encryption at rest of the stored pension messages (``ops.delivery_message.body``).

A message holds BSNs, addresses and salaries, so its bytes are stored as a Fernet token
(AES-128-CBC + HMAC-SHA256, from ``cryptography``) and only the handoff opens them again (to
resend a failed version, or to read the stands a.s.r. last received). Hashes, ids, counts and
receipts stay readable in ``ops.delivery``.

Keys come from the Airflow connection ``koppeling_message_key``: its password holds one or more
url-safe base64 Fernet keys separated by commas, newest first. The first key seals; every key
opens (MultiFernet). Rotation: put a new key in front, keep the old ones behind it until
``koppeling retention --reseal --yes`` has sealed every stored message with the new key, then
drop the old ones (docs/personal-data.md). Outside a task the environment form of the same
connection (``AIRFLOW_CONN_KOPPELING_MESSAGE_KEY``, JSON or URI) is read; inside Airflow the
runtime installs a lookup that also sees the metadata database and secrets backends.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from payroll_link.handoff.errors import HandoffConfigError

KEY_CONN_ID = "koppeling_message_key"
SEALED, PLAIN = "fernet", "plain"  # ops.delivery_message.format (V0400)
_lookup: Callable[[str], str | None] | None = None


class MessageKeyError(HandoffConfigError):
    """No usable message key, or a stored message no configured key opens: fail now."""


def use_lookup(lookup: Callable[[str], str | None] | None) -> None:
    """Install how the key connection's password is found (the Airflow runtime does this)."""
    global _lookup
    _lookup = lookup


def env_password(conn_id: str = KEY_CONN_ID) -> str | None:
    """Return the password of ``AIRFLOW_CONN_<ID>`` (JSON or URI form), or None."""
    value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if not value:
        return None
    if value.lstrip().startswith("{"):
        return json.loads(value).get("password")
    password = urlsplit(value).password
    return unquote(password) if password else None


def keyring() -> MultiFernet:
    """Return the configured keys (newest first); raise MessageKeyError when there are none."""
    password = (_lookup or env_password)(KEY_CONN_ID)
    keys = [part.strip() for part in (password or "").split(",") if part.strip()]
    if not keys:
        raise MessageKeyError(f"no message key: define the Airflow connection {KEY_CONN_ID} "
                              "with a Fernet key as its password (docs/personal-data.md)")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise MessageKeyError(f"connection {KEY_CONN_ID}: a key is not a url-safe base64 "
                              "32-byte Fernet key") from None


def seal(body: bytes, keys: MultiFernet | None = None) -> bytes:
    """Return `body` encrypted with the newest key."""
    return (keys or keyring()).encrypt(body)


def unseal(stored: bytes, fmt: str, keys: MultiFernet | None = None, *,
           what: str = "a stored message") -> bytes:
    """Return the message bytes of a stored body in format `fmt` ('fernet' or 'plain')."""
    if fmt == PLAIN:
        return stored
    try:
        return (keys or keyring()).decrypt(stored)
    except InvalidToken:
        raise MessageKeyError(f"{what}: none of the keys of {KEY_CONN_ID} opens it (was an old "
                              "key dropped before resealing?)") from None


def reseal(stored: bytes, fmt: str, keys: MultiFernet) -> bytes:
    """Return the body sealed with the newest key (plain bodies are sealed for the first time)."""
    return keys.encrypt(stored) if fmt == PLAIN else keys.rotate(stored)
