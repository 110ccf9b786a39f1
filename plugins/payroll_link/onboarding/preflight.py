"""Preflight of a registration: can a.s.r. pull this employer's payroll from Nmbrs? (no Airflow)

One implementation behind `koppeling preflight` and the `onboarding_preflight` DAG. It takes a
ready `NmbrsClient` for the registration's credentials and returns a `PreflightResult` whose
JSON carries ids, statuses and messages only: no token, no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Literal

from nmbrs.client import NmbrsError
from payroll_link.onboarding.credentials import check_credentials
from payroll_link.onboarding.dga import check_dga
from payroll_link.onboarding.grants import SYNC_REPORTS, probe_grants, wage_code_path
from payroll_link.onboarding.locate import DiscoveryError, find_company, visible_companies
from payroll_link.onboarding.result import (
    FAILED,
    GRANTED,
    NOT_CHECKED,
    NOT_GRANTED,
    OK,
    WARNING,
    Check,
    PreflightResult,
)
from payroll_link.onboarding.texts import ASR_TAG, action


@dataclass(frozen=True)
class Registration:
    """What the payroll processor registered (the token itself is never part of it)."""

    company_name: str
    account_mode: Literal["per_debtor", "umbrella"]
    username: str
    domain: str
    token_source: str = ""  # e.g. "connection nmbrs_bakkerij" or "env NMBRS_TOKEN"
    dga_name: str | None = None
    dga_employee_number: int | None = None

    def __post_init__(self):
        if self.account_mode not in ("per_debtor", "umbrella"):
            raise ValueError(f"account_mode {self.account_mode!r} is not per_debtor or umbrella")
        if self.dga_name and self.dga_employee_number is None:
            raise ValueError("a DGA name was given without the DGA's employee number")

    def to_dict(self) -> dict:
        """Return the registration as JSON data; the DGA name is left out (personal data)."""
        data = asdict(self)
        data["dga_name_declared"] = bool(data.pop("dga_name"))
        return data


def run_preflight(client, registration: Registration, *, today: dt.date | None = None,
                  progress=None) -> PreflightResult:
    """Run every check in order; stop early only when a later check could not mean anything."""
    result = PreflightResult(registration.to_dict())
    for check in check_credentials(client, registration.domain):
        result.add(check)
    if not result.ready:
        return result
    umbrella = registration.account_mode == "umbrella"
    try:
        companies = visible_companies(client, progress)
    except DiscoveryError as err:
        result.add(err.check)
        return result
    company, check = find_company(registration.company_name, companies, umbrella=umbrella,
                                  username=registration.username)
    result.add(check)
    if company is None:
        return result
    result.company = company.to_dict()
    if umbrella:
        result.add(check_tag(client, company.debtor_id, company.name))
        employees = None
    else:
        employees = _check_grants(client, result, company.company_id, today, progress)
    for check in check_dga(client, company.company_id, company.name, employees,
                           registration.dga_name, registration.dga_employee_number, progress):
        result.add(check)
    return result


def check_tag(client, debtor_id: int | None, company_name: str) -> Check:
    """Check that the company's debtor carries the agreed tag (umbrella mode)."""
    if debtor_id is None:
        return Check("tag", WARNING, "the debtor of the company is unknown (DebtorService."
                     "List_GetAll not granted): tag not checked")
    try:
        tags = [row.get("Tag") or "" for row in client.debtor.tags_get(debtor_id)]
    except NmbrsError as err:
        return Check("tag", FAILED, f"Tags_Get failed for debtor {debtor_id}: {err}",
                     action("tag", debtor=debtor_id, wanted=company_name))
    if ASR_TAG not in tags:
        near = [tag for tag in tags if tag.strip().casefold() == ASR_TAG]
        hint = f" (found {near[0]!r}, which is spelled differently)" if near else ""
        return Check("tag", FAILED, f"debtor {debtor_id} lacks the tag {ASR_TAG!r}{hint}",
                     action("tag", debtor=debtor_id, wanted=company_name),
                     {"debtor_id": debtor_id})
    return Check("tag", OK, f"debtor {debtor_id} carries the tag {ASR_TAG!r}",
                 details={"debtor_id": debtor_id})


def _check_grants(client, result: PreflightResult, company_id: int, today, progress):
    """Probe the granted calls and the wage-code path; return the active employees (or None)."""
    probes, context, extra = probe_grants(client, company_id, today=today, progress=progress)
    result.grants = probes
    for check in extra:
        result.add(check)
    path, path_check = wage_code_path(client, context)
    result.wage_code_path = path
    result.add(path_check)
    for probe in probes:
        if (check := _grant_check(probe, path)) is not None:
            result.add(check)
    if all(probe.status != NOT_GRANTED for probe in probes):
        granted = sum(probe.status != NOT_CHECKED for probe in probes)
        result.add(Check("grants", OK, f"{granted} of {len(probes)} granted calls checked, "
                         "none refused"))
    if probes[0].status == GRANTED:  # Company_GetCurrentPeriod: the period in progress
        result.company["current_period"] = f"{context.year}-{context.period}"
    try:
        return client.employee.list_get_by_company(company_id)
    except NmbrsError:
        return None


def _grant_check(probe, path: str | None) -> Check | None:
    """Turn one probe that did not succeed into a check (granted calls add none)."""
    where = {"call": probe.call, "service": probe.service, "code": probe.code}
    if probe.status == NOT_GRANTED:
        return Check("grant", FAILED, f"{probe.call} ({probe.service}) is not granted (1002)",
                     action("grant", call=probe.call, service=probe.service), where)
    if probe.status == NOT_CHECKED:
        return Check("grant", WARNING, f"{probe.call}: not checked ({probe.message})",
                     details=where)
    if probe.status == GRANTED:
        return None
    if probe.call in SYNC_REPORTS and path is not None:
        return Check("grant", WARNING, f"{probe.call} is not available ({probe.message}); "
                     f"wage codes come via {path}", details=where)
    return Check("grant", FAILED, f"{probe.call} failed: {probe.message}", details=where)


def preflight_from_params(settings, params: dict) -> dict:
    """Run the preflight for the DAG's params with `settings` from the named connection."""
    from nmbrs.client import NmbrsClient

    number = params.get("dga_employee_number")
    registration = Registration(
        company_name=params["company_name"], account_mode=params["account_mode"],
        username=settings.username, domain=settings.domain,
        token_source=f"connection {params['nmbrs_conn_id']}",
        dga_name=params.get("dga_name") or None,
        dga_employee_number=int(number) if number not in (None, "") else None)
    return run_preflight(NmbrsClient(settings), registration).to_dict()
