"""Quality-gate fixtures: simulator periods extracted once per module, and test employers."""

from __future__ import annotations

import uuid

import pytest

from nmbrs.client import NmbrsClient, NmbrsSettings
from payroll_link.extraction.runner import extract_period as run_extraction
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.periods import get_period
from payroll_link.registry import Dga, Employer
from payroll_link.warehouse import Warehouse
from tests.conftest import account

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"
HOEKSTRA = "koppeling@hoekstratransport.nl"


def make_employer(company_id: int, *, frequency: str = "monthly", product: str = "pension",
                  dga: Dga | None = None) -> Employer:
    """Return a registry entry with a unique employer id (tests share the session database)."""
    return Employer(
        employer_id=f"q_{company_id}_{uuid.uuid4().hex[:8]}", asr_reference="ASR-TEST",
        company_name=f"Company {company_id}", nmbrs_company_id=company_id, nmbrs_debtor_id=1,
        account_mode="per_debtor", nmbrs_conn_id="nmbrs_test", domain="salarisnoord",
        frequency=frequency, dga=dga, product=product, status="registered")


@pytest.fixture(scope="module")
def extract_module(_sim_server, warehouse_engine):
    """Extract and publish a simulator period through the real client, once per module."""
    warehouse = Warehouse(warehouse_engine)

    def extract(employer: Employer, username: str, year: int, number: int):
        acc = account(_sim_server.state.world, username)
        client = NmbrsClient(NmbrsSettings(
            username=acc.username, token=acc.token, domain=acc.domain, base_url=_sim_server.url,
            backoff_base=0.01, operation_timeout=5.0, report_max_wait=10.0))
        period = get_period(employer.frequency, year, number)
        return run_extraction(warehouse, NmbrsSoapSource(client), employer.employer_id,
                              employer.nmbrs_company_id, period)

    return extract


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory):
    """A Data Docs root for the module."""
    return tmp_path_factory.mktemp("quality_docs")
