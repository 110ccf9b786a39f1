"""`koppeling migrate` and `koppeling status`: the warehouse schema and the exchange status."""

from __future__ import annotations

import json
import sys

_STATUS_SQL = """
select e.employer_id, e.period, e.status, e.started_at, e.finished_at,
       (e.counts ->> 'employees_in_period')::int as employees, e.wage_code_path,
       e.error_class, e.error_message, (p.extraction_id is not null) as published,
       q.errors as quality_errors, q.warnings as quality_warnings,
       d.version as delivered_version, d.receipt_id
from ops.extraction e
left join ops.published_partition p on p.extraction_id = e.extraction_id
left join lateral (select errors, warnings from ops.quality_run r
                   where r.extraction_id = e.extraction_id
                   order by r.started_at desc limit 1) q on true
left join lateral (select version, receipt_id from ops.delivery d
                   where d.extraction_id = e.extraction_id and d.status = 'delivered'
                   order by d.version desc limit 1) d on true
where (:employer is null or e.employer_id = :employer)
order by e.started_at desc
limit :limit
"""


def register(subparsers) -> None:
    """Add the migrate and status commands."""
    migrate = subparsers.add_parser("migrate", help="apply the warehouse migrations (sql/)")
    migrate.set_defaults(handler=run_migrate)
    status = subparsers.add_parser("status", help="recent extractions per employer and period")
    status.add_argument("--employer", default=None)
    status.add_argument("--limit", type=int, default=20)
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=show_status)


def _engine():
    from payroll_link.runtime import warehouse_engine  # the one resolver (Airflow connection)

    return warehouse_engine()


def run_migrate(args) -> int:
    """Apply pending migrations and say which."""
    from payroll_link.warehouse import migrate

    applied = migrate(_engine())
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


def show_status(args) -> int:
    """Print the most recent extractions (ids, states, counts; no personal data)."""
    from sqlalchemy import text

    with _engine().connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            text(_STATUS_SQL), {"employer": args.employer, "limit": args.limit})]
    if args.json:
        json.dump(rows, sys.stdout, default=str, indent=2)
        print()
        return 0
    print(f"{'employer':<28} {'period':<10} {'status':<11} {'pub':<4} {'empl':>5} "
          f"{'seconds':>8} {'quality':<9} {'delivered':<10} error")
    for row in rows:
        seconds = ((row["finished_at"] - row["started_at"]).total_seconds()
                   if row["finished_at"] else None)
        print(f"{row['employer_id']:<28} {row['period']:<10} {row['status']:<11} "
              f"{'yes' if row['published'] else '':<4} {row['employees'] or '':>5} "
              f"{'' if seconds is None else f'{seconds:.1f}':>8} {_quality(row):<9} "
              f"{_delivered(row):<10} {(row['error_class'] or '')} "
              f"{(row['error_message'] or '')[:80]}")
    return 0


def _quality(row: dict) -> str:
    if row["quality_errors"] is None:
        return ""
    return f"{row['quality_errors']}E/{row['quality_warnings']}W"


def _delivered(row: dict) -> str:
    return f"v{row['delivered_version']}" if row["delivered_version"] else ""
