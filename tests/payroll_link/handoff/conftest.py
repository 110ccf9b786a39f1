"""Handoff fixtures: the a.s.r. receiver on a free loopback port, employers, extraction helpers.

(``asr_receiver`` itself lives in tests/conftest.py.)
"""

from __future__ import annotations

import datetime as dt

import pytest

from payroll_link.handoff.adapters.https import HttpsAdapter
from payroll_link.handoff.config import load_config
from payroll_link.registry import Dga, Employer
from simulators.asr_receiver import DEFAULT_TOKEN

BAKKERIJ_USER = "koppeling@bakkerijvandenberg.nl"
# A day inside the period after the one extracted: its payroll has run, snapshots are recent.
CLOCK_AFTER = {"2026-08": dt.date(2026, 9, 15), "2026-09": dt.date(2026, 10, 15),
               "2026-10": dt.date(2026, 11, 15), "2026-4W09": dt.date(2026, 9, 15),
               "2026-4W10": dt.date(2026, 10, 15), "2026-4W11": dt.date(2026, 11, 15)}


@pytest.fixture
def https_adapter(asr_receiver):
    """An HTTPS adapter on the receiver, with quick retries and no real sleeping."""
    return HttpsAdapter(asr_receiver.endpoint, DEFAULT_TOKEN, attempts=3, backoff_s=0.0,
                        read_timeout=5.0, sleep=lambda _: None)


@pytest.fixture
def bakkerij(employer_id) -> Employer:
    """Bakkerij Van den Berg (simulator company 2001, pension, DGA no. 1) under a test id."""
    return Employer(employer_id=employer_id, asr_reference="ASR-WG-100001",
                    company_name="Bakkerij Van den Berg B.V.", nmbrs_company_id=2001,
                    nmbrs_debtor_id=1001, account_mode="per_debtor",
                    nmbrs_conn_id="nmbrs_bakkerij_van_den_berg", domain="salarisnoord",
                    frequency="monthly", dga=Dga(name="Sandra Bakker", employee_number=1),
                    product="pension", status="registered")


@pytest.fixture
def banket(employer_id) -> Employer:
    """Van den Berg Banket (simulator company 2002, four-weekly, income insurance)."""
    return Employer(employer_id=employer_id, asr_reference="ASR-WG-100002",
                    company_name="Van den Berg Banket B.V.", nmbrs_company_id=2002,
                    nmbrs_debtor_id=1001, account_mode="per_debtor",
                    nmbrs_conn_id="nmbrs_bakkerij_van_den_berg", domain="salarisnoord",
                    frequency="four_weekly", product="income_insurance", status="registered")


@pytest.fixture
def handoff_config(employer_id):
    """The repo's handoff config, with the test employer on the simulator's 38-hour week."""
    return load_config().with_employer(employer_id, full_time_hours_per_week=38)


@pytest.fixture
def extract_at(extract_period, nmbrs_sim):
    """Extract a simulator period with the clock inside the following period (see CLOCK_AFTER)."""
    from payroll_link.periods import get_period

    def run(company_id: int, frequency: str, year: int, number: int, clock=None, **options):
        period = get_period(frequency, year, number)
        nmbrs_sim.state.clock = clock or CLOCK_AFTER[period.label]
        part = extract_period(company_id, BAKKERIJ_USER, frequency, year, number, **options)
        return part, period

    return run
