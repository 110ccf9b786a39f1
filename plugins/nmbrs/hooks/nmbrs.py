"""NmbrsHook: turns an Airflow connection of type `nmbrs` into an NmbrsClient."""

from __future__ import annotations

from urllib.parse import quote

from airflow.sdk import BaseHook

from nmbrs.client import NmbrsClient, NmbrsError, NmbrsSettings

FAIR_USE_CONN_ID = "nmbrs_fair_use"
_NUMERIC_EXTRAS = ("connect_timeout", "operation_timeout", "calls_per_second", "report_max_wait",
                   "backoff_base")


class NmbrsHook(BaseHook):
    """Interact with the Nmbrs SOAP API v3 using the credentials of an Airflow connection.

    The connection holds: login = API user e-mail, password = API token, extra.domain, and
    either extra.environment (production | sandbox) or a base URL (extra.base_url, or the
    host, e.g. a simulator at http://127.0.0.1:8765/soap/v3/). The token is never accepted as
    an argument: it comes from the connection only.
    """

    conn_name_attr = "nmbrs_conn_id"
    default_conn_name = "nmbrs_default"
    conn_type = "nmbrs"
    hook_name = "Nmbrs SOAP v3"

    def __init__(self, nmbrs_conn_id: str = default_conn_name, **kwargs):
        super().__init__(**kwargs)
        self.nmbrs_conn_id = nmbrs_conn_id
        self._client: NmbrsClient | None = None

    def get_settings(self) -> NmbrsSettings:
        """Build client settings from the connection."""
        conn = self.get_connection(self.nmbrs_conn_id)
        extra = conn.extra_dejson
        numeric = {key: float(extra[key]) for key in _NUMERIC_EXTRAS if key in extra}
        return NmbrsSettings(
            username=conn.login or "",
            token=conn.password or extra.get("token") or "",
            domain=extra.get("domain") or "",
            environment=extra.get("environment") or "production",
            base_url=_base_url(conn, extra),
            **numeric,
        )

    def get_conn(self) -> NmbrsClient:
        """Return the (cached) client, sharing the account's fair-use budget across workers."""
        if self._client is None:
            settings = self.get_settings()
            self._client = NmbrsClient(settings, limiter=self.fair_use_bucket(settings))
        return self._client

    def fair_use_bucket(self, settings: NmbrsSettings):
        """Return the account's shared bucket: in the Redis of connection `nmbrs_fair_use` if
        defined (every worker of the stack), else in a file of this machine (every process)."""
        from nmbrs.client.fairuse import bucket_for

        return bucket_for(settings.account_key, fair_use_redis_url())

    def test_connection(self) -> tuple[bool, str]:
        """Check credentials and domain with Environment_Get; never raises."""
        try:
            client = self.get_conn()
            env = client.debtor.environment_get() or {}
        except NmbrsError as err:
            return False, str(err)
        except Exception as err:  # noqa: BLE001 - the UI wants a message, not a traceback
            return False, f"{type(err).__name__}: could not reach Nmbrs"
        expected, actual = client.settings.domain.lower(), (env.get("SubDomain") or "").lower()
        if expected and actual and expected != actual:
            return False, (f"credentials are valid but belong to domain {actual!r}, "
                           f"not {expected!r}: fix the connection's domain")
        return True, f"authenticated as {client.settings.username} on domain {actual or '?'}"


def fair_use_redis_url() -> str | None:
    """Return the Redis URL of connection ``nmbrs_fair_use`` (type redis), or None if unset."""
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = BaseHook.get_connection(FAIR_USE_CONN_ID)
    except AirflowNotFoundException:
        return None
    auth = f":{quote(conn.password, safe='')}@" if conn.password else ""
    return f"redis://{auth}{conn.host or '127.0.0.1'}:{conn.port or 6379}/{conn.schema or 0}"


def _base_url(conn, extra: dict) -> str | None:
    if extra.get("base_url"):
        return extra["base_url"]
    host = conn.host or ""
    if "://" in host:
        return host
    if host:
        port = f":{conn.port}" if conn.port else ""
        scheme = extra.get("scheme") or ("http" if host in ("127.0.0.1", "localhost") else "https")
        return f"{scheme}://{host}{port}/soap/v3/"
    return None
