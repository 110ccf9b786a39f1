"""Alerts through Airflow itself (`airflow dags test`): a failing payroll run, then the deadline.

One employer (a copy of the bakkerij with a unique id and a 5-day deadline) in a temporary
registry; the alert channels are an SMTP sink and a webhook receiver on loopback ports.
1. period 2026-10 with a SOAP fault 1002 injected into `Run_GetList`: the run fails in
   `extract_company`; exactly one e-mail and one webhook message name it.
2. `payroll_deadlines` on 2026-11-20 (October was due 11-05): one deadline alert.
3. period 2026-10 again without the fault: delivered. 4. `payroll_deadlines` again: one
   resolution. Nothing personal (the simulator's BSNs, IBANs, tokens) in anything sent.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from payroll_link.demo import airflow_env, run_dag
from payroll_link.periods import get_period
from payroll_link.registry import load_registry
from simulators.nmbrs_sim.knobs import FaultRule
from tests.alert_sinks import alert_connections, mail_text, secrets_of

pytestmark = [pytest.mark.airflow, pytest.mark.postgres, pytest.mark.simulator]
REPO = Path(__file__).resolve().parents[2]


def one_employer_registry(path: Path, employer_id: str) -> Path:
    data = yaml.safe_load((REPO / "config" / "employers.yaml").read_text())
    entry = next(e for e in data["employers"] if e["employer_id"] == "bakkerij_van_den_berg")
    entry.update(employer_id=employer_id, first_exchange_date="2026-10-01",
                 backfill_start="2026-10-01", delivery_deadline_days=5)
    path.write_text(yaml.safe_dump({"employers": [entry]}, allow_unicode=True))
    return path


def run_deadlines(env: dict, day: str) -> None:
    done = subprocess.run(["airflow", "dags", "test", "payroll_deadlines", day], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_failing_run_and_late_period_alert_once_each_without_personal_data(
        tmp_path, nmbrs_sim, warehouse, warehouse_db_url, asr_receiver, smtp_sink,
        webhook_receiver, sim_world):
    employer_id = f"alert_{uuid.uuid4().hex[:6]}"
    registry = one_employer_registry(tmp_path / "employers.yaml", employer_id)
    employer = load_registry(registry).by_id(employer_id)
    home = tmp_path / "airflow"
    env = airflow_env(nmbrs_sim.url, warehouse_db_url, registry, home,
                      receiver_endpoint=asr_receiver.endpoint)
    env.update(alert_connections(smtp_sink, webhook_receiver))
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    period = get_period("monthly", 2026, 10)

    nmbrs_sim.state.knobs.faults.append(FaultRule(kind="soap_fault", operation="Run_GetList",
                                                  code=1002, times=100))
    ok, _ = run_dag(env, warehouse, employer, period)
    assert not ok
    mails, hooks = smtp_sink.sink.messages, webhook_receiver.sink.messages
    assert (len(mails), len(hooks)) == (1, 1), [mail_text(m)[:200] for m in mails]
    failure = hooks[0]["json"]["alert"]
    assert {k: failure[k] for k in ("kind", "employer_id", "period", "task_id", "error_class")} \
        == {"kind": "task_failed", "employer_id": employer_id, "period": "2026-10",
            "task_id": "extract_company", "error_class": "NmbrsAuthError"}
    assert "koppeling preflight" in failure["action"]
    mail = mail_text(mails[0])
    for value in (employer_id, "2026-10", "extract_company", "NmbrsAuthError",
                  "koppeling preflight", employer.company_name):
        assert value in mail, value

    run_deadlines(env, "2026-11-20T09:00:00+00:00")
    assert (len(mails), len(hooks)) == (2, 2)
    assert hooks[1]["json"]["alert"]["kind"] == "deadline_missed"
    assert hooks[1]["json"]["alert"]["due_date"] == "2026-11-05"

    nmbrs_sim.state.knobs.faults.clear()
    ok, _ = run_dag(env, warehouse, employer, period)
    assert ok and len(mails) == 2  # a successful run sends nothing
    run_deadlines(env, "2026-11-20T10:00:00+00:00")
    assert (len(mails), len(hooks)) == (3, 3)
    assert hooks[2]["json"]["alert"]["kind"] == "deadline_resolved"
    assert "now delivered" in mail_text(mails[2])

    with warehouse.engine.connect() as conn:
        alerted = conn.execute(text("select count(*) from ops.alert_failure where "
                                    "employer_id = :e"), {"e": employer_id}).scalar()
    assert alerted == 1
    sent = "\n".join(mail_text(m) for m in mails) + "".join(h["raw"].decode() for h in hooks)
    assert not [s for s in secrets_of(sim_world, [employer.nmbrs_company_id]) if s in sent]
