"""Which source reads an employer: the registry's ``source`` (soap | rest) decides.

No Airflow here: the caller passes how to build each API's client from the employer (the DAG's
runtime uses the Airflow hooks, the CLI and tests their own), and how to reach the warehouse for
the ids a.s.r. already knows (see ``continuity``).
"""

from __future__ import annotations

from collections.abc import Callable

from payroll_link.registry import Employer

SOURCES = ("soap", "rest")


def connection_id(employer: Employer) -> str:
    """Return the Airflow connection of the API the employer is read through."""
    return employer.rest_conn_id if employer.source == "rest" else employer.nmbrs_conn_id


def source_for(employer: Employer, soap_client: Callable, rest_client: Callable,
               engine: Callable | None = None, *, kind: str | None = None):
    """Return the PayrollSource of an employer (``kind`` overrides the registry's choice)."""
    kind = kind or employer.source
    if kind == "soap":
        from payroll_link.extraction.sources.soap import NmbrsSoapSource

        return NmbrsSoapSource(soap_client(employer))
    if kind == "rest":
        return rest_source(employer, rest_client(employer), engine() if engine else None)
    raise ValueError(f"employer {employer.employer_id!r}: unknown source {kind!r}")


def rest_source(employer: Employer, client, engine=None):
    """Return the REST source of an employer, keeping the ids published before (if any)."""
    from payroll_link.extraction.sources.continuity import (
        Identities,
        KeepIdentities,
        known_identities,
    )
    from payroll_link.extraction.sources.rest import NmbrsRestSource
    from payroll_link.extraction.sources.rest_map import RestIds

    if not employer.rest_company_id:
        raise ValueError(f"employer {employer.employer_id!r} has no rest_company_id")
    known = known_identities(engine, employer.employer_id) if engine else Identities()
    source = NmbrsRestSource(client, {employer.nmbrs_company_id: employer.rest_company_id},
                             RestIds(known.employees))
    return KeepIdentities(source, known)
