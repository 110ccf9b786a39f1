"""A pipeline run in its own process that kills itself (SIGKILL) at a chosen point.

    python -m tests.faults.killed_run --sim URL --warehouse URL --employer ID --year Y
        --number N --kill staging|publish|delivery|none [--receiver ENDPOINT]

`staging`: right after a COPY into staging, inside its transaction (third load); `publish`:
inside the publish transaction, after the pointer moved; `delivery`: after a.s.r. accepted the
message, before the ledger recorded the receipt. `none` runs normally (the concurrency case)
and prints the error class of a failure. Nothing is caught or cleaned up: the process dies as a
worker does when the kernel's OOM killer or a node loss takes it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys


def die_after(owner, name: str, nth: int = 1, when=lambda *args: True) -> None:
    """Wrap owner.name so the process SIGKILLs itself after its nth matching call returns."""
    original, seen = getattr(owner, name), [0]

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        seen[0] += 1 if when(*args) else 0
        if seen[0] >= nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapper)


def arm(point: str) -> None:
    """Install the kill at `point`."""
    if point == "staging":
        from payroll_link.warehouse import store

        die_after(store, "copy_lines", nth=3,
                  when=lambda cursor, table, *rest: table.startswith("staging."))
    elif point == "publish":
        from payroll_link.warehouse import lifecycle

        die_after(lifecycle, "_supersede_others")
    elif point == "delivery":
        from payroll_link.handoff.adapters.https import HttpsAdapter

        die_after(HttpsAdapter, "deliver")


def main(argv=None) -> int:
    """Run the extraction (and with --receiver the delivery) of the partition."""
    parser = argparse.ArgumentParser()
    for name in ("--sim", "--warehouse", "--employer", "--year", "--number", "--kill"):
        parser.add_argument(name, required=True)
    parser.add_argument("--receiver", default=None)
    args = parser.parse_args(argv)
    arm(args.kill)
    from nmbrs.client import NmbrsClient, NmbrsSettings
    from payroll_link.extraction.runner import extract_period
    from payroll_link.extraction.sources.soap import NmbrsSoapSource
    from payroll_link.periods import get_period
    from payroll_link.warehouse import Warehouse, make_engine
    from simulators.nmbrs_sim.world import WorldConfig
    from tests.faults.harness import COMPANY, FAST, FREQUENCY, USERNAME

    acc = next(a for a in WorldConfig().accounts if a.username == USERNAME)
    client = NmbrsClient(NmbrsSettings(username=acc.username, token=acc.token, domain=acc.domain,
                                       base_url=args.sim, **FAST))
    warehouse = Warehouse(make_engine(args.warehouse))
    period = get_period(FREQUENCY, int(args.year), int(args.number))
    try:
        part = extract_period(warehouse, NmbrsSoapSource(client), args.employer, COMPANY, period)
        if args.receiver:
            deliver(warehouse, args.employer, part.extraction_id, period, args.receiver)
    except Exception as err:  # noqa: BLE001 - the parent judges the class
        print(type(err).__name__)
        return 1
    return 0


def deliver(warehouse, employer_id: str, extraction_id: str, period, endpoint: str) -> None:
    """Deliver the partition as the DAG's deliver task does."""
    from payroll_link.handoff.adapters.https import HttpsAdapter
    from payroll_link.handoff.config import load_config
    from payroll_link.handoff.service import deliver_period
    from simulators.asr_receiver import DEFAULT_TOKEN
    from tests.faults.asr_cases import employer_for

    config = load_config().with_employer(employer_id, full_time_hours_per_week=38)
    adapter = HttpsAdapter(endpoint, DEFAULT_TOKEN, attempts=1, read_timeout=5.0)
    deliver_period(warehouse.engine, employer_for(employer_id), extraction_id, period, adapter,
                   config=config)


if __name__ == "__main__":
    sys.exit(main())
