"""NmbrsRestHook: turns an Airflow connection of type `nmbrs_rest` into an NmbrsRestClient."""

from __future__ import annotations

from airflow.sdk import BaseHook

from nmbrs.errors import NmbrsError
from nmbrs.rest.client import Limiter, NmbrsRestClient
from nmbrs.rest.oauth import OAuthSettings
from nmbrs.rest.settings import PRODUCTION_API, PRODUCTION_IDENTITY, NmbrsRestSettings
from nmbrs.rest.token_store import warehouse_token_store
from nmbrs.rest.tokens import RotatingTokens, TokenStore

_NUMERIC_EXTRAS = ("connect_timeout", "read_timeout", "backoff_base", "max_retry_after",
                   "calls_per_second", "document_max_wait")


class NmbrsRestHook(BaseHook):
    """Interact with the Nmbrs REST API using the OAuth client of an Airflow connection.

    The connection holds: login = OAuth client id, password = client secret, and in extra:
    `subscription_key` (X-Subscription-Key), optionally `base_url` (API), `identity_url`,
    `redirect_uri` and `account` (defaults to the connection id). The rotating refresh token is
    not in the connection: it lives sealed in the token store (see nmbrs.rest.token_store),
    written by `koppeling authorize`. Secrets are never accepted as arguments.
    """

    conn_name_attr = "nmbrs_rest_conn_id"
    default_conn_name = "nmbrs_rest_default"
    conn_type = "nmbrs_rest"
    hook_name = "Nmbrs REST"

    def __init__(self, nmbrs_rest_conn_id: str = default_conn_name, *,
                 token_store: TokenStore | None = None, warehouse_url: str | None = None,
                 limiter: Limiter | None = None, **kwargs):
        super().__init__(**kwargs)
        self.nmbrs_rest_conn_id = nmbrs_rest_conn_id
        self._store = token_store
        self._warehouse_url = warehouse_url
        self._limiter = limiter
        self._client: NmbrsRestClient | None = None

    def _extra(self) -> tuple[object, dict]:
        conn = self.get_connection(self.nmbrs_rest_conn_id)
        return conn, conn.extra_dejson

    def get_oauth_settings(self) -> OAuthSettings:
        """Build the OAuth client settings from the connection."""
        conn, extra = self._extra()
        optional = {key: extra[key] for key in ("redirect_uri",) if extra.get(key)}
        return OAuthSettings(client_id=conn.login or "", client_secret=conn.password or "",
                             identity_url=extra.get("identity_url") or PRODUCTION_IDENTITY,
                             **optional)

    def get_settings(self) -> NmbrsRestSettings:
        """Build the API settings from the connection."""
        conn, extra = self._extra()
        numeric = {key: float(extra[key]) for key in _NUMERIC_EXTRAS if key in extra}
        return NmbrsRestSettings(account=self.account(extra),
                                 subscription_key=extra.get("subscription_key") or "",
                                 base_url=extra.get("base_url") or conn.host or PRODUCTION_API,
                                 **numeric)

    def account(self, extra: dict | None = None) -> str:
        """Return the account key the tokens are stored and locked under."""
        extra = self._extra()[1] if extra is None else extra
        return extra.get("account") or self.nmbrs_rest_conn_id

    def get_token_store(self) -> TokenStore:
        """Return the token store: injected, else in the warehouse at `warehouse_url`, else in
        the warehouse of the connection named by extra `token_store_conn_id` (`warehouse`)."""
        if self._store is None:
            url = self._warehouse_url or self.get_connection(
                self._extra()[1].get("token_store_conn_id") or "warehouse").get_uri()
            self._store = warehouse_token_store(url, self.get_oauth_settings().client_secret)
        return self._store

    def get_tokens(self) -> RotatingTokens:
        """Return the account's token source (serialised rotating refreshes)."""
        return RotatingTokens(self.get_oauth_settings(), self.get_token_store(), self.account())

    def get_conn(self) -> NmbrsRestClient:
        """Return the (cached) client for this connection."""
        if self._client is None:
            settings = self.get_settings()
            self._client = NmbrsRestClient(settings, self.get_tokens(),
                                           limiter=self._limiter or self.fair_use_bucket(settings))
        return self._client

    def fair_use_bucket(self, settings: NmbrsRestSettings):
        """Return the account's fair-use budget shared by every process and worker: the same
        token bucket as SOAP's (Redis of connection `nmbrs_fair_use`, else this machine's locked
        file), under the REST account's own key."""
        from nmbrs.client.fairuse import bucket_for
        from nmbrs.hooks.nmbrs import fair_use_redis_url

        return bucket_for(f"rest:{settings.account}", fair_use_redis_url(),
                          rate=settings.calls_per_second)

    def test_connection(self) -> tuple[bool, str]:
        """List the consented debtors once; never raises."""
        try:
            debtors = sum(1 for _ in self.get_conn().records("getDebtors"))
        except NmbrsError as err:
            return False, str(err)
        except Exception as err:  # noqa: BLE001 - the UI wants a message, not a traceback
            return False, f"{type(err).__name__}: could not reach Nmbrs REST"
        return True, f"consent of {self.account()} reaches {debtors} debtor(s)"

