"""`koppeling preflight-rest EMPLOYER`: the REST preflight of a registry entry (its connection).

Checks the REST company and its name, the debtor tag in umbrella mode, and one read per data set
the pipeline needs; a missing scope is named with the re-consent to do. Exit 1 when not ready.
"""

from __future__ import annotations

from payroll_link.onboarding import cli_support as cs


def register(subparsers) -> None:
    """Add the preflight-rest command."""
    p = subparsers.add_parser("preflight-rest", help="REST preflight of a registry employer: "
                              "company, debtor tag (umbrella), a scope per data set",
                              description=__doc__,
                              epilog="example: koppeling preflight-rest bakkerij_van_den_berg")
    p.add_argument("employer_id")
    cs.add_registry_arg(p)
    cs.add_output_args(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    """Run the REST preflight with the employer's `rest_conn_id` connection."""
    from nmbrs.hooks.nmbrs_rest import NmbrsRestHook
    from payroll_link.onboarding.preflight_rest import run_preflight_rest
    from payroll_link.registry import load_registry

    try:
        employer = load_registry(cs.registry_path(args)).by_id(args.employer_id)
    except KeyError as err:
        return cs.fail(str(err))
    if not employer.rest_conn_id or not employer.rest_company_id:
        return cs.fail(f"employer {employer.employer_id!r} has no rest_conn_id/rest_company_id")
    client = NmbrsRestHook(nmbrs_rest_conn_id=employer.rest_conn_id,
                          warehouse_url=cs.token_store_url()).get_conn()
    result = run_preflight_rest(client, employer)
    lines = [f"{c.status:<8} {c.check:<8} {c.message}" for c in result.checks]
    lines += [f"action: {a.en} / {a.nl}" for a in result.actions]
    lines.append(f"verdict: {'ready' if result.ready else 'NOT READY'}")
    cs.emit(args, result.to_dict(), "\n".join(lines))
    return cs.EXIT_OK if result.ready else cs.EXIT_NOT_READY
