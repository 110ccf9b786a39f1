"""OAuth against the REST simulator's identity server: PKCE consent, exchange, rotation."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from nmbrs.rest.errors import NmbrsConfigError
from nmbrs.rest.oauth import (
    OAuthSettings,
    RefreshRefusedError,
    begin_consent,
    exchange_code,
    refresh_grant,
)
from nmbrs.rest.operations import REQUIRED_SCOPES
from tests.nmbrs.rest.conftest import CLIENT, LOGIN, consent, follow_consent


def test_consent_url_carries_an_s256_challenge_of_its_verifier():
    settings = OAuthSettings(client_id="c", client_secret="s")
    request = begin_consent(settings)
    query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    digest = hashlib.sha256(request.verifier.reveal().encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert query["code_challenge_method"] == "S256" and query["state"] == request.state
    assert set(query["scope"].split()) == set(REQUIRED_SCOPES)
    assert request.url.startswith("https://identityservice.nmbrs.com/connect/authorize?")
    assert request.verifier.reveal() not in repr(request)


def test_code_exchange_issues_tokens_with_the_required_scopes(oauth):
    grant = consent(oauth)
    assert grant.refresh_token is not None and grant.access_token.reveal()
    assert set(REQUIRED_SCOPES) <= grant.scopes
    assert grant.access_token.reveal() not in repr(grant)
    assert grant.refresh_token.reveal() not in repr(grant)


def test_code_is_refused_with_another_verifier(oauth):
    request = begin_consent(oauth, login_hint=LOGIN)
    code = follow_consent(request.url)["code"]
    other = begin_consent(oauth, login_hint=LOGIN)
    with pytest.raises(RefreshRefusedError, match="invalid_grant"):
        exchange_code(oauth, code, other)


def test_refresh_rotates_and_the_used_token_is_refused(oauth):
    first = consent(oauth)
    second = refresh_grant(oauth, first.refresh_token)
    assert second.refresh_token.reveal() != first.refresh_token.reveal()
    with pytest.raises(RefreshRefusedError) as caught:
        refresh_grant(oauth, first.refresh_token)
    assert first.refresh_token.reveal() not in str(caught.value)
    assert refresh_grant(oauth, second.refresh_token).access_token.reveal()


def test_wrong_client_secret_is_a_config_error_without_the_secret(rest_sim):
    wrong = OAuthSettings(client_id=CLIENT.client_id, client_secret="not-the-secret-4711",
                          identity_url=rest_sim.url)
    with pytest.raises(NmbrsConfigError, match="invalid_client") as caught:
        refresh_grant(wrong, wrong.client_secret)
    assert "not-the-secret-4711" not in str(caught.value) + repr(wrong)
