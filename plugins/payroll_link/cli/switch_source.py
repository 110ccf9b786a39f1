"""`koppeling switch-source EMPLOYER --to rest`: compare both sources, then move the employer.

Reads the current payroll period through SOAP and REST (nothing is landed), matches the company
and every employee by personnel number, and shows which canonical data differ (entities, columns,
employee ids; never values). With --yes it rewrites the registry atomically and records the
change in ops.registry_change, but only when the sources agree or --accept-differences is given.
"""

from __future__ import annotations

from payroll_link.onboarding import cli_support as cs

EXIT_DIFFERENT = 1


def register(subparsers) -> None:
    """Add the switch-source command."""
    p = subparsers.add_parser(
        "switch-source", help="move an employer between the SOAP and REST source",
        description=__doc__,
        epilog="example: koppeling switch-source bakkerij_van_den_berg --to rest --yes")
    p.add_argument("employer_id")
    p.add_argument("--to", required=True, choices=("rest", "soap"), help="the source to read")
    p.add_argument("--accept-differences", action="store_true",
                   help="switch even though the sources' canonical data differ")
    p.add_argument("--yes", action="store_true", help="apply the switch (default: dry run)")
    p.add_argument("--actor", default=None, help="who makes the change (default: $USER)")
    cs.add_registry_arg(p)
    cs.add_output_args(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    """Compare, show, and (with --yes, when allowed) switch."""
    from nmbrs.client import NmbrsError
    from payroll_link.onboarding.lifecycle import LifecycleError
    from payroll_link.onboarding.switch import plan_switch

    try:
        change = plan_switch(cs.registry_path(args), args.employer_id, args.to)
        comparison = _compare(change.after if args.to == "rest" else change.before)
    except (LifecycleError, NmbrsError, ValueError) as err:
        return cs.fail(str(err))
    return finish(args, change, comparison)


def finish(args, change, comparison) -> int:
    """Print the comparison and the registry diff; apply when allowed and asked."""
    from payroll_link.onboarding.changelog import apply_and_record
    from payroll_link.runtime import warehouse_engine  # the one resolver (Airflow connection)

    data = {**change.to_dict(), "comparison": comparison.to_dict(), "applied": False}
    allowed = comparison.agree or args.accept_differences
    if args.yes and allowed:
        actor = args.actor or cs.default_actor()
        summary = {"switch_source": {k: v for k, v in comparison.to_dict().items()
                                     if k != "differences"},
                   "differing_entities": sorted(comparison.differences)}
        data["recorded"] = apply_and_record(warehouse_engine(), change, actor, summary)
        data.update(applied=True, actor=actor)
    cs.emit(args, data, render(data, allowed))
    return cs.EXIT_OK if allowed else EXIT_DIFFERENT


def _compare(employer):
    """Build both sources from the employer's connections and compare the current period."""
    from nmbrs.hooks.nmbrs import NmbrsHook
    from nmbrs.hooks.nmbrs_rest import NmbrsRestHook
    from payroll_link.extraction.sources.rest import NmbrsRestSource
    from payroll_link.extraction.sources.rest_map import RestIds
    from payroll_link.extraction.sources.soap import NmbrsSoapSource
    from payroll_link.onboarding.switch import compare_sources
    from payroll_link.periods import get_period

    soap = NmbrsSoapSource(NmbrsHook(nmbrs_conn_id=employer.nmbrs_conn_id).get_conn())
    rest_client = NmbrsRestHook(nmbrs_rest_conn_id=employer.rest_conn_id,
                          warehouse_url=cs.token_store_url()).get_conn()
    year, number = soap.current_period(employer.nmbrs_company_id)
    period = get_period(employer.frequency, year, number)

    def rest_for(ids):
        return NmbrsRestSource(rest_client, {employer.nmbrs_company_id: employer.rest_company_id},
                               RestIds(ids.employees))

    return compare_sources(employer, soap, rest_for, rest_client, period)


def render(data: dict, allowed: bool) -> str:
    """Return the readable report: company, employees, differences, decision."""
    c = data["comparison"]
    company = c["company"]
    lines = [f"switch-source {data['employer_id']} (period {c['period']})",
             f"company: REST {company['rest_company_id']} "
             + ("matches the registry's name" if company["matched"] else
                f"does NOT match (found: {company['found']}, name: {company['rest_name']!r})"),
             f"employees: {c['employees_matched']} matched by personnel number; only in SOAP: "
             f"{c['only_soap'] or 'none'}; only in REST: {c['only_rest'] or 'none'}"]
    if c["differences"]:
        lines.append("canonical data that differ (entity.column: employee ids):")
        for entity, columns in c["differences"].items():
            for column, owners in columns.items():
                shown = ", ".join(map(str, owners[:8])) + (" …" if len(owners) > 8 else "")
                lines.append(f"  {entity}.{column}: {len(owners)} ({shown})")
    else:
        lines.append("canonical data: identical (source ids aside)")
    lines += ["", data["diff"] or "(no field changes)", ""]
    if data["applied"]:
        lines.append(f"switched; recorded as change {data['recorded']['id']} by {data['actor']}")
    elif not allowed:
        lines.append("NOT switched: the sources differ; check them, or add --accept-differences")
    else:
        lines.append("dry run: nothing changed; add --yes to apply")
    return "\n".join(lines)
