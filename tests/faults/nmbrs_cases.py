"""Every Nmbrs SOAP call the extraction makes × every fault kind, once and persistently.

The calls are the ones a clean run of the drill's partition made (so a new call is covered the
day the pipeline makes it). Each call's partition is published clean first; every fault case is
then a re-run of that partition, so "published data unchanged" is checked against real rows.

Expected outcomes
- timeout, reset, HTTP 500/503, truncated body once: retried inside the client, the re-run
  publishes rows equal to the clean baseline;
- 1002 on the background wage-code report: the synchronous report instead, rows equal;
- the same persistently, and every fatal kind (malformed XML, XXE, auth 1001–1006, 2003, 2004,
  9999): the run fails with the error class of the client's model, the extraction row records
  that class and a message naming the call, and the published rows are still the baseline.
Fatal kinds are not retried by design, so "persistently" differs from "once" only for the
transient kinds; fatal kinds run once.
Always: no token, BSN, IBAN (nor the XXE file's content) in the captured logs, the error text
or the extraction row.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text

from simulators.nmbrs_sim.knobs import FaultRule
from tests.faults.harness import Outcome, captured_logs, guarded, new_employer

TRANSIENT = {"timeout": {"kind": "hang", "hang_s": 2.5}, "reset": {"kind": "reset"},
             "http500": {"kind": "http500"}, "http503": {"kind": "http503"},
             "truncated": {"kind": "truncated"}}
FATAL = {"malformed": ({"kind": "malformed"}, "NmbrsResponseError"),
         "xxe": ({"kind": "xxe"}, "NmbrsResponseError"),
         **{f"auth{code}": ({"kind": "soap_fault", "code": code, "text": "Access denied"},
                            "NmbrsAuthError") for code in (1001, 1002, 1003, 1004, 1006)},
         "2003": ({"kind": "soap_fault", "code": 2003, "text": "Employee not found"},
                  "NmbrsRequestError"),
         "2004": ({"kind": "soap_fault", "code": 2004, "text": "Company not found"},
                  "NmbrsRequestError"),
         "9999": ({"kind": "soap_fault", "code": 9999, "text": "Unknown error"}, "NmbrsFault")}
# 1002 (not granted) on the background wage-code report: the client takes the synchronous
# report call instead (nmbrs/client/wagecodes.py), so the run succeeds with equal rows.
OTHER_PATH = {("Reports_GetWageCodesByRunCompany_v2_Background", "auth1002"),
              ("Reports_BackgroundTask_Result", "auth1002")}


def cases(rig) -> list[tuple[str, str, str]]:
    """Return (call, kind, mode) for every call of the clean run."""
    found = []
    for call in rig.baseline_calls:
        found += [(call, kind, mode) for kind in TRANSIENT for mode in ("once", "persistent")]
        found += [(call, kind, "once") for kind in FATAL]
    return found


def run_all(rig, selected=None, report=print) -> list[Outcome]:
    """Run the matrix (or the `selected` (call, kind, mode) triples); report each outcome."""
    canary = _canary(rig)
    partitions: dict[str, str] = {}
    outcomes = []
    for call, kind, mode in selected or cases(rig):
        if call not in partitions:
            partitions[call] = new_employer()
            rig.reset()
            rig.extract(partitions[call])
        outcome = guarded("nmbrs", f"{call} × {kind} ({mode})", "", run_case,
                          rig, partitions[call], call, kind, mode, canary)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


def _canary(rig) -> str:
    """Write the file the XXE payload points at; its content counts as a secret."""
    content = f"xxe-canary-{uuid.uuid4().hex}"
    path = Path(tempfile.mkdtemp(prefix="koppeling-xxe-")) / "secret.txt"
    path.write_text(content)
    rig.secrets[content] = "XXE file content"
    return str(path)


def run_case(rig, employer_id: str, call: str, kind: str, mode: str, canary: str) -> Outcome:
    """Run one re-run of the partition with one fault; judge it."""
    spec, expected_class = (TRANSIENT[kind], None) if kind in TRANSIENT else FATAL[kind]
    rule = {**spec, "operation": call, "nth": 1,
            "times": 1 if mode == "once" else 1_000_000}
    if kind == "xxe":
        rule["text"] = canary
    retried = (kind in TRANSIENT and mode == "once") or (call, kind) in OTHER_PATH
    expected = "retried-success" if retried else f"failed {expected_class or 'NmbrsTransientError'}"
    rig.reset(faults=[FaultRule(**rule)])
    started, error = time.monotonic(), None
    with captured_logs() as lines:
        try:
            rig.extract(employer_id)
        except Exception as err:  # noqa: BLE001 - judged below
            error = err
    seconds = time.monotonic() - started
    got, problems = _judge(rig, employer_id, call, error, expected, lines)
    return Outcome("nmbrs", f"{call} × {kind} ({mode})", expected, got, not problems,
                   "; ".join(problems), seconds)


def _judge(rig, employer_id, call, error, expected, lines) -> tuple[str, list[str]]:
    problems = []
    if rig.published(employer_id) != rig.baseline:
        problems.append("published rows differ from the clean run")
    row = _last_extraction(rig, employer_id)
    if error is None:
        got = "retried-success"
    else:
        # The class the failure is classified as (recorded in ops.extraction): a per-employee
        # batch fails as one EmployeeBatchError classified by its worst failure (by design,
        # docs/running-under-the-scheduler.md), which it wraps.
        got = f"failed {getattr(error, 'error_class', None) or type(error).__name__}"
        problems += _classified(rig, row, call, error, expected)
    if got != expected:
        problems.insert(0, f"expected {expected}")
    if rig.sim.state.stats.faults == {}:
        problems.append("the fault never fired")
    leaked = rig.leaks("\n".join(lines), str(error or ""), str(row.get("error_message")))
    if leaked:
        problems.append(f"leaked {', '.join(leaked)}")
    return got, problems


def _classified(rig, row: dict, call: str, error: Exception, expected: str) -> list[str]:
    """A classified failure: the error is (or wraps) the expected class of the client's model,
    and the extraction row names employer and period (its keys), the call and the cause."""
    problems = []
    wanted = expected.removeprefix("failed ")
    chain = [error, error.__cause__]
    if expected.startswith("failed") and not any(
            type(e).__name__ == wanted for e in chain if e is not None):
        problems.append(f"raised {type(error).__name__}, not (a wrapper of) {wanted}")
    if row.get("status") != "failed":
        problems.append(f"extraction row is {row.get('status')!r}, not 'failed'")
    recorded = f"{row.get('error_class')} {row.get('error_message') or ''}"
    if call not in recorded:
        problems.append("the recorded error does not name the call")
    if wanted not in recorded:
        problems.append(f"the recorded error does not name the cause {wanted}")
    if row.get("period") != rig.period.label:
        problems.append("the recorded error is not on the partition's period")
    return problems


def _last_extraction(rig, employer_id: str) -> dict:
    with rig.warehouse.engine.connect() as conn:
        row = conn.execute(text(
            "select status, error_class, error_message, employer_id, period from ops.extraction "
            "where employer_id = :e order by started_at desc limit 1"), {"e": employer_id})
        found = row.mappings().first()
    return dict(found) if found else {}
