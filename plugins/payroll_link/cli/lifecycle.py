"""Lifecycle commands: `register`, `realise`, `pause`, `resume`, `offboard` (dry run unless --yes).

Each edits the employer registry through the ``Employer`` model, shows the diff, and with
``--yes`` writes it atomically and records the change in ``ops.registry_change``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from payroll_link.onboarding import cli_support as cs

_HELP = {
    "realise": "the link is realised: the employer gets its DAG (first exchange, backfill)",
    "pause": "pause the employer: its DAG stays but is paused",
    "resume": "resume a paused employer",
    "offboard": "offboard the employer: the DAG goes, the warehouse history stays",
}


def register(subparsers) -> None:
    """Add the lifecycle subcommands."""
    _register_register(subparsers)
    for action, text in _HELP.items():
        p = subparsers.add_parser(action, help=text, description=text,
                                  epilog=f"example: koppeling {action} bakkerij_van_den_berg"
                                  + (" --first-exchange-date 2026-12-01" if action == "realise"
                                     else "") + " --yes")
        p.add_argument("employer_id")
        if action == "realise":
            p.add_argument("--first-exchange-date", type=dt.date.fromisoformat,
                           help="first period start a.s.r. exchanges (jjjj-mm-dd)")
            p.add_argument("--backfill-start", type=dt.date.fromisoformat,
                           help="first period start of the history to backfill (jjjj-mm-dd)")
        _common(p)
        p.set_defaults(handler=run_transition, action=action)


def _common(p) -> None:
    p.add_argument("--yes", action="store_true", help="apply the change (default: dry run)")
    p.add_argument("--actor", default=None, help="who makes the change (default: $USER)")
    cs.add_registry_arg(p)
    cs.add_output_args(p)


def _register_register(subparsers) -> None:
    p = subparsers.add_parser(
        "register", help="add a registered employer (no DAG yet), with the intake result",
        epilog="example: koppeling register --employer-id hoekstra_transport --asr-reference "
               "ASR-WG-100005 --company-name 'Transportbedrijf Hoekstra B.V.' --company-id 2005 "
               "--debtor-id 1004 --account-mode per_debtor --conn-id nmbrs_hoekstra --domain "
               "salarisnoord --frequency monthly --product pension --intake medewerkers.csv")
    for name, kwargs in (
        ("--employer-id", {"required": True}), ("--asr-reference", {"required": True}),
        ("--company-name", {"required": True, "help": "literally as spelled in Nmbrs"}),
        ("--company-id", {"required": True, "type": int}),
        ("--debtor-id", {"required": True, "type": int}),
        ("--account-mode", {"required": True, "choices": ("per_debtor", "umbrella")}),
        ("--conn-id", {"required": True, "help": "Airflow connection holding the token"}),
        ("--domain", {"required": True}),
        ("--frequency", {"required": True, "choices": ("monthly", "four_weekly")}),
        ("--product", {"required": True, "choices": ("pension", "income_insurance")}),
        ("--dga-name", {}), ("--dga-number", {"type": int}),
        ("--delivery-conn-id", {"default": "asr_delivery"}), ("--notes", {}),
    ):
        p.add_argument(name, **kwargs)
    intake = p.add_mutually_exclusive_group()
    intake.add_argument("--intake", type=Path, help="employees file: run the intake now")
    intake.add_argument("--intake-result", type=Path,
                        help="JSON saved from `koppeling intake --json`")
    p.add_argument("--base-url", help="SOAP root URL for the intake (e.g. a simulator)")
    _common(p)
    p.set_defaults(handler=run_register, action="register")


def run_register(args) -> int:
    """Plan (and with --yes apply) a new registered employer."""
    from payroll_link.onboarding.lifecycle import LifecycleError, plan_register

    try:
        summary = _intake_summary(args)
        fields = {
            "employer_id": args.employer_id, "asr_reference": args.asr_reference,
            "company_name": args.company_name, "nmbrs_company_id": args.company_id,
            "nmbrs_debtor_id": args.debtor_id, "account_mode": args.account_mode,
            "nmbrs_conn_id": args.conn_id, "domain": args.domain, "frequency": args.frequency,
            "product": args.product, "delivery_conn_id": args.delivery_conn_id,
            "dga": _dga(args), "notes": _notes(args.notes, summary),
        }
        change = plan_register(cs.registry_path(args), fields)
    except (LifecycleError, ValueError, OSError) as err:
        return cs.fail(str(err))
    return _finish(args, change, summary)


def run_transition(args) -> int:
    """Plan (and with --yes apply) realise, pause, resume or offboard."""
    from payroll_link.onboarding.lifecycle import LifecycleError, plan_transition

    changes = {}
    if args.action == "realise":
        changes = {"first_exchange_date": args.first_exchange_date,
                   "backfill_start": args.backfill_start}
    try:
        change = plan_transition(cs.registry_path(args), args.action, args.employer_id,
                                 **changes)
    except (LifecycleError, OSError) as err:
        return cs.fail(str(err))
    return _finish(args, change, None)


def _finish(args, change, summary: dict | None) -> int:
    """Show the change; with --yes write the registry and record the change in the warehouse."""
    from payroll_link.onboarding.lifecycle import LifecycleError

    data = {**change.to_dict(), "applied": False, "intake_summary": summary}
    if args.yes:
        actor = args.actor or cs.default_actor()
        try:
            from payroll_link.onboarding.changelog import apply_and_record
            from payroll_link.runtime import warehouse_engine

            data["recorded"] = apply_and_record(warehouse_engine(), change, actor, summary)
        except (LifecycleError, ValueError) as err:
            return cs.fail(str(err))
        except Exception as err:  # noqa: BLE001 - warehouse down: say so, file untouched
            return cs.fail(f"the change was not applied: recording it in the warehouse failed "
                           f"({type(err).__name__}: {str(err).splitlines()[0][:200]})")
        data.update(applied=True, actor=actor)
        try:
            data["airflow"] = apply_to_airflow(change)
        except Exception as err:  # noqa: BLE001 - the registry holds; say what Airflow lacks
            cs.emit(args, data, _text(data))
            return cs.fail(f"the registry was changed, but Airflow was not updated "
                           f"({type(err).__name__}: {str(err).splitlines()[0][:200]}); run the "
                           f"command `{_airflow_fix(change)}`", cs.EXIT_NOT_READY)
    cs.emit(args, data, _text(data))
    return cs.EXIT_OK


# What each action does to the DAG in Airflow: pause it (True), unpause it (False), or nothing.
_PAUSE = {"pause": True, "offboard": True, "resume": False, "realise": False}


def apply_to_airflow(change) -> list[str]:
    """Make Airflow follow the registry change: pause state of the DAG, the account's pool."""
    from payroll_link.cli import _airflow
    from payroll_link.registry import dag_id_for

    done = []
    if change.action == "realise":
        done += [f"pool {name} ready" for name in _airflow.ensure_pools([change.after])]
    if change.action in _PAUSE:
        done.append(_airflow.set_paused(dag_id_for(change.after), _PAUSE[change.action]))
    return done


