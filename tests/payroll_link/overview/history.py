"""A real exchange history for the overview tests: simulator → warehouse → gate → a.s.r. receiver.

Both employers go live on 2026-10-01 (``first_exchange_date``) with a backfill from 2026-09-01.
Bakkerij Van den Berg (company 2001) gets 2026-09 extracted, checked and kept as baseline (before
the first exchange date: not sent, no ledger row), 2026-10 extracted, checked and delivered (its
first delivered period), and a failed extraction of 2026-11; Transportbedrijf Hoekstra (2005, the
dirty company) gets 2026-10 extracted and stopped by the quality gate.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from nmbrs.client import NmbrsClient, NmbrsSettings
from payroll_link.extraction.runner import extract_period
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.handoff.adapters.https import HttpsAdapter
from payroll_link.handoff.config import load_config
from payroll_link.handoff.service import deliver_period
from payroll_link.periods import get_period
from payroll_link.quality import validate_period
from payroll_link.registry import Dga, Employer
from payroll_link.warehouse import Warehouse
from simulators.asr_receiver import DEFAULT_TOKEN
from tests.conftest import account

BAKKERIJ_USER = "koppeling@bakkerijvandenberg.nl"
HOEKSTRA_USER = "koppeling@hoekstratransport.nl"
AUTH_ERROR = ("NmbrsAuthError", "extract_company: Nmbrs 1002 on Company_GetCurrentPeriod: "
              "switch the call on in the API template")


@dataclass
class History:
    """What the history run produced: employers, extraction ids, baselines and deliveries."""

    bakkerij: Employer
    hoekstra: Employer
    extraction_ids: list[str] = field(default_factory=list)
    baselines: list[dict] = field(default_factory=list)  # kept before go-live, not sent
    deliveries: list[dict] = field(default_factory=list)  # sent to a.s.r., with a receipt
    quality: list[dict] = field(default_factory=list)


def employer(company_id: int, name: str, dga: Dga, suffix: str) -> Employer:
    """A realised monthly pension employer with a test-unique id."""
    return Employer(
        employer_id=f"ov_{company_id}_{suffix}", asr_reference=f"ASR-WG-{company_id}",
        company_name=name, nmbrs_company_id=company_id, nmbrs_debtor_id=1001,
        account_mode="per_debtor", nmbrs_conn_id="nmbrs_test", domain="salarisnoord",
        frequency="monthly", dga=dga, product="pension", status="realised",
        first_exchange_date=dt.date(2026, 10, 1), backfill_start=dt.date(2026, 9, 1),
        full_time_hours_per_week=38)


def run_history(sim, engine, receiver, docs_root: Path) -> History:
    """Run the history described in the module docstring against the real parts."""
    suffix = uuid.uuid4().hex[:6]
    history = History(
        employer(2001, "Bakkerij Van den Berg B.V.", Dga(name="Sandra Bakker", employee_number=1),
                 suffix),
        employer(2005, "Transportbedrijf Hoekstra B.V.", Dga(name="Lisa Yılmaz",
                                                             employee_number=2), suffix))
    adapter = HttpsAdapter(receiver.endpoint, DEFAULT_TOKEN, attempts=2, backoff_s=0.0,
                           read_timeout=10.0, sleep=lambda _: None)
    config = load_config().with_employer(history.bakkerij.employer_id,
                                         full_time_hours_per_week=38)
    for number, clock in ((9, dt.date(2026, 10, 15)), (10, dt.date(2026, 11, 15))):
        period, xid = _extract(sim, engine, history.bakkerij, BAKKERIJ_USER, number, clock)
        history.extraction_ids.append(xid)
        history.quality.append(validate_period(engine, history.bakkerij, xid, period, docs_root))
        result = deliver_period(engine, history.bakkerij, xid, period, adapter, config=config)
        expected = "baseline" if period.start < history.bakkerij.first_exchange_date else "sent"
        assert result["action"] == expected, (period.label, result)
        (history.baselines if expected == "baseline" else history.deliveries).append(result)
    period, xid = _extract(sim, engine, history.hoekstra, HOEKSTRA_USER, 10,
                           dt.date(2026, 11, 15))
    history.extraction_ids.append(xid)
    history.quality.append(validate_period(engine, history.hoekstra, xid, period, docs_root))
    warehouse = Warehouse(engine)
    failed = warehouse.begin_extraction(history.bakkerij.employer_id, "2026-11",
                                        dt.date(2026, 11, 1), dt.date(2026, 11, 30), "manual__x")
    warehouse.fail(failed, *AUTH_ERROR)
    return history


def _extract(sim, engine, emp: Employer, username: str, number: int, clock: dt.date):
    acc = account(sim.state.world, username)
    client = NmbrsClient(NmbrsSettings(
        username=acc.username, token=acc.token, domain=acc.domain, base_url=sim.url,
        backoff_base=0.01, operation_timeout=5.0, report_max_wait=10.0))
    period = get_period("monthly", 2026, number)
    sim.state.clock = clock
    try:
        part = extract_period(Warehouse(engine), NmbrsSoapSource(client), emp.employer_id,
                              emp.nmbrs_company_id, period)
    finally:
        sim.state.clock = sim.state.world.config.clock
    return period, part.extraction_id


def personal_values(engine, extraction_ids: list[str]) -> dict[str, set[str]]:
    """Return the BSNs, IBANs and salary amounts the history landed (to look for on pages)."""
    ids = {"ids": extraction_ids}
    with engine.connect() as conn:
        bsns = conn.execute(text("select distinct bsn from staging.personal_info where "
                                 "_extraction_id = any(cast(:ids as uuid[])) and bsn <> ''"),
                            ids).scalars().all()
        ibans = conn.execute(text("select distinct iban from staging.bank_account where "
                                  "_extraction_id = any(cast(:ids as uuid[])) and iban <> ''"),
                             ids).scalars().all()
        amounts = conn.execute(text("select distinct value from staging.salary where "
                                    "_extraction_id = any(cast(:ids as uuid[])) and value >= 100"),
                               ids).scalars().all()
    return {"bsn": set(bsns), "iban": set(ibans), "amount": {f"{a:.2f}" for a in amounts}}


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def leaks(page: str, values: dict[str, set[str]]) -> list[str]:
    """Return the personal values found on `page` (BSN, IBAN with or without spaces, amounts)."""
    found = [v for v in values["bsn"] if v in page]
    flat = page.replace(" ", "")
    found += [v for v in values["iban"] if v.replace(" ", "") in flat]
    words = set(re.findall(r"[\d.,]+", UUID.sub(" ", page)))
    for amount in values["amount"]:
        whole, cents = amount.split(".")
        forms = {amount, f"{whole},{cents}", f"{int(whole):,}.{cents}",
                 f"{int(whole):,}".replace(",", ".") + f",{cents}"}
        found += [form for form in forms if form in words]
    return found
