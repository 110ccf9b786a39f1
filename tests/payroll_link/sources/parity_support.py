"""Extract an employer through SOAP, then through REST, into the test warehouse; snapshot both."""

from __future__ import annotations

from nmbrs.rest.client import NmbrsRestClient
from nmbrs.rest.settings import NmbrsRestSettings
from payroll_link.demo import demo_periods
from payroll_link.extraction.runner import extract_period
from payroll_link.extraction.sources.choice import rest_source
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.handoff.config import load_config
from payroll_link.handoff.fields import project
from payroll_link.handoff.reader import read_inputs
from payroll_link.handoff.stand import build_stands
from payroll_link.staging import ENTITIES
from tests.fixtures_rest import SUBSCRIPTION_KEY, rest_login

# The world's account serving each debtor (the same login for SOAP and REST).
LOGINS = {1001: "koppeling@bakkerijvandenberg.nl", 1003: "koppeling@degoudenleeuw.nl",
          1004: "koppeling@hoekstratransport.nl"}


class OneToken:
    """The access token of one consent (tests only; the pipeline uses RotatingTokens)."""

    def __init__(self, server, login: str):
        self.token = rest_login(server, login)["access_token"]

    def access_token(self, *, stale=None) -> str:
        return self.token


def rest_client(server, employer) -> NmbrsRestClient:
    settings = NmbrsRestSettings(account=employer.rest_conn_id, base_url=server.url,
                                 subscription_key=SUBSCRIPTION_KEY, backoff_base=0.01)
    return NmbrsRestClient(settings, OneToken(server, LOGINS[employer.nmbrs_debtor_id]))


def snapshot(warehouse, employer, period) -> dict:
    """Return the published rows of every entity and the projected stands of the period."""
    label = period.label
    rows = {name: warehouse.published_rows(name, employer.employer_id, label)
            for name in ENTITIES}
    xid = warehouse.published_extraction(employer.employer_id, label)
    settings = load_config().settings_for(employer)
    inputs = read_inputs(warehouse.engine, employer.employer_id, label, xid)
    stands = [project(stand, settings.field_set)
              for stand in build_stands(inputs, employer, period, settings)]
    return {"rows": rows, "stands": stands, "extraction_id": xid}


def extract_both(warehouse, employer, soap_client, rest_server, clock) -> dict:
    """SOAP for both periods, then REST for both (replacing them); return the snapshots."""
    periods = demo_periods(employer, clock)
    soap = NmbrsSoapSource(soap_client)
    out = {"soap": {}, "rest": {}, "periods": periods}
    for period in periods:
        extract_period(warehouse, soap, employer.employer_id, employer.nmbrs_company_id, period)
        out["soap"][period.label] = snapshot(warehouse, employer, period)
    for period in periods:
        rest = rest_source(employer, rest_client(rest_server, employer), warehouse.engine)
        extract_period(warehouse, rest, employer.employer_id, employer.nmbrs_company_id, period)
        out["rest"][period.label] = snapshot(warehouse, employer, period)
    return out
