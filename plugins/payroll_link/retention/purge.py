"""Apply the retention policy: purge personal data past its period, seal plain stored messages.

Per employer, in one transaction, counted (dry run) or deleted (apply):
- ``raw.call_payload`` fetched before now − raw_days, and that of never-published extractions
  started before now − unpublished_days;
- every staging table (each table of schema ``staging`` with an ``_employer`` column) for
  extractions started before now − staging_days, or never published and older than
  unpublished_days;
- stored messages (``ops.delivery_message``) of ledger rows created before now − message_days,
  except the version in force of the two latest delivered periods (the stands the next period's
  mutations, and a re-run of the latest period, are derived from) and versions still pending or
  failed (to be resent);
- an offboarded employer (status offboarded, or gone from the registry) loses all three,
  without exceptions, once offboarded_days have passed since the offboarding.
Ledger, extraction, quality and registry-audit rows (ids, hashes, counts) stay. Each step that
touched rows is logged in ``ops.retention_run`` (counts only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import text

from payroll_link.handoff import sealing
from payroll_link.retention.policy import Retention, RetentionPolicy

_UNPUBLISHED = ("select extraction_id from ops.extraction where employer_id = :e and "
                "status <> 'published' and started_at < :unpub")
_OLD_OR_UNPUBLISHED = ("select extraction_id from ops.extraction where employer_id = :e and "
                       "(started_at < :staging or (status <> 'published' and started_at < "
                       ":unpub))")
_RAW = f"raw.call_payload where employer_id = :e and (fetched_at < :raw or extraction_id in " \
       f"({_UNPUBLISHED}))"
_MESSAGES = ("ops.delivery_message where delivery_id in (select delivery_id from ops.delivery "
             "where employer_id = :e and created_at < :msg and (:gone or (status not in "
             "('pending', 'failed') and not cast(delivery_id as text) = any(cast(:keep as "
             "text[])))))")
# The version in force of the two latest delivered periods: the next period's mutations are
# derived from the latest, a re-run or correction of the latest from the one before it.
_KEEP = ("select cast(delivery_id as text) from (select distinct on (period_start) delivery_id, "
         "period_start from ops.delivery where employer_id = :e and status = 'delivered' "
         "order by period_start desc, version desc) latest order by period_start desc limit 2")


@dataclass(frozen=True)
class Step:
    """What one target of one employer lost (or would lose): counts and the cutoff, no values."""

    employer_id: str
    target: str
    reason: str
    cutoff: dt.datetime | None
    rows: int

    def to_dict(self) -> dict:
        """Return the step as JSON-ready data."""
        return {**asdict(self), "cutoff": self.cutoff.isoformat() if self.cutoff else None}


def run_retention(engine, employers: dict[str, str], policy: RetentionPolicy, *,
                  apply: bool, actor: str, now: dt.datetime | None = None,
                  reseal: bool = False, only: set[str] | None = None) -> list[Step]:
    """Count or purge for every employer (`employers`: id → registry status); return the steps.

    Employers that only the warehouse knows (removed from the registry) count as offboarded.
    `only` limits the run to those employer ids.
    """
    now = now or dt.datetime.now(dt.UTC)
    run_id = str(uuid.uuid4())
    steps: list[Step] = []
    for employer_id in sorted(set(employers) | _warehouse_employers(engine)):
        if only is not None and employer_id not in only:
            continue
        status = employers.get(employer_id, "offboarded")
        with engine.begin() as conn:
            found = _employer_steps(conn, employer_id, status, policy.for_employer(employer_id),
                                    now, apply)
            found += _seal_steps(conn, employer_id, apply, reseal)
            if apply:
                _log(conn, run_id, actor, [s for s in found if s.rows])
        steps += found
    return steps


def _employer_steps(conn, employer_id: str, status: str, periods: Retention,
                    now: dt.datetime, apply: bool) -> list[Step]:
    gone = status == "offboarded" and _offboarded_since(conn, employer_id, now) \
        <= now - dt.timedelta(days=periods.offboarded_days)
    def cutoff(days: int) -> dt.datetime:
        return now if gone else now - dt.timedelta(days=days)

    params = {"e": employer_id, "raw": cutoff(periods.raw_days),
              "unpub": cutoff(periods.unpublished_days), "staging": cutoff(periods.staging_days),
              "msg": cutoff(periods.message_days), "gone": gone,
        "keep": list(conn.execute(text(_KEEP), {"e": employer_id}).scalars())}
    reason = "offboarded" if gone else "age"
    targets = [("raw.call_payload", _RAW, params["raw"])]
    targets += [(f"staging.{table}", f"staging.{table} where _employer = :e and _extraction_id "
                 f"in ({_OLD_OR_UNPUBLISHED})", params["staging"])
                for table in _staging_tables(conn)]
    targets.append(("ops.delivery_message", _MESSAGES, params["msg"]))
    verb = "delete from" if apply else "select count(*) from"
    steps = []
    for target, clause, cutoff in targets:
        result = conn.execute(text(f"{verb} {clause}"), params)
        rows = result.rowcount if apply else result.scalar()
        steps.append(Step(employer_id, target, reason, cutoff, rows))
    return steps


def _seal_steps(conn, employer_id: str, apply: bool, reseal: bool) -> list[Step]:
    """Seal plain stored messages (V0400's conversion); with `reseal`, move all to the new key."""
    where = "" if reseal else " and m.format = 'plain'"
    rows = conn.execute(text(
        "select m.delivery_id, m.body, m.format from ops.delivery_message m join ops.delivery d "
        f"using (delivery_id) where d.employer_id = :e{where}"), {"e": employer_id}).all()
    if apply and rows:
        keys = sealing.keyring()
        for row in rows:
            conn.execute(text("update ops.delivery_message set body = :b, format = :f "
                              "where delivery_id = :d"),
                         {"b": sealing.reseal(bytes(row.body), row.format, keys),
                          "f": sealing.SEALED, "d": row.delivery_id})
    return [Step(employer_id, "ops.delivery_message", "resealed" if reseal else "sealed", None,
                 len(rows))]


def _offboarded_since(conn, employer_id: str, now: dt.datetime) -> dt.datetime:
    """Return when the employer was offboarded (audit trail), else its last activity."""
    at = conn.execute(text(
        "select coalesce((select max(at) from ops.registry_change where employer_id = :e and "
        "action = 'offboard'), greatest((select max(started_at) from ops.extraction where "
        "employer_id = :e), (select max(created_at) from ops.delivery where employer_id = :e)))"),
        {"e": employer_id}).scalar()
    return at or now


def _staging_tables(conn) -> list[str]:
    return list(conn.execute(text(
        "select c.table_name from information_schema.columns c join information_schema.tables t "
        "using (table_schema, table_name) where c.table_schema = 'staging' and "
        "c.column_name = '_employer' and t.table_type = 'BASE TABLE' order by c.table_name"
    )).scalars())


def _warehouse_employers(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text(
            "select employer_id from ops.extraction union select employer_id from ops.delivery"
        )).scalars())


def _log(conn, run_id: str, actor: str, steps: list[Step]) -> None:
    for step in steps:
        conn.execute(text(
            "insert into ops.retention_run (run_id, actor, employer_id, target, cutoff, rows, "
            "reason) values (:r, :a, :e, :t, :c, :n, :why)"),
            {"r": run_id, "a": actor, "e": step.employer_id, "t": step.target,
             "c": step.cutoff, "n": step.rows, "why": step.reason})
