"""OAuth 2.0 for Nmbrs REST: authorization code with PKCE, token exchange and refresh.

Nmbrs' identity service rotates refresh tokens: each refresh invalidates the one it used. This
module only talks to the token endpoint; `nmbrs.rest.tokens` serialises refreshes per account.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import requests

from nmbrs.errors import NmbrsAuthError, NmbrsConfigError, NmbrsTransientError
from nmbrs.rest.operations import REQUIRED_SCOPES
from nmbrs.rest.settings import PRODUCTION_IDENTITY
from nmbrs.secret import Secret


class RefreshRefusedError(NmbrsAuthError):
    """The identity service refused a refresh token (invalid_grant: used, rotated or revoked)."""


@dataclass(frozen=True)
class OAuthSettings:
    """The OAuth client of one Nmbrs account (from its Airflow connection, never from env)."""

    client_id: str
    client_secret: Secret = field(repr=False)
    redirect_uri: str = "http://127.0.0.1:8976/callback"
    identity_url: str = PRODUCTION_IDENTITY
    scopes: tuple[str, ...] = REQUIRED_SCOPES
    timeout: float = 30.0

    def __post_init__(self):
        if not isinstance(self.client_secret, Secret):
            object.__setattr__(self, "client_secret", Secret(str(self.client_secret or "")))
        if not self.client_id or not self.client_secret.reveal():
            raise NmbrsConfigError("Nmbrs OAuth settings: client id or client secret is missing")

    @property
    def authorize_url(self) -> str:
        """Return the consent page's URL."""
        return self.identity_url.rstrip("/") + "/connect/authorize"

    @property
    def token_url(self) -> str:
        """Return the token endpoint's URL."""
        return self.identity_url.rstrip("/") + "/connect/token"


@dataclass(frozen=True)
class Consent:
    """One authorization request: the URL to open, its state and the PKCE verifier."""

    url: str
    state: str
    verifier: Secret = field(repr=False)


@dataclass(frozen=True)
class Grant:
    """A token response; `expires_at` is epoch seconds. Tokens never show in repr."""

    access_token: Secret = field(repr=False)
    refresh_token: Secret | None = field(repr=False)
    expires_at: float
    scopes: frozenset[str] = frozenset()


def begin_consent(settings: OAuthSettings, login_hint: str | None = None) -> Consent:
    """Return a consent URL with a fresh state and an S256 PKCE challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    state = secrets.token_urlsafe(24)
    query = urlencode({"response_type": "code", "client_id": settings.client_id,
                       "redirect_uri": settings.redirect_uri, "scope": " ".join(settings.scopes),
                       "state": state, "code_challenge": challenge,
                       "code_challenge_method": "S256",
                       **({"login_hint": login_hint} if login_hint else {})})
    return Consent(f"{settings.authorize_url}?{query}", state, Secret(verifier))


def exchange_code(settings: OAuthSettings, code: str, consent: Consent, *,
                  session: requests.Session | None = None) -> Grant:
    """Trade an authorization code for tokens; the consent must have offline_access granted."""
    grant = _token(settings, {"grant_type": "authorization_code", "code": code,
                              "redirect_uri": settings.redirect_uri,
                              "code_verifier": consent.verifier.reveal()}, session)
    if grant.refresh_token is None:
        raise NmbrsAuthError("Nmbrs issued no refresh token: the consent must grant "
                             "offline_access", operation="authorization_code")
    return grant


def refresh_grant(settings: OAuthSettings, refresh_token: Secret, *,
                  session: requests.Session | None = None) -> Grant:
    """Trade a refresh token for new tokens; the old refresh token is dead afterwards."""
    return _token(settings, {"grant_type": "refresh_token",
                             "refresh_token": refresh_token.reveal()}, session)


def _token(settings: OAuthSettings, form: dict, session) -> Grant:
    kind = form["grant_type"]
    # RFC 6749 2.3.1: both halves form-encoded before they go into the Basic header.
    auth = (quote(settings.client_id, safe=""), quote(settings.client_secret.reveal(), safe=""))
    try:
        response = (session or requests).post(settings.token_url, data=form, auth=auth,
                                              timeout=settings.timeout)
    except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as err:
        raise NmbrsTransientError(f"Nmbrs identity service unreachable ({type(err).__name__})",
                                  operation=kind) from None
    if response.status_code == 200:
        return _grant(response, kind)
    raise _token_error(response, kind)


def _grant(response: requests.Response, kind: str) -> Grant:
    try:
        body = response.json()
        access, ttl = body["access_token"], float(body.get("expires_in") or 3600)
    except (ValueError, KeyError, TypeError):
        raise NmbrsAuthError("Nmbrs identity service answered no usable token",
                             operation=kind) from None
    refresh = body.get("refresh_token")
    return Grant(Secret(access), Secret(refresh) if refresh else None, time.time() + ttl,
                 frozenset(str(body.get("scope") or "").split()))


def _token_error(response: requests.Response, kind: str) -> Exception:
    """Classify a token-endpoint error (RFC 6749 5.2); never echo the request or its tokens."""
    try:
        error = str(response.json().get("error") or "")[:40]
    except (ValueError, AttributeError):
        error = ""
    status = response.status_code
    if status >= 500 or status == 429:
        return NmbrsTransientError(f"Nmbrs identity service answered HTTP {status}",
                                   operation=kind)
    if error == "invalid_grant":
        return RefreshRefusedError("Nmbrs refused the grant (invalid_grant): the code or refresh "
                                   "token was used before, expired or revoked", operation=kind)
    if error in ("invalid_client", "unauthorized_client"):
        return NmbrsConfigError(f"Nmbrs refused the OAuth client ({error}): check the client id "
                                "and secret in the connection", operation=kind)
    return NmbrsAuthError(f"Nmbrs identity service answered HTTP {status} ({error or '?'})",
                          operation=kind)
