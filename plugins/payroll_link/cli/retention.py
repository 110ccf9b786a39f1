"""`koppeling retention`: purge personal data past its retention period (docs/personal-data.md)."""

from __future__ import annotations

import os

from payroll_link.onboarding import cli_support as cs


def register(subparsers) -> None:
    """Add the retention command."""
    parser = subparsers.add_parser(
        "retention", help="purge raw payloads, staging rows and messages past retention",
        description="Count (--dry-run) or purge (--yes) the personal data the retention policy "
                    "(config/retention.yaml) says has been kept long enough: raw Nmbrs answers, "
                    "staging rows, stored pension messages; offboarded employers entirely. "
                    "Stored messages not yet encrypted are sealed. Ledger rows stay.",
        epilog="example: koppeling retention --dry-run; koppeling retention --yes")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="count only; change nothing")
    mode.add_argument("--yes", action="store_true", help="purge and log in ops.retention_run")
    parser.add_argument("--reseal", action="store_true",
                        help="also re-encrypt every stored message with the newest key "
                             "(after a key rotation)")
    parser.add_argument("--policy", default=None,
                        help="retention file (default $KOPPELING_RETENTION or "
                             "config/retention.yaml)")
    parser.add_argument("--employer", action="append", default=None,
                        help="only this employer_id (repeatable); default: all")
    parser.add_argument("--actor", default=None, help="who runs it (default: $USER)")
    cs.add_registry_arg(parser)
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(handler=run_retention_command)


def run_retention_command(args) -> int:
    """Run the retention and print one line per employer and target that has rows."""
    from payroll_link.handoff.errors import HandoffConfigError
    from payroll_link.onboarding.render import table
    from payroll_link.registry import load_registry
    from payroll_link.retention.policy import RetentionConfigError, load_policy
    from payroll_link.retention.purge import run_retention
    from payroll_link.warehouse import make_engine, warehouse_url

    try:
        policy = load_policy(args.policy)
        employers = {e.employer_id: e.status for e in
                     load_registry(cs.registry_path(args)).employers}
        engine = make_engine(os.environ.get("AIRFLOW_CONN_WAREHOUSE") or warehouse_url())
        steps = run_retention(engine, employers, policy, apply=args.yes,
                              actor=args.actor or cs.default_actor(), reseal=args.reseal,
                              only=set(args.employer) if args.employer else None)
    except (RetentionConfigError, HandoffConfigError) as err:
        return cs.fail(str(err))
    touched = [s for s in steps if s.rows]
    data = {"applied": bool(args.yes), "steps": [s.to_dict() for s in touched]}
    verb = "purged/sealed" if args.yes else "would purge/seal (dry run)"
    text = table(["employer", "target", "reason", "cutoff", "rows"], [
        [s.employer_id, s.target, s.reason, s.cutoff.isoformat()[:10] if s.cutoff else "",
         s.rows] for s in touched]) if touched else "nothing to purge"
    cs.emit(args, data, f"{text}\n\n{sum(s.rows for s in touched)} rows {verb}")
    return cs.EXIT_OK
