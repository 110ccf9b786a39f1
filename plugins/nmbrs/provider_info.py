"""Provider metadata that registers the `nmbrs` and `nmbrs_rest` connection types with Airflow."""


def get_provider_info() -> dict:
    """Return the provider description Airflow reads through the entry point."""
    return {
        "package-name": "salariskoppeling",
        "name": "Nmbrs",
        "description": "Nmbrs SOAP API v3 and REST API (payroll) for the a.s.r. salariskoppeling",
        "versions": ["0.1.0"],
        "connection-types": [
            {
                "connection-type": "nmbrs",
                "hook-class-name": "nmbrs.hooks.nmbrs.NmbrsHook",
                "hook-name": "Nmbrs SOAP v3",
                "conn-fields": {
                    "domain": {
                        "label": "Nmbrs domain",
                        "description": "Environment sub-domain, e.g. 'acme' for acme.nmbrs.nl",
                        "schema": {"type": ["string", "null"]},
                    },
                    "environment": {
                        "label": "Environment",
                        "description": "production, sandbox, or leave empty and set the host",
                        "schema": {"type": ["string", "null"]},
                    },
                },
                "ui-field-behaviour": {
                    "hidden-fields": ["schema", "port"],
                    "relabeling": {
                        "login": "API user (e-mail)",
                        "password": "API token",
                        "host": "Base URL override (optional, e.g. a simulator)",
                    },
                    "placeholders": {"login": "api-user@example.nl"},
                },
            },
            _REST,
        ],
    }


def _text(label: str, description: str, secret: bool = False) -> dict:
    schema = {"type": ["string", "null"], **({"format": "password"} if secret else {})}
    return {"label": label, "description": description, "schema": schema}


# The rotating refresh token is not a field: `koppeling authorize` keeps it in the token store.
_REST = {
    "connection-type": "nmbrs_rest",
    "hook-class-name": "nmbrs.hooks.nmbrs_rest.NmbrsRestHook",
    "hook-name": "Nmbrs REST",
    "conn-fields": {
        "subscription_key": _text("X-Subscription-Key", "From the Nmbrs developer portal's "
                                  "product subscription", secret=True),
        "base_url": _text("API base URL", "Leave empty for https://api.nmbrsapp.com"),
        "identity_url": _text("Identity service URL",
                              "Leave empty for https://identityservice.nmbrs.com"),
        "redirect_uri": _text("Redirect URI", "Loopback URI registered for the OAuth client"),
    },
    "ui-field-behaviour": {
        "hidden-fields": ["schema", "port", "host"],
        "relabeling": {"login": "OAuth client id", "password": "OAuth client secret"},
    },
}
