"""The identity server: authorization code with PKCE (S256), token endpoint, rotating refresh
tokens.

Each refresh invalidates the refresh token it used and issues a new one. Presenting a rotated
(already used) refresh token again is refused with ``invalid_grant``; with the knob
``revoke_family_on_reuse`` its successors die too (the strict reading of reuse detection).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from simulators.nmbrs_rest_sim.scopes import allowed_scopes

CODE_TTL_S = 300.0


class OAuthError(Exception):
    """An RFC 6749 error answer: {"error": …, "error_description": …}."""

    def __init__(self, error: str, description: str, status: int = 400):
        self.error, self.description, self.status = error, description, status
        super().__init__(f"{error}: {description}")

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class RestClient:
    """A registered API client: its credentials and the scopes it may ask for."""

    client_id: str
    client_secret: str
    scopes: frozenset[str] | None = None  # None = every scope


@dataclass
class Grant:
    """What a token stands for: an account (the consenting login), a client and scopes."""

    username: str
    client_id: str
    scopes: frozenset[str]
    family: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass
class _Code:
    grant: Grant
    redirect_uri: str
    challenge: str
    expires: float


def s256(verifier: str) -> str:
    """Return the PKCE S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def is_loopback(uri: str) -> bool:
    """Tell whether a redirect URI is an http loopback one (any port, RFC 8252)."""
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


class IdentityServer:
    """Codes, access tokens and refresh tokens in memory, thread-safe."""

    def __init__(self, world, clients: list[RestClient], knobs_of):
        self.world = world
        self.clients = {c.client_id: c for c in clients}
        self._knobs_of = knobs_of  # callable: the current knobs (they may be replaced)
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, tuple[Grant, float]] = {}
        self._refresh: dict[str, Grant] = {}
        self._rotated: dict[str, Grant] = {}  # used refresh token -> its grant (for reuse)
        self._revoked_families: set[str] = set()

    # --- authorize --------------------------------------------------------------------------
    def authorize(self, query: dict) -> str:
        """Consent as the login named by login_hint; return the code (the caller redirects)."""
        client = self.clients.get(query.get("client_id", ""))
        if client is None:
            raise OAuthError("invalid_client", "unknown client_id", 401)
        redirect = query.get("redirect_uri", "")
        if not is_loopback(redirect):
            raise OAuthError("invalid_request", "redirect_uri must be a loopback http URI")
        if query.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "only response_type=code")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise OAuthError("invalid_request", "PKCE with code_challenge_method=S256 required")
        account = self.world.config.account(query.get("login_hint", ""))
        if account is None:
            raise OAuthError("access_denied", "unknown login (login_hint)")
        asked = frozenset(query.get("scope", "").split())
        granted = asked & allowed_scopes(account) & (client.scopes or asked)
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Code(Grant(account.username, client.client_id, granted),
                                      redirect, query["code_challenge"],
                                      time.monotonic() + CODE_TTL_S)
        return code

    # --- token ------------------------------------------------------------------------------
    def token(self, form: dict, basic: tuple[str, str] | None) -> dict:
        """Answer the token endpoint for authorization_code and refresh_token grants."""
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, secret):
            raise OAuthError("invalid_client", "client authentication failed", 401)
        kind = form.get("grant_type")
        if kind == "authorization_code":
            return self._from_code(client, form)
        if kind == "refresh_token":
            return self._from_refresh(client, form.get("refresh_token", ""))
        raise OAuthError("unsupported_grant_type", "authorization_code or refresh_token")

    def _from_code(self, client: RestClient, form: dict) -> dict:
        with self._lock:
            found = self._codes.pop(form.get("code", ""), None)  # single use
        if found is None or found.expires < time.monotonic():
            raise OAuthError("invalid_grant", "authorization code unknown, used or expired")
        if found.grant.client_id != client.client_id or found.redirect_uri != form.get(
                "redirect_uri"):
            raise OAuthError("invalid_grant", "code was issued to another client or redirect_uri")
        verifier = form.get("code_verifier", "")
        if not verifier or not secrets.compare_digest(s256(verifier), found.challenge):
            raise OAuthError("invalid_grant", "PKCE verification failed")
        return self._issue(found.grant)

    def _from_refresh(self, client: RestClient, token: str) -> dict:
        with self._lock:
            grant = self._refresh.pop(token, None)
            if grant is None:
                reused = self._rotated.get(token)
                if reused is not None and self._knobs_of().revoke_family_on_reuse:
                    self._revoked_families.add(reused.family)
                detail = "refresh token was already used" if reused else "refresh token unknown"
                raise OAuthError("invalid_grant", detail)
            if grant.family in self._revoked_families or grant.client_id != client.client_id:
                raise OAuthError("invalid_grant", "refresh token revoked or of another client")
            self._rotated[token] = grant
            return self._issue_locked(grant)

    def _issue(self, grant: Grant) -> dict:
        with self._lock:
            return self._issue_locked(grant)

    def _issue_locked(self, grant: Grant) -> dict:
        ttl = float(self._knobs_of().access_token_ttl_s)
        access = secrets.token_urlsafe(32)
        self._access[access] = (grant, time.monotonic() + ttl)
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": int(ttl),
                  "scope": " ".join(sorted(grant.scopes))}
        if "offline_access" in grant.scopes:
            refresh = secrets.token_urlsafe(32)
            self._refresh[refresh] = grant
            answer["refresh_token"] = refresh
        return answer

    # --- the API's side ---------------------------------------------------------------------
    def check_access(self, token: str) -> Grant | None:
        """Return the grant of a live access token, or None (unknown, expired or revoked)."""
        with self._lock:
            found = self._access.get(token)
            if found is None or found[1] < time.monotonic():
                return None
            if found[0].family in self._revoked_families:
                return None
            return found[0]

    def expire_access_tokens(self) -> int:
        """Expire every access token now (refresh tokens stay); return how many."""
        with self._lock:
            count = len(self._access)
            self._access.clear()
            return count