def _airflow_fix(change) -> str:
    from payroll_link.registry import dag_id_for

    verb = "pause" if _PAUSE.get(change.action) else "unpause"
    return f"airflow dags {verb} {dag_id_for(change.after)}"


def _text(data: dict) -> str:
    lines = [data["diff"] or "(no field changes)", "",
             f"{data['action']} {data['employer_id']}: {data['status_before'] or '-'} -> "
             f"{data['status_after']}; {data['dag_effect']}"]
    if data["applied"]:
        rec = data["recorded"]
        lines.extend(f"airflow: {line}" for line in data.get("airflow", []))
        lines.append(f"applied to {data['registry']}; recorded as change {rec['id']} by "
                     f"{data['actor']} at {rec['at']}")
    else:
        lines.append("dry run: nothing changed; add --yes to apply")
    return "\n".join(lines)


def _dga(args) -> dict | None:
    if args.dga_name is None and args.dga_number is None:
        return None
    return {"name": args.dga_name, "employee_number": args.dga_number}


def _intake_summary(args) -> dict | None:
    """Return the intake summary from --intake-result, or by running the intake (--intake)."""
    if args.intake_result:
        data = json.loads(args.intake_result.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "summary" not in data:
            raise ValueError(f"{args.intake_result}: not a `koppeling intake --json` result")
        return data["summary"]
    if not args.intake:
        return None
    from nmbrs.client import NmbrsError
    from payroll_link.onboarding.access import AccessError, make_client
    from payroll_link.onboarding.employees_file import EmployeesFileError
    from payroll_link.onboarding.roster import intake_from_nmbrs

    try:
        client = make_client(conn_id=args.conn_id, domain=args.domain, base_url=args.base_url)
        return intake_from_nmbrs(client, args.company_id, args.intake,
                                 cs.progress_for(args)).summary
    except (AccessError, EmployeesFileError, NmbrsError) as err:
        raise ValueError(f"intake: {err}") from err


def _notes(notes: str | None, summary: dict | None) -> str | None:
    if summary is None:
        return notes
    line = (f"intake {dt.date.today().isoformat()}: {summary['matched']} of "
            f"{summary['active_in_nmbrs']} active employees matched, "
            f"{summary['missing_from_file']} missing, {summary['extra_in_file']} extra, "
            f"{summary['birth_date_mismatch'] + summary['name_mismatch']} mismatches, "
            f"{summary['file_errors']} file errors")
    return f"{notes}\n{line}" if notes else line
