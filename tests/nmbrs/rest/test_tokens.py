"""Rotating refresh tokens in the warehouse store, against the REST simulator's identity server."""

from __future__ import annotations

import multiprocessing
import uuid

import psycopg2
import pytest
import requests

from nmbrs.client.settings import Secret
from nmbrs.rest.client import NmbrsRestClient
from nmbrs.rest.errors import NmbrsConfigError
from nmbrs.rest.oauth import RefreshRefusedError, refresh_grant
from nmbrs.rest.settings import NmbrsRestSettings
from nmbrs.rest.token_store import warehouse_token_store
from nmbrs.rest.tokens import RotatingTokens, StoredTokens
from tests.nmbrs.rest.conftest import SUBSCRIPTION_KEY, consent
from tests.nmbrs.rest.rotation_worker import fetch_token

pytestmark = pytest.mark.postgres


@pytest.fixture
def account() -> str:
    return f"nmbrs_rest_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def store(warehouse_db_url, oauth):
    return warehouse_token_store(warehouse_db_url, oauth.client_secret)


def seed(store, account, grant, *, expired: bool = False) -> StoredTokens:
    """Store a consent as `koppeling authorize` does; optionally with a spent access token."""
    tokens = StoredTokens(grant.refresh_token, grant.access_token,
                          0.0 if expired else grant.expires_at, 0)
    with store.hold(account) as held:
        held.write(tokens)
    return tokens


def stored(store, account) -> StoredTokens:
    with store.hold(account) as held:
        return held.read()


def api_works(rest_sim, access_token: str) -> bool:
    answer = requests.get(f"{rest_sim.url}/api/debtors", timeout=10, headers={
        "Authorization": f"Bearer {access_token}", "X-Subscription-Key": SUBSCRIPTION_KEY})
    return answer.status_code == 200


