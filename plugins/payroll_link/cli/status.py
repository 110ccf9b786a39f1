"""`koppeling status`: recent extractions per employer and period, and why each was (not) delivered.

The drift column counts the distinct (call, element) drifts per kind, e.g. ``1missing
2unmapped``; `koppeling drift --extraction ID` names them.

Says how many rows the limit hides, which delivered version is in force for the period, and for
a period that was not delivered: the quality gate blocked it, it lies before the first exchange
date, its content was unchanged since the version in force, or the run failed (error class).
"""

from __future__ import annotations

import json
import sys

_WHERE = "where (cast(:employer as text) is null or e.employer_id = :employer)"
_STATUS_SQL = f"""
select e.employer_id, e.period, e.period_start, e.status, e.started_at, e.finished_at,
       (e.counts ->> 'employees_in_period')::int as employees, e.wage_code_path,
       e.error_class, e.error_message, (p.extraction_id is not null) as published,
       q.errors as quality_errors, q.warnings as quality_warnings, q.passed as quality_passed,
       d.version as delivered_version, d.status as delivery_status, d.receipt_id,
       d.error_class as delivery_error,
       (select max(f.version) from ops.delivery f where f.employer_id = e.employer_id
        and f.period = e.period and f.status = 'delivered') as version_in_force,
       s.drift
from ops.extraction e
left join ops.published_partition p on p.extraction_id = e.extraction_id
left join lateral (select errors, warnings, passed from ops.quality_run r
                   where r.extraction_id = e.extraction_id
                   order by r.started_at desc limit 1) q on true
left join lateral (select version, status, receipt_id, error_class from ops.delivery d
                   where d.extraction_id = e.extraction_id
                   order by d.version desc, d.created_at desc limit 1) d on true
left join lateral (select string_agg(k.n || k.kind, ' ' order by k.kind) as drift
                   from (select kind, count(distinct (operation, element)) as n
                         from ops.source_drift sd where sd.extraction_id = e.extraction_id
                         and kind <> 'shape' group by kind) k) s on true
{_WHERE}
order by e.started_at desc
limit :limit
"""
_COUNT_SQL = f"select count(*) from ops.extraction e {_WHERE}"


def register(subparsers) -> None:
    """Add the status command."""
    status = subparsers.add_parser(
        "status", help="recent extractions per employer and period, and why not delivered")
    status.add_argument("--employer", default=None, help="employer id of the registry")
    status.add_argument("--limit", type=int, default=20, help="rows to show (newest first)")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=show_status)


def known_employers() -> dict:
    """Return the registry's employers by id (offboarded ones included: their history stays)."""
    from payroll_link.runtime import registry

    return {e.employer_id: e for e in registry().employers}


def reason(row: dict, employer) -> str:
    """Say why the extraction's period was delivered or not, in a few words."""
    if row["status"] == "failed":
        return f"failed: {row['error_class'] or ''} {(row['error_message'] or '')[:80]}".strip()
    if row["status"] in ("running", "landed"):
        return "running"
    if row["status"] == "superseded":
        return "superseded by a later extraction"
    if row["delivery_status"] == "delivered":
        return f"delivered v{row['delivered_version']}"
    if row["delivery_status"] in ("failed", "rejected", "pending"):
        return f"delivery v{row['delivered_version']} {row['delivery_status']}" + (
            f" ({row['delivery_error']})" if row["delivery_error"] else "")
    if row["quality_passed"] is False:
        return f"not delivered: quality gate blocked ({row['quality_errors']} error rules)"
    first = getattr(employer, "first_exchange_date", None)
    if first and row["period_start"] < first:
        return f"not delivered: before the first exchange date {first.isoformat()}"
    if row["quality_passed"] is None:
        return "not delivered: quality gate not run yet"
    if row["version_in_force"]:
        return f"unchanged: v{row['version_in_force']} in force"
    return "not delivered"


def show_status(args) -> int:
    """Print the most recent extractions (ids, states, counts; no personal data)."""
    from sqlalchemy import text

    from payroll_link.cli.warehouse import _engine
    from payroll_link.onboarding import cli_support as cs

    employers = known_employers()
    keys = {"employer": args.employer, "limit": args.limit}
    with _engine().connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text(_STATUS_SQL), keys)]
        total = conn.execute(text(_COUNT_SQL), keys).scalar()
    if args.employer is not None and args.employer not in employers and not total:
        return cs.fail(f"unknown employer {args.employer!r}: not in the registry and no "
                       "extractions recorded")
    for row in rows:
        row["reason"] = reason(row, employers.get(row["employer_id"]))
    if args.json:
        json.dump({"rows": rows, "shown": len(rows), "total": total}, sys.stdout, default=str,
                  indent=2)
        print()
        return 0
    _print_table(rows)
    hidden = total - len(rows)
    print(f"{len(rows)} of {total} extractions shown (newest first)"
          + (f"; {hidden} hidden: --limit {total} shows all" if hidden else ""))
    return 0


def _print_table(rows: list[dict]) -> None:
    print(f"{'employer':<28} {'period':<10} {'status':<11} {'pub':<4} {'empl':>5} "
          f"{'seconds':>8} {'quality':<9} {'in force':<8} {'drift':<20} why")
    for row in rows:
        seconds = ((row["finished_at"] - row["started_at"]).total_seconds()
                   if row["finished_at"] else None)
        quality = ("" if row["quality_errors"] is None
                   else f"{row['quality_errors']}E/{row['quality_warnings']}W")
        in_force = f"v{row['version_in_force']}" if row["version_in_force"] else ""
        print(f"{row['employer_id']:<28} {row['period']:<10} {row['status']:<11} "
              f"{'yes' if row['published'] else '':<4} {row['employees'] or '':>5} "
              f"{'' if seconds is None else f'{seconds:.1f}':>8} {quality:<9} {in_force:<8} "
              f"{row['drift'] or '':<20} {row['reason']}")
