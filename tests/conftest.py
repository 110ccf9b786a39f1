"""Shared fixtures: the Nmbrs simulator on a free loopback port, and clients for its accounts."""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from cryptography.fernet import Fernet

# Airflow reads these at import: a throw-away home, no examples, never the user's ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="koppeling-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
# The key that seals stored pension messages (payroll_link.handoff.sealing): one per test session.
os.environ.setdefault("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY", json.dumps(
    {"conn_type": "generic", "password": Fernet.generate_key().decode()}))

from nmbrs.client import NmbrsClient, NmbrsSettings
from simulators.nmbrs_sim.dataset import World
from simulators.nmbrs_sim.knobs import Knobs
from simulators.nmbrs_sim.server import SimulatorServer
from tests.alert_sinks import smtp_sink, webhook_receiver  # noqa: F401 - alert receiver fixtures
from tests.fixtures_airflow import airflow_db  # noqa: F401 - the process's Airflow metadata
from tests.fixtures_rest import _rest_sim_server, nmbrs_rest_sim  # noqa: F401 - REST simulator
from tests.fixtures_warehouse import (  # noqa: F401 - fixtures shared by every test package
    employer_id,
    empty_database_url,
    warehouse,
    warehouse_db_url,
    warehouse_engine,
)


@pytest.fixture(scope="session")
def sim_world() -> World:
    """The simulator's default, seeded world (shared: it is read-only)."""
    return World()


@pytest.fixture(scope="session")
def _sim_server(sim_world):
    server = SimulatorServer(sim_world).start()
    yield server
    server.stop()


@pytest.fixture
def nmbrs_sim(_sim_server):
    """The running simulator, with knobs, clock and counters reset after each test."""
    yield _sim_server
    state = _sim_server.state
    state.knobs = Knobs()
    state.clock = state.world.config.clock
    state.stats.reset()


def account(world, username: str):
    """Return the world's account with this username."""
    return next(a for a in world.config.accounts if a.username == username)


@pytest.fixture
def make_client(nmbrs_sim):
    """Build a real NmbrsClient (zeep over HTTP) for one of the simulator's accounts."""

    def build(username: str, **overrides) -> NmbrsClient:
        acc = account(nmbrs_sim.state.world, username)
        fields = {"username": acc.username, "token": acc.token, "domain": acc.domain,
                  "base_url": nmbrs_sim.url, "backoff_base": 0.01, "operation_timeout": 5.0,
                  "report_max_wait": 10.0, **overrides}
        return NmbrsClient(NmbrsSettings(**fields))

    return build


@pytest.fixture
def asr_receiver():
    """The a.s.r. receiver test double (reference jsonschema validation), fresh per test."""
    from simulators.asr_receiver.fixture import running_receiver

    with running_receiver() as server:
        yield server


@pytest.fixture
def extract_period(nmbrs_sim, make_client, warehouse, employer_id):
    """Extract one simulator period into the test warehouse with the real client and steps.

    Call as ``extract_period(company_id, username, frequency, year, number)``; returns the
    Partition (employer id unique to the test unless given).
    """
    from payroll_link.extraction.runner import extract_period as run
    from payroll_link.extraction.sources.soap import NmbrsSoapSource
    from payroll_link.periods import get_period

    def extract(company_id: int, username: str, frequency: str, year: int, number: int, *,
                employer: str | None = None, **options):
        source = NmbrsSoapSource(make_client(username))
        return run(warehouse, source, employer or employer_id, company_id,
                   get_period(frequency, year, number), **options)

    return extract
