"""Access tokens for a scheduler: refreshes serialised per account, rotated tokens saved first.

Nmbrs rotates refresh tokens, so two processes refreshing with the same stored token would leave
one of them holding a dead token (and Nmbrs may revoke the whole chain). Every refresh therefore
happens while holding the account's lock in the token store, after re-reading the store (another
process may have refreshed a moment ago and left a good access token), and the new tokens are
written before the access token is handed out.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from nmbrs.errors import NmbrsConfigError
from nmbrs.rest.oauth import Grant, OAuthSettings, RefreshRefusedError, refresh_grant
from nmbrs.secret import Secret

log = logging.getLogger(__name__)

REAUTHORIZE = "re-consent with `koppeling authorize --conn-id {account}`"


@dataclass(frozen=True)
class StoredTokens:
    """What the store keeps per account; tokens never show in repr."""

    refresh_token: Secret = field(repr=False)
    access_token: Secret | None = field(default=None, repr=False)
    expires_at: float = 0.0
    generation: int = 0

    def usable(self, now: float, skew: float, stale: str | None = None) -> bool:
        """Return whether the access token is valid for `skew` more seconds and not refused."""
        token = self.access_token.reveal() if self.access_token else None
        return bool(token) and token != stale and self.expires_at - skew > now

    def after(self, grant: Grant) -> StoredTokens:
        """Return the tokens after a refresh (the refresh token kept if none was issued)."""
        return StoredTokens(grant.refresh_token or self.refresh_token, grant.access_token,
                            grant.expires_at, self.generation + 1)


class HeldTokens(Protocol):
    """The store's slot of one account while its lock is held."""

    def read(self) -> StoredTokens | None: ...
    def write(self, tokens: StoredTokens) -> None: ...


class TokenStore(Protocol):
    """Keeps each account's tokens; `hold` locks the account across processes and hosts."""

    def hold(self, account: str) -> AbstractContextManager[HeldTokens]: ...


class RotatingTokens:
    """A TokenSource for the REST client: cached access token, serialised rotating refreshes."""

    def __init__(self, oauth: OAuthSettings, store: TokenStore, account: str, *,
                 skew: float = 120.0, clock=time.time, session=None):
        self.oauth, self.store, self.account = oauth, store, account
        self.skew, self._clock, self._session = skew, clock, session
        self._cached: StoredTokens | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RotatingTokens(account={self.account!r})"

    def access_token(self, *, stale: str | None = None) -> str:
        """Return a valid access token; `stale` is one the API refused and must not come back."""
        with self._lock:
            cached = self._cached
            if cached is None or not cached.usable(self._clock(), self.skew, stale):
                cached = self._cached = self._renew(stale)
            return cached.access_token.reveal()

    def _renew(self, stale: str | None) -> StoredTokens:
        with self.store.hold(self.account) as held:
            stored = held.read()  # re-read under the lock: another process may have refreshed
            if stored is None:
                raise NmbrsConfigError(f"no Nmbrs consent stored for {self.account}; "
                                       + REAUTHORIZE.format(account=self.account))
            if stored.usable(self._clock(), self.skew, stale):
                return stored
            try:
                return self._refresh(held, stored)
            except RefreshRefusedError:
                return self._recover(held, stored)

    def _refresh(self, held: HeldTokens, stored: StoredTokens) -> StoredTokens:
        fresh = stored.after(refresh_grant(self.oauth, stored.refresh_token,
                                           session=self._session))
        held.write(fresh)  # persisted before use: a crash after this loses nothing
        log.info("Nmbrs REST tokens of %s refreshed (generation %d)", self.account,
                 fresh.generation)
        return fresh

    def _recover(self, held: HeldTokens, used: StoredTokens) -> StoredTokens:
        """A refused refresh token: take the store's newer one if someone rotated it meanwhile."""
        current = held.read()
        if current is None or current.refresh_token.reveal() == used.refresh_token.reveal():
            raise RefreshRefusedError(
                f"Nmbrs refused the stored refresh token of {self.account} (rotated or revoked "
                "elsewhere); " + REAUTHORIZE.format(account=self.account),
                operation="refresh_token") from None
        log.warning("Nmbrs REST refresh token of %s was outdated; using the store's newer one",
                    self.account)
        if current.usable(self._clock(), self.skew):
            return current
        return self._refresh(held, current)
