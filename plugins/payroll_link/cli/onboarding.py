"""Onboarding commands: `preflight`, `intake` and `employees-file` (see payroll_link.onboarding)."""

from __future__ import annotations

import argparse

from payroll_link.onboarding import cli_support as cs


def register(subparsers) -> None:
    """Add the onboarding subcommands."""
    _register_preflight(subparsers)
    _register_intake(subparsers)
    _register_employees_file(subparsers)


def _register_preflight(subparsers) -> None:
    p = subparsers.add_parser(
        "preflight", help="check a registration against Nmbrs before realising the link",
        description="Check credentials and domain, the company, the API grants (per debtor) "
                    "or the debtor tag (umbrella), and the DGA; exit 1 when not ready.",
        epilog="example: koppeling preflight --company-name 'Bakkerij Van den Berg B.V.' "
               "--account-mode per_debtor --conn-id nmbrs_bakkerij --dga-name 'S. Bakker' "
               "--dga-number 1")
    p.add_argument("--company-name", required=True, help="literally as spelled in Nmbrs")
    p.add_argument("--account-mode", required=True, choices=("per_debtor", "umbrella"))
    p.add_argument("--dga-name", help="the DGA's name, if a DGA is on the payroll")
    p.add_argument("--dga-number", type=int, help="the DGA's employee number")
    cs.add_access_args(p)
    cs.add_output_args(p)
    p.set_defaults(handler=run_preflight_command)


def _register_intake(subparsers) -> None:
    p = subparsers.add_parser(
        "intake", help="check the uploaded employees file against Nmbrs",
        description="Validate the employees file (Naam, Geboortedatum, Personeelsid; CSV or "
                    "XLSX) and reconcile it with the company's active employees in Nmbrs.",
        epilog="example: koppeling intake medewerkers.csv --employer bakkerij_van_den_berg "
               "--report intake.xlsx")
    p.add_argument("file", help="the employees file (.csv or .xlsx)")
    _add_employer_or_company(p)
    p.add_argument("--report", help="write the detail report (.csv or .xlsx; names, no BSNs)")
    cs.add_output_args(p)
    p.set_defaults(handler=run_intake_command)


def _register_employees_file(subparsers) -> None:
    p = subparsers.add_parser(
        "employees-file", help="write the employees file (Naam, Geboortedatum, Personeelsid)",
        epilog="example: koppeling employees-file --employer bakkerij_van_den_berg "
               "--out medewerkers.xlsx")
    _add_employer_or_company(p)
    p.add_argument("--out", required=True, help="output file (.csv or .xlsx)")
    cs.add_output_args(p)
    p.set_defaults(handler=run_employees_file_command)


def _add_employer_or_company(p: argparse.ArgumentParser) -> None:
    p.add_argument("--employer", help="employer id in the registry (gives connection and "
                   "company)")
    p.add_argument("--company-id", type=int, help="Nmbrs company id (with --conn-id)")
    cs.add_registry_arg(p)
    cs.add_access_args(p)


def run_preflight_command(args) -> int:
    """Run the preflight; print the report (or JSON); exit 0 when ready, 1 when not."""
    from payroll_link.onboarding.access import AccessError, make_client, token_source
    from payroll_link.onboarding.preflight import Registration, run_preflight
    from payroll_link.onboarding.render import render_preflight

    try:
        client = make_client(conn_id=args.conn_id, token_env=args.token_env,
                             username=args.username, domain=args.domain, base_url=args.base_url)
        registration = Registration(
            company_name=args.company_name, account_mode=args.account_mode,
            username=client.settings.username, domain=client.settings.domain,
            token_source=token_source(args.conn_id, args.token_env),
            dga_name=args.dga_name, dga_employee_number=args.dga_number)
    except (AccessError, ValueError) as err:
        return cs.fail(str(err))
    result = run_preflight(client, registration, progress=cs.progress_for(args)).to_dict()
    cs.emit(args, result, render_preflight(result))
    return cs.EXIT_OK if result["ready"] else cs.EXIT_NOT_READY


def _client_and_company(args):
    """Return (client, company_id) from --employer, or from --conn-id/--token-env + --company-id."""
    from payroll_link.onboarding.access import make_client
    from payroll_link.registry import load_registry

    if args.employer:
        try:
            employer = load_registry(cs.registry_path(args)).by_id(args.employer)
        except KeyError as err:
            raise ValueError(err.args[0]) from None
        return make_client(conn_id=employer.nmbrs_conn_id, base_url=args.base_url,
                           username=args.username, domain=args.domain), \
            employer.nmbrs_company_id
    if args.company_id is None:
        raise ValueError("give --employer ID, or --conn-id/--token-env with --company-id")
    return make_client(conn_id=args.conn_id, token_env=args.token_env, username=args.username,
                       domain=args.domain, base_url=args.base_url), args.company_id


def run_intake_command(args) -> int:
    """Validate and reconcile the file; exit 0 when all match, 1 on differences, 2 if unusable."""
    from nmbrs.client import NmbrsError
    from payroll_link.onboarding.access import AccessError
    from payroll_link.onboarding.employees_file import EmployeesFileError, read_employees_file
    from payroll_link.onboarding.intake import reconcile
    from payroll_link.onboarding.report import write_report
    from payroll_link.onboarding.roster import active_roster

    try:
        upload = read_employees_file(args.file)  # a bad file fails before any Nmbrs call
        client, company_id = _client_and_company(args)
        result = reconcile(upload, active_roster(client, company_id, cs.progress_for(args)),
                           company_id)
        if args.report:
            write_report(args.report, result)
    except (EmployeesFileError, AccessError, NmbrsError, ValueError, OSError) as err:
        return cs.fail(str(err))
    data = result.to_dict()
    if args.report:
        data["report"] = str(args.report)
    cs.emit(args, data, render_intake(data))
    return cs.EXIT_OK if result.ok else cs.EXIT_NOT_READY


def render_intake(data: dict) -> str:
    """Return the intake summary, the row errors and the differences as text (no names)."""
    from payroll_link.onboarding.render import table

    summary = data["summary"]
    parts = [table(["item", "count"], [[key, value] for key, value in summary.items()])]
    if data["errors"]:
        parts.append(table(["line", "column", "problem"],
                           [[e["line"], e["column"], e["reason"]] for e in data["errors"]]))
    if data["details"]:
        parts.append(table(["status", "personeelsid", "line", "nmbrs id", "differs"], [
            [d["status"], d["personnel_id"], d["line"], d["employee_id"],
             ", ".join(d["mismatches"])] for d in data["details"]]))
    parts.append(("OK: file and Nmbrs agree" if data["ok"] else "NOT OK: see above")
                 + (f"; names and dates in {data['report']}" if data.get("report") else ""))
    return "\n\n".join(parts)


def run_employees_file_command(args) -> int:
    """Write the employees file of a company from Nmbrs."""
    from nmbrs.client import NmbrsError
    from payroll_link.onboarding.access import AccessError
    from payroll_link.onboarding.employees_file import write_employees_file
    from payroll_link.onboarding.roster import active_roster, employees_file_rows

    try:
        client, company_id = _client_and_company(args)
        rows = employees_file_rows(active_roster(client, company_id, cs.progress_for(args)))
        write_employees_file(args.out, rows)
    except (AccessError, NmbrsError, ValueError, OSError) as err:
        return cs.fail(str(err))
    data = {"file": str(args.out), "company_id": company_id, "employees": len(rows)}
    cs.emit(args, data, f"wrote {len(rows)} employees of company {company_id} to {args.out}")
    return cs.EXIT_OK
