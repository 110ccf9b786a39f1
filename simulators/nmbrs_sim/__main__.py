"""Run the Nmbrs simulator: python -m simulators.nmbrs_sim --port 8765 [--latency-ms 50]."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import date

from simulators.nmbrs_sim.dataset import World
from simulators.nmbrs_sim.knobs import Knobs
from simulators.nmbrs_sim.server import SimulatorServer
from simulators.nmbrs_sim.world import WorldConfig


def parse_args(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="nmbrs-sim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency of every call")
    parser.add_argument("--throttle-per-s", type=float, default=150.0,
                        help="fair-use calls per second per account (0 = off)")
    parser.add_argument("--report-delay-s", type=float, default=0.6)
    parser.add_argument("--clock", type=date.fromisoformat, default=None,
                        help="the simulator's today (drives current periods), ISO date")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--knobs", type=json.loads, default=None,
                        help='JSON knobs, e.g. \'{"faults": [{"kind": "http503", "nth": 3}]}\'')
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> SimulatorServer:
    """Return a server configured from the options (not yet started)."""
    config = WorldConfig()
    if args.seed is not None:
        config = config.model_copy(update={"seed": args.seed}) if hasattr(
            config, "model_copy") else WorldConfig(seed=args.seed)
    if args.clock is not None:
        config = config.model_copy(update={"clock": args.clock}) if hasattr(
            config, "model_copy") else WorldConfig(clock=args.clock)
    knobs = Knobs(latency_ms={"*": args.latency_ms}, throttle_per_s=args.throttle_per_s,
                  report_delay_s=args.report_delay_s)
    if args.knobs:
        knobs.update(args.knobs)
    return SimulatorServer(World(config), args.host, args.port, knobs)


def main(argv=None) -> int:
    """Serve until SIGINT/SIGTERM."""
    server = build(parse_args(argv)).start()
    print(f"Nmbrs simulator on {server.url} (admin: {server.admin_url}/admin/knobs)", flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
