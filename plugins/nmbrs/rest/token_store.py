"""The token store in the warehouse: sealed tokens per account, a PostgreSQL advisory lock each.

Why the warehouse: every process that calls Nmbrs (Celery workers on several hosts, the CLI,
`airflow dags test`) already reaches it, so one advisory lock serialises refreshes everywhere; a
file lock would not cross hosts, and Airflow 3 workers cannot write connections. Why sealed: the
tokens are encrypted (Fernet) with a key derived from the OAuth client secret, which lives only in
the account's Airflow connection, so the warehouse never holds a usable token in clear text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cryptography.fernet import Fernet, InvalidToken

from nmbrs.errors import NmbrsConfigError, NmbrsTransientError
from nmbrs.rest.tokens import REAUTHORIZE, StoredTokens
from nmbrs.secret import Secret

LOCK_WAIT = "60s"  # a refresh takes well under a second; waiting longer means something hangs


class WarehouseTokenStore:
    """TokenStore on `ops.nmbrs_rest_token`; `connect` returns a new psycopg2-style connection."""

    def __init__(self, connect: Callable[[], object], client_secret: Secret):
        self._connect = connect
        self._secret = client_secret if isinstance(client_secret, Secret) else Secret(
            str(client_secret or ""))
        if not self._secret.reveal():
            raise NmbrsConfigError("Nmbrs REST token store: the client secret is missing")

    def __repr__(self) -> str:
        return "WarehouseTokenStore()"

    @contextmanager
    def hold(self, account: str) -> Iterator[_Held]:
        """Lock the account (session advisory lock, freed if this process dies) and yield it."""
        conn = self._open(account)
        key = lock_key(account)
        try:
            try:
                with conn.cursor() as cur:
                    cur.execute(f"set lock_timeout = '{LOCK_WAIT}'")
                    cur.execute("select pg_advisory_lock(%s)", (key,))
            except Exception as err:  # noqa: BLE001 - the driver's error, classified here
                raise NmbrsTransientError(f"the Nmbrs token lock of {account} was not free "
                                          f"within {LOCK_WAIT} ({type(err).__name__})") from None
            try:
                yield _Held(conn, account, _fernet(self._secret, account))
            finally:
                with conn.cursor() as cur:
                    cur.execute("select pg_advisory_unlock(%s)", (key,))
        finally:
            conn.close()


    def _open(self, account: str):
        try:
            conn = self._connect()
        except Exception as err:  # noqa: BLE001 - the driver's error, classified here
            raise NmbrsTransientError(f"the Nmbrs token store of {account} is unreachable "
                                      f"({type(err).__name__})") from None
        conn.autocommit = True
        return conn


class _Held:
    def __init__(self, conn, account: str, fernet: Fernet):
        self._conn, self._account, self._fernet = conn, account, fernet

    def read(self) -> StoredTokens | None:
        with self._conn.cursor() as cur:
            cur.execute("select sealed, generation from ops.nmbrs_rest_token where account = %s",
                        (self._account,))
            row = cur.fetchone()
        if row is None:
            return None
        try:
            data = json.loads(self._fernet.decrypt(bytes(row[0])))
        except InvalidToken:
            raise NmbrsConfigError(
                f"the stored Nmbrs tokens of {self._account} cannot be unsealed (client secret "
                "changed?); " + REAUTHORIZE.format(account=self._account)) from None
        access = data.get("access_token")
        return StoredTokens(Secret(data["refresh_token"]), Secret(access) if access else None,
                            float(data.get("expires_at") or 0), int(row[1]))

    def write(self, tokens: StoredTokens) -> None:
        access = tokens.access_token.reveal() if tokens.access_token else None
        sealed = self._fernet.encrypt(json.dumps({
            "refresh_token": tokens.refresh_token.reveal(), "access_token": access,
            "expires_at": tokens.expires_at}).encode())
        with self._conn.cursor() as cur:  # autocommit: durable when execute returns
            cur.execute(
                "insert into ops.nmbrs_rest_token (account, sealed, generation) "
                "values (%s, %s, %s) on conflict (account) do update set sealed = excluded.sealed,"
                " generation = excluded.generation, updated_at = now()",
                (self._account, sealed, tokens.generation))


def warehouse_token_store(url: str, client_secret: Secret) -> WarehouseTokenStore:
    """Return the token store in the warehouse at `url` (an SQLAlchemy or libpq URL)."""
    import psycopg2  # the warehouse driver; imported here so the client part needs no driver

    if not url:
        raise NmbrsConfigError("Nmbrs REST token store: no warehouse URL")
    dsn = url.replace("postgresql+psycopg2://", "postgresql://", 1)
    return WarehouseTokenStore(lambda: psycopg2.connect(dsn), client_secret)


def lock_key(account: str) -> int:
    """Return the advisory-lock key (signed 64-bit) of an account."""
    digest = hashlib.sha256(f"nmbrs_rest_token:{account}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _fernet(secret: Secret, account: str) -> Fernet:
    key = hmac.new(secret.reveal().encode(), f"nmbrs-rest-token-store:{account}".encode(),
                   hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))
