"""Onboarding fixtures: Airflow connections for simulator accounts, a registry copy, a warehouse."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.conftest import account

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"
BEPERKT = "beperkt@bakkerijvandenberg.nl"
UMBRELLA = "asr-koppeling@salarisbureaunoord.nl"


@pytest.fixture
def sim_conn(monkeypatch, nmbrs_sim):
    """Define `AIRFLOW_CONN_<ID>` for a simulator account; return the connection id."""

    def define(conn_id: str, username: str, **overrides) -> str:
        acc = account(nmbrs_sim.state.world, username)
        fields = {"conn_type": "nmbrs", "login": acc.username, "password": acc.token,
                  "host": nmbrs_sim.url,
                  "extra": {"domain": acc.domain, "operation_timeout": "5",
                            "backoff_base": "0.01", "report_max_wait": "10"}}
        fields.update(overrides)
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
        return conn_id

    return define


REGISTRY = """\
# A fixed registry on the simulator's world (the repo's config/employers.yaml moves on).
employers:
  - {employer_id: bakkerij_van_den_berg, asr_reference: ASR-T-1, nmbrs_company_id: 2001,
     company_name: Bakkerij Van den Berg B.V., nmbrs_debtor_id: 1001, account_mode: per_debtor,
     nmbrs_conn_id: nmbrs_bakkerij, domain: salarisnoord, frequency: monthly, dga: null,
     product: pension, status: realised, first_exchange_date: 2026-10-01}
  - {employer_id: van_den_berg_banket, asr_reference: ASR-T-2, nmbrs_company_id: 2002,
     company_name: Van den Berg Banket B.V., nmbrs_debtor_id: 1001, account_mode: per_debtor,
     nmbrs_conn_id: nmbrs_bakkerij, domain: salarisnoord, frequency: four_weekly, dga: null,
     product: income_insurance, status: realised, first_exchange_date: 2026-10-05}
  - {employer_id: hollander_installatietechniek, asr_reference: ASR-T-3, nmbrs_company_id: 2003,
     company_name: Hollander Installatietechniek B.V., nmbrs_debtor_id: 1002,
     account_mode: umbrella, nmbrs_conn_id: nmbrs_umbrella, domain: salarisnoord,
     frequency: monthly, dga: null, product: pension, status: registered}
"""


@pytest.fixture
def registry_copy(tmp_path) -> Path:
    """A temp registry file (fixed content: a realised, a four-weekly and a registered one)."""
    path = tmp_path / "employers.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def _lifecycle_database():
    from sqlalchemy.engine import make_url

    from payroll_link.warehouse import (
        create_database,
        drop_database,
        make_engine,
        migrate,
        warehouse_url,
    )

    name = f"koppeling_onboarding_{uuid.uuid4().hex[:10]}"
    url = make_url(warehouse_url(database=name)).set(database=name)
    create_database(url)
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    try:
        migrate(engine)  # V0010 among them: ops.registry_change exists for every test
    finally:
        engine.dispose()
    yield rendered
    drop_database(rendered)


@pytest.fixture
def warehouse_db(monkeypatch, _lifecycle_database) -> str:
    """A fresh, migrated PostgreSQL database for the session, as `$WAREHOUSE_URL`."""
    monkeypatch.delenv("AIRFLOW_CONN_WAREHOUSE", raising=False)
    monkeypatch.setenv("WAREHOUSE_URL", _lifecycle_database)
    return _lifecycle_database
