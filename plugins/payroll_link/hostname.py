"""Airflow's `[core] hostname_callable` for several workers on one machine.

`$KOPPELING_HOSTNAME` names the worker (the stack smoke runs two Celery workers side by side and
tells them apart by the hostname their task instances record); unset, the machine's FQDN, as
Airflow's default. Containers need none of this: each has its own hostname.
"""

from __future__ import annotations

import os
import socket


def worker_hostname() -> str:
    """Return $KOPPELING_HOSTNAME, else the fully qualified domain name."""
    return os.environ.get("KOPPELING_HOSTNAME") or socket.getfqdn()
