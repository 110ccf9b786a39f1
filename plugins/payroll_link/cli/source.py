"""`koppeling reparse` and `koppeling drift`: re-read landed answers, and what drifted in them."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    """Add the reparse and drift commands."""
    reparse = subparsers.add_parser(
        "reparse", help="rebuild an extraction's staging rows from its landed wire bytes "
                        "(no call to Nmbrs) into a new extraction; show what changed")
    reparse.add_argument("--extraction", required=True, help="extraction id to re-parse")
    reparse.add_argument("--publish", action="store_true",
                         help="publish the re-parsed extraction (default: leave it landed)")
    reparse.add_argument("--json", action="store_true")
    reparse.set_defaults(handler=run_reparse)
    drift = subparsers.add_parser("drift", help="source drift of an extraction (names only)")
    drift.add_argument("--extraction", required=True)
    drift.add_argument("--json", action="store_true")
    drift.set_defaults(handler=show_drift)


def _warehouse():
    from payroll_link.warehouse import Warehouse, make_engine, migrate, warehouse_url

    engine = make_engine(warehouse_url())
    migrate(engine)
    return Warehouse(engine)


def run_reparse(args, warehouse=None) -> int:
    """Re-parse one extraction; print the per-entity difference (counts only)."""
    from dataclasses import asdict

    from payroll_link.extraction.reparse import reparse_extraction

    result = reparse_extraction(warehouse or _warehouse(), args.extraction, publish=args.publish)
    if args.json:
        json.dump(asdict(result) | {"identical": result.identical}, sys.stdout, indent=2)
        print()
        return 0
    print(f"re-parsed {result.original_id} -> {result.extraction_id} ({result.calls} calls, "
          f"{'published' if args.publish else 'landed, not published'})")
    print(f"{'entity':<24} {'same':>7} {'removed':>8} {'added':>7}")
    for name, diff in result.diff.items():
        print(f"{name:<24} {diff.same:>7} {diff.removed:>8} {diff.added:>7}")
    print("identical staging rows" if result.identical else "staging rows changed")
    return 0


def show_drift(args, warehouse=None) -> int:
    """Print the drift of one extraction per call, kind and element (no values)."""
    from payroll_link.warehouse import drift

    rows = drift.summary((warehouse or _warehouse()).engine, args.extraction)
    if args.json:
        json.dump(rows, sys.stdout, default=str, indent=2)
        print()
        return 0
    print(f"{'operation':<40} {'kind':<11} {'answers':>7}  element")
    for row in rows:
        print(f"{row['operation']:<40} {row['kind']:<11} {row['employees']:>7}  {row['element']}")
    if not rows:
        print("no drift recorded")
    return 0
