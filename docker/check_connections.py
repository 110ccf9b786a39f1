"""Fail fast when a connection the registry needs is not in the environment (AIRFLOW_CONN_*).

Run by docker/init.sh before anything is migrated: every realised or paused employer of the
registry ($KOPPELING_REGISTRY) needs its Nmbrs connection and its delivery connection, and the
pipeline needs `warehouse` and `koppeling_message_key`. Prints the ids only, never a value.
tests/test_compose.py runs `missing()` against .env.example, so the example file and this check
cannot drift apart.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def required_conn_ids(registry) -> list[str]:
    """Return the connection ids the registry's DAG employers and the pipeline need."""
    from payroll_link.handoff.sealing import KEY_CONN_ID
    from payroll_link.runtime import WAREHOUSE_CONN_ID

    ids = {WAREHOUSE_CONN_ID, KEY_CONN_ID}
    for employer in registry.dag_employers:
        ids.update({employer.nmbrs_conn_id, employer.delivery_conn_id})
    return sorted(ids)


def env_var(conn_id: str) -> str:
    """Return the environment variable Airflow reads connection `conn_id` from."""
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def missing(registry, environ: Mapping[str, str]) -> list[str]:
    """Return the AIRFLOW_CONN_* variables that are needed but unset or empty."""
    return [env_var(c) for c in required_conn_ids(registry) if not environ.get(env_var(c))]


def main() -> int:
    """Check the registry Airflow will load against this process's environment."""
    from payroll_link.runtime import REGISTRY_PATH, registry

    gaps = missing(registry(), os.environ)
    if gaps:
        print(f"registry {REGISTRY_PATH} needs connections that are not set: {', '.join(gaps)} "
              "(define them in .env, see .env.example)", file=sys.stderr)
        return 1
    print(f"connections: {len(required_conn_ids(registry()))} needed by the registry, all set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
