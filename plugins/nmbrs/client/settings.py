"""Connection settings of one Nmbrs API account; the token is kept out of every repr and message."""

from __future__ import annotations

from dataclasses import dataclass, field

from nmbrs.client.errors import NmbrsConfigError
from nmbrs.secret import Secret

ENVIRONMENTS = {
    "production": "https://api.nmbrs.nl/soap/v3/",
    "sandbox": "https://api-sandbox.nmbrs.nl/soap/v3/",
}


@dataclass(frozen=True)
class NmbrsSettings:
    """Everything the client needs to reach one account; built by the caller (never from env)."""

    username: str
    token: Secret = field(repr=False)
    domain: str = ""
    environment: str = "production"
    base_url: str | None = None
    connect_timeout: float = 10.0
    operation_timeout: float = 60.0
    max_attempts: int = 4
    backoff_base: float = 0.5
    calls_per_second: float = 145.0  # with a burst of 5: never over fair use (150/s)
    report_max_wait: float = 300.0

    def __post_init__(self):
        if not isinstance(self.token, Secret):
            object.__setattr__(self, "token", Secret(str(self.token or "")))
        if not self.username:
            raise NmbrsConfigError("Nmbrs settings: username (API user e-mail) is missing")
        if not self.token.reveal():
            raise NmbrsConfigError(f"Nmbrs settings: API token for {self.username} is missing")
        if self.base_url is None and self.environment not in ENVIRONMENTS:
            raise NmbrsConfigError(
                f"Nmbrs settings: environment {self.environment!r} is not one of "
                f"{sorted(ENVIRONMENTS)} and no base_url is given")
        if self.max_attempts < 1 or self.calls_per_second <= 0:
            raise NmbrsConfigError("Nmbrs settings: max_attempts and calls_per_second must be > 0")

    @property
    def root_url(self) -> str:
        """Return the base of the service URLs, ending in '/'."""
        url = self.base_url or ENVIRONMENTS[self.environment]
        return url if url.endswith("/") else url + "/"

    def endpoint(self, service: str) -> str:
        """Return the URL of one service, e.g. .../soap/v3/CompanyService.asmx."""
        return f"{self.root_url}{service}.asmx"

    @property
    def account_key(self) -> str:
        """Return the key under which calls are rate-limited (one Nmbrs account)."""
        return f"{self.username.lower()}@{self.domain.lower()}"
