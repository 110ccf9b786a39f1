"""Run the Nmbrs REST simulator: python -m simulators.nmbrs_rest_sim --port 8766."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import date

from simulators.nmbrs_rest_sim.knobs import RestKnobs
from simulators.nmbrs_rest_sim.server import RestSimulatorServer
from simulators.nmbrs_sim.dataset import World
from simulators.nmbrs_sim.world import WorldConfig


def parse_args(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="nmbrs-rest-sim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency of every call")
    parser.add_argument("--rate-limit-per-s", type=float, default=0.0,
                        help="calls per second per login before a 429 (0 = off)")
    parser.add_argument("--token-ttl-s", type=float, default=3600.0,
                        help="access-token lifetime")
    parser.add_argument("--clock", type=date.fromisoformat, default=None,
                        help="the simulator's today (drives current periods), ISO date")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--validate", action="store_true",
                        help="check every answer against the published spec (slower); "
                             "violations are listed by GET /admin/violations")
    parser.add_argument("--knobs", type=json.loads, default=None,
                        help='JSON knobs, e.g. \'{"faults": [{"kind": "429", "nth": 3}]}\'')
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> RestSimulatorServer:
    """Return a server configured from the options (not yet started)."""
    update = {k: v for k, v in (("seed", args.seed), ("clock", args.clock)) if v is not None}
    config = WorldConfig().model_copy(update=update)
    knobs = RestKnobs(latency_ms={"*": args.latency_ms}, rate_limit_per_s=args.rate_limit_per_s,
                      access_token_ttl_s=args.token_ttl_s)
    if args.knobs:
        knobs.update(args.knobs)
    return RestSimulatorServer(World(config), args.host, args.port, knobs,
                               validate=args.validate)


def main(argv=None) -> int:
    """Serve until SIGINT/SIGTERM."""
    server = build(parse_args(argv)).start()
    print(f"Nmbrs REST simulator on {server.url}/api/ (identity: {server.url}/connect/, "
          f"admin: {server.url}/admin/knobs)", flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
