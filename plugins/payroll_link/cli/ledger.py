"""`koppeling ledger`: what a.s.r. received for an employer (and period), from ops.delivery.

Ids, versions, statuses, receipts and counts only; the messages themselves stay in the
warehouse (ops.delivery_message).
"""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    """Add the ledger command."""
    parser = subparsers.add_parser(
        "ledger", help="deliveries to a.s.r. per period and version (the delivery ledger)",
        description="What a.s.r. received for an employer: per period every message version "
                    "with its status, receipt, stand and mutation counts. '*' marks the "
                    "version in force.",
        epilog="example: koppeling ledger --employer bakkerij_van_den_berg --period 2026-10")
    parser.add_argument("--employer", required=True, help="employer_id of the registry")
    parser.add_argument("--period", default=None, help="period label, e.g. 2026-10 or 2026-4W05")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(handler=show_ledger)


def _engine():
    from payroll_link.runtime import warehouse_engine  # the one resolver (Airflow connection)

    return warehouse_engine()


def _in_registry(employer_id: str) -> bool:
    from payroll_link.runtime import registry

    return any(e.employer_id == employer_id for e in registry().employers)


def rows_for(engine, employer_id: str, period: str | None) -> list[dict]:
    """Return the ledger rows with ``in_force`` set on each period's latest delivered version."""
    from payroll_link.handoff import ledger

    with engine.connect() as conn:
        rows = ledger.history(conn, employer_id, period)
    current: dict[str, int] = {}
    for row in rows:
        if row["status"] == "delivered":
            current[row["period"]] = max(current.get(row["period"], 0), row["version"])
    for row in rows:
        row["in_force"] = current.get(row["period"]) == row["version"]
    return rows


def show_ledger(args) -> int:
    """Print the deliveries of one employer (optionally one period)."""
    from sqlalchemy.exc import ProgrammingError

    try:
        rows = rows_for(_engine(), args.employer, args.period)
    except ProgrammingError as err:
        if getattr(err.orig, "pgcode", None) != "42P01":  # undefined_table
            raise
        print("koppeling: error: the warehouse has no ops.delivery yet; run `koppeling migrate`",
              file=sys.stderr)
        return 1
    if not rows and not _in_registry(args.employer):
        print(f"koppeling: error: unknown employer {args.employer!r}: not in the registry and "
              "no deliveries recorded", file=sys.stderr)
        return 2
    if args.json:
        json.dump(rows, sys.stdout, default=str, indent=2)
        print()
        return 0
    where = f" in {args.period}" if args.period else ""
    if not rows:
        print(f"no deliveries recorded for {args.employer}{where}")
        return 0
    print(f"deliveries to a.s.r. for {args.employer}{where} (* = version in force)")
    print(f"{'period':<10} {'ver':>4} {'repl':>4}  {'status':<9} {'delivered at':<19} "
          f"{'adapter':<9} {'stands':>6}  {'receipt':<26} mutations")
    for row in rows:
        print(_line(row))
    return 0


def _line(row: dict) -> str:
    at = row["delivered_at"] or row["last_attempt_at"]
    kinds = ", ".join(f"{k} {v}" for k, v in (row["mutations"] or {}).items()) or "none"
    version = f"{'*' if row['in_force'] else ''}v{row['version']}"
    replaces = f"v{row['replaces_version']}" if row["replaces_version"] else "-"
    note = f"  [{row['error_class']}: {row['error_message'] or ''}]" if row["error_class"] else ""
    return (f"{row['period']:<10} {version:>4} {replaces:>4}  {row['status']:<9} "
            f"{at.strftime('%Y-%m-%d %H:%M:%S') if at else '-':<19} {row['adapter']:<9} "
            f"{row['stands']:>6}  {row['receipt_id'] or '-':<26} {kinds}{note}")
