"""Settings of one Nmbrs REST account; the subscription key is kept out of every repr."""

from __future__ import annotations

from dataclasses import dataclass, field

from nmbrs.errors import NmbrsConfigError
from nmbrs.secret import Secret

PRODUCTION_API = "https://api.nmbrsapp.com"
PRODUCTION_IDENTITY = "https://identityservice.nmbrs.com"


@dataclass(frozen=True)
class NmbrsRestSettings:
    """Everything the REST client needs for one account; built by the caller (never from env)."""

    account: str  # the key refreshes are serialised and calls are limited under
    subscription_key: Secret = field(repr=False)
    base_url: str = PRODUCTION_API
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 4
    backoff_base: float = 0.5
    max_retry_after: float = 60.0  # a longer 429 delay is an Airflow task retry, not a sleep
    page_size: int = 100  # the spec's maximum
    page_prefetch: int = 4  # pages fetched ahead once the first page tells how many there are
    calls_per_second: float = 145.0
    document_max_wait: float = 300.0

    def __post_init__(self):
        if not isinstance(self.subscription_key, Secret):
            object.__setattr__(self, "subscription_key", Secret(str(self.subscription_key or "")))
        if not self.account:
            raise NmbrsConfigError("Nmbrs REST settings: account (the connection id) is missing")
        if not self.subscription_key.reveal():
            raise NmbrsConfigError(
                f"Nmbrs REST settings: X-Subscription-Key for {self.account} is missing")
        if not 1 <= self.page_size <= 100:
            raise NmbrsConfigError("Nmbrs REST settings: page_size must be within 1..100")
        if self.max_attempts < 1 or self.calls_per_second <= 0:
            raise NmbrsConfigError(
                "Nmbrs REST settings: max_attempts and calls_per_second must be > 0")

    def url(self, path: str) -> str:
        """Return the absolute URL of an API path such as /api/debtors."""
        return self.base_url.rstrip("/") + path
