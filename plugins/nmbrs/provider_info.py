"""Provider metadata that registers the `nmbrs` connection type with Airflow."""


def get_provider_info() -> dict:
    """Return the provider description Airflow reads through the entry point."""
    return {
        "package-name": "salariskoppeling",
        "name": "Nmbrs",
        "description": "Nmbrs SOAP API v3 (payroll) for the a.s.r. salariskoppeling",
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
            }
        ],
    }
