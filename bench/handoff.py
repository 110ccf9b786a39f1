"""Benchmark: build, validate and deliver 5,000 stands (target < 10 s). Prints figures only.

Synthetic published rows (invented people) for two consecutive months; the second month has
hires, exits, salary, part-time and address changes, so mutations are derived for real.

1. in memory: compose (stands, field set, mutations, hash), validate (compiled fast check),
   encode, deliver by file drop and by HTTPS to the a.s.r. receiver on loopback;
2. with --warehouse (default on): ``deliver_period`` end to end on a scratch database (published
   rows read back, ledger, HTTPS), after loading both months with COPY (load not timed).

    ./run bench handoff [--employees 5000] [--no-warehouse] [--reference]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
import time
import uuid
from decimal import Decimal

from payroll_link.handoff.adapters import Envelope
from payroll_link.handoff.adapters.filedrop import FileDropAdapter
from payroll_link.handoff.adapters.https import HttpsAdapter
from payroll_link.handoff.build import compose
from payroll_link.handoff.config import load_config
from payroll_link.handoff.message import encode, idempotency_key
from payroll_link.handoff.schema import fast_check, reference_problems, validate
from payroll_link.handoff.stand import PeriodInputs
from payroll_link.periods import get_period
from payroll_link.registry import Employer
from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.asr_receiver.fixture import running_receiver

D = Decimal
EMPLOYER = Employer(employer_id="bench_zorg", asr_reference="ASR-WG-900001",
                    company_name="Benchmark Zorg B.V.", nmbrs_company_id=2007,
                    nmbrs_debtor_id=1005, account_mode="per_debtor", nmbrs_conn_id="nmbrs_bench",
                    domain="bench", frequency="monthly", product="pension", status="registered")
PERIODS = (get_period("monthly", 2026, 9), get_period("monthly", 2026, 10))


def employee_rows(n: int, period, later: bool) -> dict[str, list[dict]]:
    """Return the staging rows of employee n (for the second month when `later`)."""
    eid, start = 100_000 + n, dt.date(2010 + n % 15, 1 + n % 12, 1)
    if n % 89 == 0:
        start = PERIODS[1].start + dt.timedelta(days=4)  # hired in the second month
    hours = D("18.00") if later and n % 97 == 0 else (D(36) if n % 3 else D("24.00"))
    salary = D(2500 + n % 3000) + (D(150) if later and n % 31 == 0 else 0)
    end = period.start + dt.timedelta(days=9) if later and n % 101 == 0 else None
    lines = [(1000, salary * hours / 36), (1100, hours * 52 / 12), (2000, salary * D("0.08"))]
    return {
        "employment": [{"employee_id": eid, "employment_id": eid * 10 + 1, "creation_date": start,
                        "start_date": start, "end_date": end, "initial_start_date": start}],
        **_person(n, eid, start, "Nieuwe Gracht" if later and n % 53 == 0 else "Zorgstraat"),
        "contract": [{"employee_id": eid, "contract_id": eid * 100 + 1, "creation_date": start,
                      "start_date": start, "trial_period_end": None, "end_date": None,
                      "employment_type": 1, "employment_sequence_tax_id": 1,
                      "indefinite": bool(n % 5), "phase_classification": 0,
                      "written_contract": True, "hours_per_week": hours}],
        "salary": [{"employee_id": eid, "salary_id": eid * 100 + 1, "value": salary,
                    "salary_type": 1, "salary_table_code": None, "start_date": start,
                    "creation_date": start}],
        "svw": [{"employee_id": eid, "svw_id": eid, "influence_obliged_insurance": False,
                 "wage_cost_benefit": False, "code_cao": 626, "wao_wia": True, "ww": True,
                 "zw": True, "income_related_contribution_zvw": True, "code_zvw": 1,
                 "risk_group": 1, "sector": 40, "employment_type": 15,
                 "phase_classification": 0, "employment_sequence_tax_id": 1}],
        "wage_code_line": [{"run_id": 1, "employee_id": eid, "year": period.year,
                            "period": period.number, "run_number": period.number, "code": code,
                            "description": "", "value": value.quantize(D("0.01"))}
                           for code, value in lines],
    }


def _person(n: int, eid: int, start: dt.date, street: str) -> dict[str, list[dict]]:
    """Return personal info, address, partner and children rows of employee n."""
    bsn = f"{10_000_000 + n:08d}"
    bsn += str(sum(w * int(d) for w, d in zip(range(9, 1, -1), bsn, strict=True)) % 11 % 10)
    return {
        "personal_info": [{"employee_id": eid, "number": n, "employee_number": n, "bsn": bsn,
                           "first_name": f"Naam{n}", "initials": "A.B.", "prefix": None,
                           "last_name": f"Zorgverlener{n}", "gender": "female" if n % 2 else "male",
                           "nationality_code": 1, "birth_date": dt.date(1960 + n % 40, 3, 1),
                           "deceased_date": None, "partner_prefix": None,
                           "partner_last_name": None, "naamstelling": "E",
                           "creation_date": start}],
        "address": [{"employee_id": eid, "address_id": eid, "is_default": True, "street": street,
                     "house_number": str(n % 300 + 1), "house_number_addition": None,
                     "postal_code": "9700AB", "city": "Groningen", "state_province": None,
                     "country_iso_code": "NL", "address_type": "HomeAddress"}],
        "partner": ([{"employee_id": eid, "partner_id": eid, "partner_name": f"Partner{n}",
                      "first_name": "Sam", "initials": "S.", "gender": "male",
                      "birth_date": dt.date(1970, 1, 1), "start_date": dt.date(2000, 1, 1)}]
                    if n % 2 else []),
        "child": [{"employee_id": eid, "child_id": eid * 10 + k, "name": f"Zorgverlener{n}",
                   "first_name": f"Kind{k}", "initials": "K.", "gender": "female",
                   "birth_date": dt.date(2005 + k, 6, 1)} for k in range(n % 3)],
    }


def period_rows(count: int, period, later: bool) -> dict[str, list[dict]]:
    """Return the published rows of one month for `count` employees."""
    rows: dict[str, list[dict]] = {"company_wage_component": [
        {"kind": "fixed", "component_id": 1, "code": 5010, "value": D("45.00")}]}
    for n in range(1, count + 1):
        for entity, entity_rows in employee_rows(n, period, later).items():
            rows.setdefault(entity, []).extend(entity_rows)
    return rows


def timed(label: str, func, *args, **kwargs):
    """Run func, print its wall time, return (result, seconds)."""
    started = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - started
    print(f"  {label:<50} {seconds:7.3f} s")
    return result, seconds


def in_memory(count: int, reference: bool) -> None:
    """Compose, validate, encode and deliver the second month in memory."""
    settings = load_config().with_employer(EMPLOYER.employer_id, full_time_hours_per_week=36) \
        .settings_for(EMPLOYER)
    inputs = [PeriodInputs(period_rows(count, p, i == 1)) for i, p in enumerate(PERIODS)]
    base, _ = compose(inputs[0], EMPLOYER, PERIODS[0], str(uuid.uuid4()), settings, None)
    fast_check()  # compile once, as a long-running worker would
    print(f"in memory: {count} employees, month {PERIODS[1].label} against {PERIODS[0].label}")
    (message, _), t_build = timed("compose (stands, field set, mutations, hash)", compose,
                                  inputs[1], EMPLOYER, PERIODS[1], str(uuid.uuid4()), settings,
                                  base["stands"])
    _, t_valid = timed("validate (compiled fast check)", validate, message)
    body, t_enc = timed("encode", encode, message)
    t_http = deliver_both(message, body)
    total = t_build + t_valid + t_enc + t_http
    print(f"  stands {message['summary']['stands']}, mutations "
          f"{message['summary']['mutations']}, message {len(body) / 1e6:.1f} MB")
    print(f"  {'TOTAL build + validate + encode + deliver (HTTPS)':<50} {total:7.3f} s "
          f"({message['summary']['stands'] / total:,.0f} stands/s; target < 10 s)")
    if reference:
        timed("reference: jsonschema validation (for scale)", reference_problems, message)


def deliver_both(message: dict, body: bytes) -> float:
    """Deliver by file drop and by HTTPS; return the HTTPS seconds."""
    digest = message["employer"]["content_hash"]
    envelope = Envelope(body, idempotency_key("bench", PERIODS[1].label, 1, digest),
                        message["message"]["message_id"], "bench", PERIODS[1].label, 1, digest,
                        message["schema"])
    with tempfile.TemporaryDirectory() as folder:
        timed("deliver: file drop (message + manifest)", FileDropAdapter(folder).deliver,
              envelope)
    with running_receiver(reference_validation=False) as receiver:
        adapter = HttpsAdapter(receiver.endpoint, DEFAULT_TOKEN)
        return timed("deliver: HTTPS to the receiver (validates too)", adapter.deliver,
                     envelope)[1]


def through_warehouse(count: int) -> None:
    """deliver_period end to end on a scratch database."""
    from cryptography.fernet import Fernet

    from payroll_link.handoff import sealing
    from payroll_link.handoff.service import deliver_period
    from payroll_link.warehouse import Warehouse, make_engine, scratch_database

    bench_key = Fernet.generate_key().decode()  # the stored messages are sealed, as in production
    sealing.use_lookup(lambda conn_id: sealing.env_password(conn_id) or bench_key)
    with scratch_database("koppeling_bench") as url:
        engine = make_engine(url)
        try:
            warehouse = Warehouse(engine)
            config = load_config().with_employer(EMPLOYER.employer_id,
                                                 full_time_hours_per_week=36)
            print(f"deliver_period end to end ({engine.url.database}):")
            deliver_months(engine, warehouse, config, count, deliver_period)
        finally:
            engine.dispose()


def deliver_months(engine, warehouse, config, count: int, deliver_period) -> None:
    """Publish and deliver both months, then the second again (nothing to send)."""
    with running_receiver(reference_validation=False) as receiver:
        adapter = HttpsAdapter(receiver.endpoint, DEFAULT_TOKEN)
        for index, period in enumerate(PERIODS):
            xid = publish(warehouse, period, period_rows(count, period, index == 1))
            result, _ = timed(f"deliver_period {period.label}", deliver_period, engine,
                              EMPLOYER, xid, period, adapter, config=config)
            print(f"    {result['action']} v{result['version']}: {result['stands']} "
                  f"stands, mutations {result['mutations']}")
        timed(f"deliver_period {period.label} again (unchanged)", deliver_period, engine,
              EMPLOYER, xid, period, adapter, config=config)


def publish(warehouse, period, rows: dict[str, list[dict]]) -> str:
    """Load one month's rows into staging (COPY) and publish them; return the extraction id."""
    xid = warehouse.begin_extraction(EMPLOYER.employer_id, period.label, period.start,
                                     period.end)
    for entity, entity_rows in rows.items():
        warehouse.load_staging(entity, xid, EMPLOYER.employer_id, period.label, entity_rows)
    warehouse.record(xid, status="landed")
    warehouse.publish(xid)
    return xid


def main() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--no-warehouse", action="store_true")
    parser.add_argument("--reference", action="store_true",
                        help="also time jsonschema's own validation")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # "no quality run" warnings: expected here
    in_memory(args.employees, args.reference)
    if not args.no_warehouse:
        through_warehouse(args.employees)


if __name__ == "__main__":
    main()
