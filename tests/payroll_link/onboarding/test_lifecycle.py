"""Lifecycle commands on a temp registry copy, recorded in a fresh warehouse database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from payroll_link.cli import main
from payroll_link.registry import dag_id_for, load_registry

# Applied changes reach Airflow (pause state, pools): every test has a metadata database.
pytestmark = pytest.mark.usefixtures("airflow_db")

VAN_GILS = ["--employer-id", "bouwbedrijf_van_gils", "--asr-reference", "ASR-WG-100006",
            "--company-name", "Bouwbedrijf Van Gils B.V.", "--company-id", "2101",
            "--debtor-id", "1101", "--account-mode", "per_debtor", "--conn-id", "nmbrs_van_gils",
            "--domain", "payrollzuid", "--frequency", "monthly", "--product", "pension"]


def run(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json", "--quiet"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else {"err": captured.err})


def dag_ids(path) -> set[str]:
    return {dag_id_for(employer) for employer in load_registry(path).dag_employers}


def changes(url: str) -> list[dict]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("select employer_id, action, actor, diff, intake_summary "
                                 "from ops.registry_change where employer_id = "
                                 "'bouwbedrijf_van_gils' order by id")).mappings().all()
    engine.dispose()
    return [dict(row) for row in rows]


def test_dry_run_changes_nothing(registry_copy, capsys):
    before = registry_copy.read_bytes()
    code, out = run(capsys, "register", *VAN_GILS, "--registry", str(registry_copy))
    assert code == 0 and out["applied"] is False and "+employer_id: bouwbedrijf_van_gils" in \
        out["diff"].replace("+ ", "+")
    assert registry_copy.read_bytes() == before


@pytest.mark.postgres
@pytest.mark.simulator
def test_round_trip_register_realise_offboard(registry_copy, warehouse_db, sim_conn, tmp_path,
                                              capsys):
    reg = ["--registry", str(registry_copy), "--yes", "--actor", "tester"]
    conn = sim_conn("nmbrs_van_gils", "koppeling@bouwbedrijfvangils.nl")
    upload = tmp_path / "van_gils.csv"
    assert main(["employees-file", "--conn-id", conn, "--company-id", "2101", "--out",
                 str(upload), "--quiet"]) == 0
    capsys.readouterr()
    code, out = run(capsys, "register", *VAN_GILS, "--intake", str(upload), *reg)
    assert code == 0 and out["applied"] and out["status_after"] == "registered", out
    assert out["intake_summary"]["matched"] == out["intake_summary"]["active_in_nmbrs"] > 0
    assert "payroll_bouwbedrijf_van_gils" not in dag_ids(registry_copy)

    code, out = run(capsys, "realise", "bouwbedrijf_van_gils", "--first-exchange-date",
                    "2026-12-01", "--backfill-start", "2026-10-01", *reg)
    assert code == 0 and "appears on the next parse" in out["dag_effect"]
    assert "payroll_bouwbedrijf_van_gils" in dag_ids(registry_copy)

    code, out = run(capsys, "offboard", "bouwbedrijf_van_gils", *reg)
    assert code == 0 and "disappears" in out["dag_effect"]
    assert "payroll_bouwbedrijf_van_gils" not in dag_ids(registry_copy)
    assert load_registry(registry_copy).by_id("bouwbedrijf_van_gils").status == "offboarded"

    rows = changes(warehouse_db)
    assert [(r["action"], r["actor"]) for r in rows] == [
        ("register", "tester"), ("realise", "tester"), ("offboard", "tester")]
    assert rows[0]["intake_summary"]["company_id"] == 2101 and rows[1]["intake_summary"] is None
    assert "+status: realised" in rows[1]["diff"] and "-status: registered" in rows[1]["diff"]


@pytest.mark.postgres
def test_pause_and_resume_keep_the_dag(registry_copy, warehouse_db, capsys):
    reg = ["--registry", str(registry_copy), "--yes", "--actor", "tester"]
    code, out = run(capsys, "pause", "bakkerij_van_den_berg", *reg)
    assert code == 0 and out["status_after"] == "paused"
    assert "payroll_bakkerij_van_den_berg" in dag_ids(registry_copy)
    code, out = run(capsys, "resume", "bakkerij_van_den_berg", *reg)
    assert code == 0 and out["status_after"] == "realised"


@pytest.mark.parametrize(("argv", "message"), [
    (["pause", "hollander_installatietechniek"], "is registered; pause needs status realised"),
    (["resume", "bakkerij_van_den_berg"], "resume needs status paused"),
    (["realise", "hollander_installatietechniek"], "first_exchange_date is required"),
    (["realise", "hollander_installatietechniek", "--first-exchange-date", "2026-12-02"],
     "is not the first day of a monthly payroll period"),
    (["offboard", "nobody_here"], "employer 'nobody_here' is not in"),
])
def test_refused_transitions_name_employer_and_reason(registry_copy, capsys, argv, message):
    code = main([*argv, "--registry", str(registry_copy), "--yes"])
    assert code == 2 and message in capsys.readouterr().err


def test_register_refuses_a_company_already_registered(registry_copy, capsys):
    argv = [a if a != "2101" else "2001" for a in VAN_GILS]
    assert main(["register", *argv, "--registry", str(registry_copy)]) == 2
    assert "Nmbrs company 2001 is already registered as 'bakkerij_van_den_berg'" in \
        capsys.readouterr().err


def test_registry_with_an_invalid_entry_is_not_rewritten(registry_copy, capsys):
    registry_copy.write_text(registry_copy.read_text().replace("product: income_insurance",
                                                               "product: lottery"))
    before = registry_copy.read_bytes()
    assert main(["offboard", "bakkerij_van_den_berg", "--registry", str(registry_copy),
                 "--yes"]) == 2
    err = capsys.readouterr().err
    assert "1 invalid entry" in err and "van_den_berg_banket" in err
    assert registry_copy.read_bytes() == before


@pytest.mark.postgres
def test_warehouse_refusal_leaves_the_file_untouched(registry_copy, warehouse_db, capsys):
    """The row is refused (here by an extra check constraint): no registry change either."""
    before = registry_copy.read_bytes()
    engine = create_engine(warehouse_db)
    with engine.begin() as conn:
        conn.execute(text("alter table ops.registry_change add constraint test_refuse "
                          "check (employer_id <> 'van_den_berg_banket')"))
    try:
        code = main(["pause", "van_den_berg_banket", "--registry", str(registry_copy),
                     "--yes", "--actor", "tester"])
        assert code == 2 and "not applied" in capsys.readouterr().err
        assert registry_copy.read_bytes() == before
    finally:
        with engine.begin() as conn:
            conn.execute(text("alter table ops.registry_change drop constraint test_refuse"))
        engine.dispose()
