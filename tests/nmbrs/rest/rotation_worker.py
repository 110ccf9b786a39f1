"""One process of the concurrent-refresh test: wait for the others, then ask for a token."""

from __future__ import annotations

from nmbrs.client.settings import Secret
from nmbrs.rest.oauth import OAuthSettings
from nmbrs.rest.token_store import warehouse_token_store
from nmbrs.rest.tokens import RotatingTokens


def fetch_token(db_url: str, identity_url: str, client_id: str, secret: str, account: str,
                barrier, results) -> None:
    """Put ("ok", token) or ("error", "<class>: <message>") on `results`."""
    oauth = OAuthSettings(client_id=client_id, client_secret=Secret(secret),
                          identity_url=identity_url, timeout=30)
    tokens = RotatingTokens(oauth, warehouse_token_store(db_url, oauth.client_secret), account)
    barrier.wait(timeout=60)
    try:
        results.put(("ok", tokens.access_token()))
    except Exception as err:  # noqa: BLE001 - the test judges every outcome
        results.put(("error", f"{type(err).__name__}: {err}"))
