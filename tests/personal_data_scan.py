"""Search a run's traces for the simulator's BSNs, IBANs and every secret (docs/personal-data.md).

Used by tests/dags/test_personal_data.py, and after `./run demo` on its own:

    python -m tests.personal_data_scan --airflow-home .local/airflow --docs .local/quality_docs \
        --warehouse "$WAREHOUSE_URL" [--companies 2001 2002 2005]

Searched: the warehouse dump outside raw and staging (all of ops: ledger, stored messages,
quality, extraction bookkeeping), every file under the Airflow home's logs, the XCom values and
the whole metadata database, and the quality Data Docs. Allowed: raw and staging only; the scan
also checks they do hold the BSNs, so a search that finds nothing is known to work.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from payroll_link.handoff import sealing
from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.nmbrs_sim.dataset import World


def needles(world: World, companies: list[int], message_key: str | None) -> dict[str, str]:
    """Return {value: what it is} for the companies' BSNs and IBANs and every secret."""
    found = {}
    for company in companies:
        for employee_id in world.company(company).employee_ids():
            employee = world.employee(employee_id)
            found[employee.bsn] = f"BSN of employee {employee_id}"
            for account in employee.bank_accounts(1, 2026):
                found[account["IBAN"]] = f"IBAN of employee {employee_id}"
    for account in world.config.accounts:
        found[account.token] = f"Nmbrs token of {account.username}"
    found[DEFAULT_TOKEN] = "a.s.r. delivery token"
    if message_key:
        found[message_key] = "message key"
    return found


def dump(url: str, *options: str) -> str:
    """Return pg_dump's data-only text of the warehouse for the given schema options."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    text = subprocess.run(
        ["pg_dump", "--data-only", "-h", target.host or "127.0.0.1", "-p",
         str(target.port or 5432), "-U", target.username or "postgres", *options,
         target.database], capture_output=True, text=True, check=True).stdout
    # bytea columns (stored messages, baselines) dump as hex: search their bytes as well.
    return text + "\n".join(bytes.fromhex(h).decode("utf-8", "replace")
                            for h in re.findall(r"\\\\x((?:[0-9a-f]{2})+)", text))


def hits(text: str, found: dict[str, str]) -> list[str]:
    """Return what of `found` occurs in `text`."""
    return sorted({what for value, what in found.items() if value in text})


def files_text(folder: Path) -> dict[str, str]:
    """Return every file under `folder` as text."""
    return {str(p.relative_to(folder)): p.read_bytes().decode("utf-8", "replace")
            for p in folder.rglob("*") if p.is_file()}


def scan(home: Path, docs: Path, warehouse_url: str, found: dict[str, str]) -> dict:
    """Return {'allowed': hits in raw/staging, 'leaks': {place: hits}, 'searched': counts}."""
    allowed = hits(dump(warehouse_url, "-n", "raw", "-n", "staging"), found)
    places = {"warehouse outside raw/staging": dump(warehouse_url, "-N", "raw", "-N", "staging")}
    logs = files_text(home / "logs")
    data_docs = files_text(docs) if docs.exists() else {}
    places |= {f"log {name}": text for name, text in logs.items()}
    places |= {f"data docs {name}": text for name, text in data_docs.items()}
    metadata = sqlite3.connect(home / "airflow.db")
    xcom = [row[0] for row in metadata.execute("select value from xcom")]
    metadata.close()
    places["xcom"] = json.dumps([bytes(v).decode("utf-8", "replace") if isinstance(v, bytes)
                                 else str(v) for v in xcom])
    places["airflow metadata db"] = (home / "airflow.db").read_bytes().decode("latin-1")
    leaks = {place: hits(text, found) for place, text in places.items() if hits(text, found)}
    return {"allowed": allowed, "leaks": leaks,
            "searched": {"log files": len(logs), "data docs files": len(data_docs),
                         "xcom values": len(xcom), "values searched for": len(found)}}


def main(argv: list[str] | None = None) -> int:
    """Scan and print the result; exit 1 on a leak or when raw/staging hold no BSN."""
    parser = argparse.ArgumentParser(prog="personal_data_scan", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--airflow-home", type=Path, required=True)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--companies", type=int, nargs="*", default=[2001, 2002, 2005])
    args = parser.parse_args(argv)
    key_file = args.airflow_home / "message_key"
    key = sealing.env_password() or (key_file.read_text().strip() if key_file.exists() else None)
    result = scan(args.airflow_home, args.docs, args.warehouse,
                  needles(World(), args.companies, key))
    kinds = [what.split(" of ")[0] for what in result["allowed"]]
    print(json.dumps({**result, "allowed": {k: kinds.count(k) for k in sorted(set(kinds))}},
                     indent=2))
    ok = not result["leaks"] and any(w.startswith("BSN") for w in result["allowed"])
    print("personal data only where allowed" if ok else "LEAK or nothing found in raw/staging")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
