"""The fault drill's rig: simulator, receiver and a scratch warehouse, one clean baseline.

Every case runs the pipeline's own code (the extraction runner the DAG's tasks chain, the real
zeep client over HTTP, the real PostgreSQL warehouse, ``deliver_period`` over HTTPS) against the
simulators with a fault switched on, under its own employer id so cases never share a partition.
Log records at INFO (Airflow's task-log level) are captured per case and searched for the
account's token and the company's BSNs and IBANs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from nmbrs.client import NmbrsClient, NmbrsSettings
from payroll_link.periods import period_containing
from payroll_link.staging import ENTITIES
from payroll_link.warehouse import Warehouse, make_engine, scratch_database
from simulators.asr_receiver.server import ReceiverServer
from simulators.nmbrs_sim.dataset import World
from simulators.nmbrs_sim.knobs import Knobs
from simulators.nmbrs_sim.server import SimulatorServer

COMPANY, USERNAME, FREQUENCY = 2004, "koppeling@degoudenleeuw.nl", "four_weekly"
FAST = {"backoff_base": 0.01, "operation_timeout": 1.0, "connect_timeout": 1.0,
        "max_attempts": 3, "report_max_wait": 5.0}


@dataclass
class Outcome:
    """One case's verdict: what was expected, what happened, and whether it held."""

    group: str
    case: str
    expected: str
    got: str
    held: bool
    note: str = ""
    seconds: float = 0.0


class LogCapture(logging.Handler):
    """Collect formatted log records (INFO and up) while a case runs."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a broken record must not hide the case
            self.lines.append(f"unformattable record from {record.name}")


@dataclass
class Rig:
    """The running parts a case needs."""

    sim: SimulatorServer
    receiver: ReceiverServer
    url: str
    warehouse: Warehouse
    period: object
    secrets: dict[str, str] = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)
    baseline_calls: dict = field(default_factory=dict)
    baseline_seconds: float = 0.0

    def client(self, **overrides) -> NmbrsClient:
        """Return a real client for the drill's account (quick timeouts and backoff)."""
        acc = next(a for a in self.sim.state.world.config.accounts if a.username == USERNAME)
        return NmbrsClient(NmbrsSettings(username=acc.username, token=acc.token,
                                         domain=acc.domain, base_url=self.sim.url,
                                         **{**FAST, **overrides}))

    def reset(self, **knobs) -> None:
        """Clear faults and counters; no throttling delays in the drill unless asked."""
        self.sim.state.knobs = Knobs(**{"throttle_per_s": 0, "report_delay_s": 0.05, **knobs})
        self.sim.state.stats.reset()
        self.receiver.state.knobs.__init__()

    def extract(self, employer_id: str, **client_overrides):
        """Run the extraction runner for the drill's partition; return the Partition."""
        from payroll_link.extraction.runner import extract_period
        from payroll_link.extraction.sources.soap import NmbrsSoapSource

        source = NmbrsSoapSource(self.client(**client_overrides))
        return extract_period(self.warehouse, source, employer_id, COMPANY, self.period)

    def published(self, employer_id: str) -> dict[str, list[dict]]:
        """Return every entity's published rows of the partition (lineage columns left out)."""
        return {name: self.warehouse.published_rows(name, employer_id, self.period.label)
                for name in ENTITIES}

    def leaks(self, *texts: str) -> list[str]:
        """Return what secret or personal value occurs in any of `texts`."""
        joined = "\n".join(texts)
        return sorted({what for value, what in self.secrets.items() if value in joined})


@contextlib.contextmanager
def rig():
    """Start the simulator, the receiver and a scratch warehouse; take the clean baseline."""
    from cryptography.fernet import Fernet

    os.environ.setdefault("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY", json.dumps(
        {"conn_type": "generic", "password": Fernet.generate_key().decode()}))  # children too
    world = World()
    sim = SimulatorServer(world).start()
    receiver = ReceiverServer().start()
    try:
        with scratch_database("koppeling_faults") as url:
            period = period_containing(FREQUENCY, world.config.clock).previous()
            sim.state.clock = world.config.clock
            made = Rig(sim, receiver, url, Warehouse(make_engine(url)), period,
                       secrets=_secrets(world))
            made.reset()
            started = time.monotonic()
            made.extract("baseline")
            made.baseline = made.published("baseline")
            made.baseline_calls = dict(sim.state.stats.calls)
            made.baseline_seconds = time.monotonic() - started
            yield made
            made.warehouse.engine.dispose()
    finally:
        receiver.stop()
        sim.stop()


def _secrets(world) -> dict[str, str]:
    found = {}
    for employee_id in world.company(COMPANY).employee_ids():
        employee = world.employee(employee_id)
        found[employee.bsn] = "BSN"
        for account in employee.bank_accounts(1, 2026):
            found[account["IBAN"]] = "IBAN"
    for account in world.config.accounts:
        found[account.token] = "Nmbrs token"
    from simulators.asr_receiver import DEFAULT_TOKEN

    found[DEFAULT_TOKEN] = "a.s.r. token"
    return found


def new_employer() -> str:
    """Return a fresh employer id: one partition per case."""
    return f"fault_{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def captured_logs():
    """Capture INFO+ log records of every logger while the block runs."""
    handler = LogCapture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def guarded(group: str, case: str, expected: str, run, *args) -> Outcome:
    """Run `run(*args)`; a crash of the drill itself is a failed case, not the end of the run."""
    started = time.monotonic()
    try:
        return run(*args)
    except Exception as err:  # noqa: BLE001 - reported as the case's outcome
        where = traceback.extract_tb(err.__traceback__)[-1]
        return Outcome(group, case, expected, f"crashed {type(err).__name__}", False,
                       f"{str(err).splitlines()[0][:160] if str(err) else ''} "
                       f"({Path(where.filename).name}:{where.lineno})",
                       time.monotonic() - started)
