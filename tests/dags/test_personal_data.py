"""Personal data and secrets stay where docs/personal-data.md allows them, after real DAG runs.

Two consecutive periods of a pension employer (BSNs travel in its messages) run through Airflow
(`airflow dags test`, as the demo does) into a test warehouse and the a.s.r. receiver. Then the
simulator's BSNs, IBANs and every token are searched for in: the warehouse dump outside raw and
staging, the stored messages' bytes, every Airflow log, the metadata database (XCom included)
and the quality Data Docs. Allowed: raw.call_payload and staging.* only (the test checks they
are there, so the search is known to find them).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from payroll_link.demo import airflow_env, demo_message_key, demo_periods, run_dag
from payroll_link.handoff import sealing
from payroll_link.registry import load_registry
from simulators.asr_receiver import DEFAULT_TOKEN

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]
EMPLOYER, COMPANY = "bakkerij_van_den_berg", 2001


def needles(world, home: Path) -> dict[str, str]:
    """Return {value: what it is} for the company's BSNs and IBANs and every secret."""
    found = {}
    for employee_id in world.company(COMPANY).employee_ids():
        employee = world.employee(employee_id)
        found[employee.bsn] = f"BSN of employee {employee_id}"
        for account in employee.bank_accounts(1, 2026):
            found[account["IBAN"]] = f"IBAN of employee {employee_id}"
    for account in world.config.accounts:
        found[account.token] = f"Nmbrs token of {account.username}"
    found[DEFAULT_TOKEN] = "a.s.r. delivery token"
    found[sealing.env_password() or demo_message_key(home)] = "message key"
    return found


def dump(url: str, *options: str) -> str:
    """Return pg_dump's data-only text of the test warehouse for the given schema options."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    return subprocess.run(
        ["pg_dump", "--data-only", "-h", target.host or "127.0.0.1", "-p",
         str(target.port or 5432), "-U", target.username or "postgres", *options,
         target.database], capture_output=True, text=True, check=True).stdout


def hits(text: str, found: dict[str, str]) -> list[str]:
    return sorted({what for value, what in found.items() if value in text})


def files_text(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_bytes().decode("utf-8", "replace")
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_pd")
    env = airflow_env("http://unused/", "postgresql+psycopg2://unused/x",
                      REPO / "config" / "employers.yaml", home)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    return home


def test_personal_data_and_secrets_only_where_the_policy_allows(
        home, nmbrs_sim, warehouse, warehouse_db_url, asr_receiver, tmp_path, sim_world):
    registry = REPO / "config" / "employers.yaml"
    employer = load_registry(registry).by_id(EMPLOYER)
    env = airflow_env(nmbrs_sim.url, warehouse_db_url, registry, home,
                      receiver_endpoint=asr_receiver.endpoint)
    env["KOPPELING_DOCS_DIR"] = str(tmp_path / "docs")
    for period in demo_periods(employer, nmbrs_sim.state.clock):
        ok, _ = run_dag(env, warehouse, employer, period)
        log = home / "logs" / f"demo_payroll_{EMPLOYER}_{period.label}.log"
        assert ok, log.read_text()[-3000:]
    assert asr_receiver.state.store.stats["accepted"] == 2
    found = needles(sim_world, home)
    allowed = dump(warehouse_db_url, "-n", "raw", "-n", "staging")
    assert "BSN of" in " ".join(hits(allowed, found)), "raw/staging hold the BSNs (search works)"
    assert "IBAN of" in " ".join(hits(allowed, found))
    assert not [w for w in hits(allowed, found) if "token" in w or "key" in w]
    places = {"warehouse outside raw/staging": dump(warehouse_db_url, "-N", "raw", "-N",
                                                     "staging")}
    places |= {f"log {name}": text for name, text in files_text(home / "logs").items()}
    docs = files_text(tmp_path / "docs")
    assert any(name.endswith(".html") for name in docs), "the quality gate wrote Data Docs"
    places |= {f"data docs {name}": text for name, text in docs.items()}
    metadata = sqlite3.connect(home / "airflow.db")
    xcom = [row[0] for row in metadata.execute("select value from xcom")]
    assert xcom, "the runs left XCom values to inspect"
    places["xcom"] = json.dumps([bytes(v).decode("utf-8", "replace") if isinstance(v, bytes)
                                 else str(v) for v in xcom])
    places["airflow metadata db"] = (home / "airflow.db").read_bytes().decode("latin-1")
    leaks = {place: hits(text, found) for place, text in places.items() if hits(text, found)}
    assert leaks == {}
