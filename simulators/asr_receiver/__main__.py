"""Run the a.s.r. receiver: python -m simulators.asr_receiver --port 8766 [--delay-ms 200].

The bearer token comes from $ASR_RECEIVER_TOKEN (default: the obviously fake test token).
With --drop-folder it also scans that folder for file-drop manifests every --scan-interval s.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.asr_receiver.filedrop import scan_drop_folder
from simulators.asr_receiver.server import ReceiverServer
from simulators.asr_receiver.store import Knobs


def parse_args(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="asr-receiver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--fail-next", type=int, default=0, help="fail the next N POSTs")
    parser.add_argument("--fail-status", type=int, default=503)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="answer this much later")
    parser.add_argument("--down", action="store_true", help="answer every POST with 503")
    parser.add_argument("--store", type=Path, default=None, help="also write messages here")
    parser.add_argument("--drop-folder", type=Path, default=None, help="file-drop folder")
    parser.add_argument("--scan-interval", type=float, default=2.0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Serve until SIGINT/SIGTERM."""
    args = parse_args(argv)
    knobs = Knobs(fail_next=args.fail_next, fail_status=args.fail_status,
                  delay_s=args.delay_ms / 1000, down=args.down)
    token = os.environ.get("ASR_RECEIVER_TOKEN") or DEFAULT_TOKEN
    server = ReceiverServer(args.host, args.port, token, knobs, args.store).start()
    print(f"a.s.r. receiver on {server.endpoint} (admin: {server.url}/admin/knobs)", flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    while not done.wait(args.scan_interval if args.drop_folder else None):
        for receipt in scan_drop_folder(args.drop_folder):
            if not receipt.get("duplicate"):
                print(f"file drop {receipt['manifest']}: {receipt['status']} "
                      f"{receipt.get('receipt_id') or receipt.get('error')}", flush=True)
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
