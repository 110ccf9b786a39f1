"""Build an NmbrsClient from an Airflow connection or from an environment variable with the token.

A token never comes from a command-line argument or a DAG param: either the Airflow connection
holds it (read via `NmbrsHook`, imported only when needed) or an environment variable does, and
only the variable's *name* is passed around.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys

from nmbrs.client import NmbrsClient, NmbrsConfigError, NmbrsSettings


class AccessError(Exception):
    """The token reference cannot be resolved; names the connection or variable, never a value."""


def settings_from_connection(conn_id: str, *, username: str | None = None,
                             domain: str | None = None, base_url: str | None = None
                             ) -> NmbrsSettings:
    """Return settings from Airflow connection `conn_id`; given fields override the connection's."""
    try:
        # Airflow points its log handler at sys.stdout when first imported; send it to stderr
        # so that stdout carries only the command's output (`--json`).
        with contextlib.redirect_stdout(sys.stderr):
            from nmbrs.hooks.nmbrs import NmbrsHook  # Airflow import, only on this path

            settings = NmbrsHook(nmbrs_conn_id=conn_id).get_settings()
    except NmbrsConfigError as err:
        raise AccessError(f"Airflow connection {conn_id!r}: {err}") from err
    except Exception as err:  # noqa: BLE001 - Airflow raises its own not-found error types
        raise AccessError(f"Airflow connection {conn_id!r} cannot be read "
                          f"({type(err).__name__}); define it, e.g. as "
                          f"AIRFLOW_CONN_{conn_id.upper()}") from err
    changes = {key: value for key, value in (("username", username), ("domain", domain),
                                             ("base_url", base_url)) if value}
    return dataclasses.replace(settings, **changes) if changes else settings


def settings_from_env(variable: str, *, username: str, domain: str,
                      base_url: str | None = None, environ=None) -> NmbrsSettings:
    """Return settings whose token is the value of environment variable `variable`."""
    env = os.environ if environ is None else environ
    token = env.get(variable, "")
    if not token:
        raise AccessError(f"environment variable {variable} (the API token of {username}) is "
                          "not set or empty")
    if not username or not domain:
        raise AccessError("--token-env needs --username and --domain as well")
    try:
        return NmbrsSettings(username=username, token=token, domain=domain, base_url=base_url)
    except NmbrsConfigError as err:
        raise AccessError(str(err)) from err


def make_client(*, conn_id: str | None = None, token_env: str | None = None,
                username: str | None = None, domain: str | None = None,
                base_url: str | None = None) -> NmbrsClient:
    """Return a client for exactly one token reference: a connection or an env variable."""
    if bool(conn_id) == bool(token_env):
        raise AccessError("give exactly one token reference: --conn-id or --token-env")
    if conn_id:
        settings = settings_from_connection(conn_id, username=username, domain=domain,
                                            base_url=base_url)
    else:
        settings = settings_from_env(token_env, username=username or "", domain=domain or "",
                                     base_url=base_url)
    return NmbrsClient(settings)


def token_source(conn_id: str | None, token_env: str | None) -> str:
    """Describe where the token came from, for the result (never the token)."""
    return f"connection {conn_id}" if conn_id else f"env {token_env}"
