"""Helpers for REST source tests: a consented client on the simulator, and the SOAP peer."""

from __future__ import annotations

from nmbrs.rest.client import NmbrsRestClient
from nmbrs.rest.settings import NmbrsRestSettings
from simulators.nmbrs_rest_sim.ids import rest_id
from tests.nmbrs.rest.conftest import SUBSCRIPTION_KEY, consent


class GrantTokens:
    """One consent's access token (tests only; the pipeline uses RotatingTokens)."""

    def __init__(self, oauth, login):
        self.grant = consent(oauth, login)

    def access_token(self, *, stale=None):
        return self.grant.access_token.reveal()


def rest_client(rest_sim, oauth, login, **overrides) -> NmbrsRestClient:
    settings = NmbrsRestSettings(account="test", subscription_key=SUBSCRIPTION_KEY,
                                 base_url=rest_sim.url, backoff_base=0.01, **overrides)
    return NmbrsRestClient(settings, GrantTokens(oauth, login))


def company_uuid(company_id: int) -> str:
    """The simulator's documented id rule: uuid5 of the SOAP id (ids.py)."""
    return rest_id("company", company_id)