def test_eight_processes_refreshing_at_once_end_with_one_valid_token(
        rest_sim, oauth, store, account, warehouse_db_url):
    seed(store, account, consent(oauth), expired=True)
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(8), spawn.Queue()
    args = (warehouse_db_url, oauth.identity_url, oauth.client_id,
            oauth.client_secret.reveal(), account, barrier, results)
    workers = [spawn.Process(target=fetch_token, args=args) for _ in range(8)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    errors = [text for kind, text in outcomes if kind == "error"]
    assert errors == [] and not any("invalid_grant" in text for text in errors)
    tokens = {text for _, text in outcomes}
    assert len(tokens) == 1 and api_works(rest_sim, tokens.pop())
    final = stored(store, account)
    assert final.generation == 1  # one refresh; seven processes found its result in the store
    assert refresh_grant(oauth, final.refresh_token).access_token.reveal()


def test_access_token_is_cached_until_shortly_before_expiry(rest_sim, oauth, store, account):
    grant = consent(oauth)
    seed(store, account, grant)
    now = [grant.expires_at - 3600]
    tokens = RotatingTokens(oauth, store, account, skew=120, clock=lambda: now[0])
    assert tokens.access_token() == grant.access_token.reveal()
    now[0] = grant.expires_at - 121
    assert tokens.access_token() == grant.access_token.reveal()
    now[0] = grant.expires_at - 119
    renewed = tokens.access_token()
    assert renewed != grant.access_token.reveal() and stored(store, account).generation == 1


def test_rotated_token_reused_is_refused_and_the_pipeline_recovers_from_the_store(
        rest_sim, oauth, store, account):
    old = seed(store, account, consent(oauth), expired=True)
    RotatingTokens(oauth, store, account).access_token()  # rotates: the store holds the new one
    with pytest.raises(RefreshRefusedError, match="invalid_grant"):
        refresh_grant(oauth, old.refresh_token)  # the simulator refuses the rotated token

    class OutdatedFirstRead:
        """A store whose first read is an outdated copy (a writer that lost its lock)."""

        def __init__(self):
            self.reads = 0

        def hold(self, name):
            outer = self

            class Held:
                def __init__(self, held):
                    self.held = held

                def read(self):
                    outer.reads += 1
                    return old if outer.reads == 1 else self.held.read()

                def write(self, tokens):
                    self.held.write(tokens)

            class Ctx:
                def __enter__(self):
                    self.cm = store.hold(name)
                    return Held(self.cm.__enter__())

                def __exit__(self, *exc):
                    return self.cm.__exit__(*exc)

            return Ctx()

    token = RotatingTokens(oauth, OutdatedFirstRead(), account).access_token()
    assert api_works(rest_sim, token)
    current = stored(store, account)  # the newer tokens were taken over, not refreshed again
    assert current.generation == 1 and token == current.access_token.reveal()


def test_revoked_token_chain_fails_naming_the_authorize_command(rest_sim, oauth, store, account):
    requests.post(f"{rest_sim.url}/admin/knobs", json={"revoke_family_on_reuse": True},
                  timeout=5)
    old = seed(store, account, consent(oauth), expired=True)
    RotatingTokens(oauth, store, account).access_token()
    with pytest.raises(RefreshRefusedError):
        refresh_grant(oauth, old.refresh_token)  # reuse: the whole chain is revoked
    with store.hold(account) as held:
        current = held.read()
        held.write(StoredTokens(current.refresh_token, None, 0.0, current.generation))
    with pytest.raises(RefreshRefusedError, match=f"koppeling authorize --conn-id {account}"):
        RotatingTokens(oauth, store, account).access_token()


def test_client_renews_a_token_the_api_refuses(rest_sim, oauth, store, account):
    seed(store, account, consent(oauth))
    client = NmbrsRestClient(NmbrsRestSettings(account=account, base_url=rest_sim.url,
                                               subscription_key=SUBSCRIPTION_KEY),
                             RotatingTokens(oauth, store, account))
    assert list(client.records("getDebtors"))
    requests.post(f"{rest_sim.url}/admin/expire-tokens", json={}, timeout=5)
    assert list(client.records("getDebtors"))
    assert stored(store, account).generation == 1


def test_store_keeps_tokens_sealed_in_the_warehouse(rest_sim, oauth, store, account,
                                                    warehouse_db_url):
    grant = consent(oauth)
    seed(store, account, grant)
    with psycopg2.connect(warehouse_db_url.replace("+psycopg2", "")) as conn, \
            conn.cursor() as cur:
        cur.execute("select sealed::text, generation from ops.nmbrs_rest_token "
                    "where account = %s", (account,))
        sealed, _ = cur.fetchone()
    raw = bytes.fromhex(sealed[2:]).decode()
    for secret in (grant.access_token.reveal(), grant.refresh_token.reveal()):
        assert secret not in sealed and secret not in raw


def test_store_sealed_with_another_client_secret_asks_for_a_new_consent(
        rest_sim, oauth, store, account, warehouse_db_url):
    seed(store, account, consent(oauth))
    other = warehouse_token_store(warehouse_db_url, Secret("another-client-secret"))
    with pytest.raises(NmbrsConfigError, match="koppeling authorize"), other.hold(account) as h:
        h.read()


def test_reprs_and_errors_never_show_tokens(rest_sim, oauth, store, account):
    grant = consent(oauth)
    tokens = seed(store, account, grant)
    source = RotatingTokens(oauth, store, account)
    shown = " ".join([repr(tokens), repr(source), repr(store), repr(oauth), str(tokens)])
    for secret in (grant.access_token.reveal(), grant.refresh_token.reveal(),
                   oauth.client_secret.reveal()):
        assert secret not in shown
    with pytest.raises(NmbrsConfigError) as caught:
        RotatingTokens(oauth, store, f"{account}_none").access_token()
    assert "koppeling authorize" in str(caught.value)


def test_busy_token_lock_is_a_transient_error(oauth, store, account, warehouse_db_url,
                                              monkeypatch):
    from nmbrs.rest import token_store
    from nmbrs.rest.errors import NmbrsTransientError

    monkeypatch.setattr(token_store, "LOCK_WAIT", "200ms")
    with store.hold(account):  # another process refreshing
        with pytest.raises(NmbrsTransientError, match="lock of .* was not free"):
            with store.hold(account):
                pass


def test_unreachable_token_store_is_a_transient_error(oauth, account):
    from nmbrs.rest.errors import NmbrsTransientError

    store = warehouse_token_store("postgresql://nobody@127.0.0.1:1/none", oauth.client_secret)
    with pytest.raises(NmbrsTransientError, match="unreachable"):
        RotatingTokens(oauth, store, account).access_token()
