"""Shared pieces of the onboarding commands: token-reference options, output, registry path."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from payroll_link.onboarding.render import Progress, to_json

EXIT_OK, EXIT_NOT_READY, EXIT_USAGE = 0, 1, 2


def add_access_args(parser: argparse.ArgumentParser, *, identity: bool = True) -> None:
    """Add the token reference (--conn-id | --token-env) and --base-url; never a token option."""
    group = parser.add_argument_group("Nmbrs access (the token itself is never an option)")
    group.add_argument("--conn-id", help="Airflow connection of type nmbrs holding the token "
                       "(e.g. from AIRFLOW_CONN_<ID>)")
    group.add_argument("--token-env", metavar="VAR",
                       help="name of an environment variable holding the API token")
    if identity:
        group.add_argument("--username", help="API user (e-mail); overrides the connection's")
        group.add_argument("--domain", help="Nmbrs domain, e.g. 'acme' for acme.nmbrs.nl")
    group.add_argument("--base-url", help="SOAP root URL, e.g. a simulator's "
                       "http://127.0.0.1:8765/soap/v3/")


def add_output_args(parser: argparse.ArgumentParser) -> None:
    """Add --json and --quiet."""
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def add_registry_arg(parser: argparse.ArgumentParser) -> None:
    """Add --registry (default: $KOPPELING_REGISTRY, else config/employers.yaml)."""
    parser.add_argument("--registry", type=Path, default=None,
                        help="employer registry file (default: the one the DAGs read)")


def registry_path(args) -> Path:
    """Return the registry file: --registry, else the path the DAGs use."""
    if args.registry is not None:
        return args.registry
    from payroll_link.runtime import REGISTRY_PATH  # one rule for DAGs and CLI

    return REGISTRY_PATH


def progress_for(args) -> Progress:
    """Return the stderr progress reporter (silent with --quiet)."""
    return Progress(sys.stderr, quiet=getattr(args, "quiet", False))


def emit(args, data: dict, text: str) -> None:
    """Print JSON with --json, else the readable text."""
    print(to_json(data) if args.json else text)


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print an error on stderr and return the exit code."""
    print(f"koppeling: error: {message}", file=sys.stderr)
    return code


def default_actor() -> str:
    """Return $USER (or the login name) as the default actor of a registry change."""
    import getpass

    try:
        return os.environ.get("USER") or getpass.getuser()
    except (OSError, KeyError):
        return ""


def token_store_url() -> str:
    """Return the warehouse URL holding the Nmbrs REST token store (the DAGs' warehouse rule)."""
    from payroll_link.runtime import warehouse

    return warehouse().engine.url.render_as_string(hide_password=False)
