"""Employees file from Nmbrs, and the intake of an edited one, against the simulator."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from payroll_link.cli import main
from tests.payroll_link.onboarding.conftest import BAKKERIJ

pytestmark = pytest.mark.simulator


@pytest.fixture
def bakkerij_file(sim_conn, tmp_path, capsys):
    """The employees file of company 2001 as `koppeling employees-file` writes it."""
    conn = sim_conn("nmbrs_bakkerij_test", BAKKERIJ)
    path = tmp_path / "medewerkers.csv"
    code = main(["employees-file", "--conn-id", conn, "--company-id", "2001", "--out", str(path),
                 "--json", "--quiet"])
    assert code == 0 and json.loads(capsys.readouterr().out)["employees"] == 19
    return conn, path


def read_rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_unchanged_employees_file_matches_every_employee(bakkerij_file, capsys):
    conn, path = bakkerij_file
    code = main(["intake", str(path), "--conn-id", conn, "--company-id", "2001", "--json",
                 "--quiet"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"] and out["summary"]["matched"] == 19 and out["details"] == []


def test_missing_extra_and_wrong_birth_date_are_reported(bakkerij_file, tmp_path, capsys,
                                                         nmbrs_sim):
    conn, path = bakkerij_file
    header, *rows = read_rows(path)
    missing = rows.pop(3)
    wrong = rows[5]
    born = dt.datetime.strptime(wrong[1], "%d-%m-%Y").date()
    wrong[1] = (born + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    rows.append(["Kees Extra", "01-02-1990", "999"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *rows])
    report = tmp_path / "intake.csv"
    code = main(["intake", str(path), "--conn-id", conn, "--company-id", "2001", "--json",
                 "--quiet", "--report", str(report)])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and not out["ok"]
    summary = out["summary"]
    assert (summary["matched"], summary["missing_from_file"], summary["extra_in_file"],
            summary["birth_date_mismatch"], summary["name_mismatch"]) == (17, 1, 1, 1, 0)
    by_status = {d["status"]: d for d in out["details"]}
    assert by_status["missing_from_file"]["personnel_id"] == int(missing[2])
    assert by_status["extra_in_file"]["personnel_id"] == 999
    assert by_status["extra_in_file"]["line"] == len(rows) + 1
    assert by_status["mismatch"]["mismatches"] == ["birth_date"]
    assert by_status["mismatch"]["personnel_id"] == int(wrong[2])
    assert "Kees Extra" not in json.dumps(out)  # names only go to the report file
    text = report.read_text(encoding="utf-8-sig")
    assert "Kees Extra" in text and missing[0] in text
    bsns = [e.bsn for e in nmbrs_sim.state.world.company(2001).all_employees()]
    assert not any(bsn in text for bsn in bsns)


def test_xlsx_report_and_terminal_table(bakkerij_file, tmp_path, capsys):
    conn, path = bakkerij_file
    header, *rows = read_rows(path)
    rows[0][0] = "Iemand Anders"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *rows])
    report = tmp_path / "intake.xlsx"
    code = main(["intake", str(path), "--conn-id", conn, "--company-id", "2001", "--quiet",
                 "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 1 and "name_mismatch" in out and "Iemand Anders" not in out
    sheet = load_workbook(report).active
    assert [cell.value for cell in sheet[1]][:3] == ["status", "afwijking", "personeelsid"]
    assert sheet["A2"].value == "mismatch" and sheet["B2"].value == "name"


def test_malformed_file_fails_before_calling_nmbrs(tmp_path, capsys, nmbrs_sim):
    path = tmp_path / "leeg.csv"
    path.write_text("")
    code = main(["intake", str(path), "--conn-id", "nmbrs_not_needed", "--company-id", "2001"])
    assert code == 2 and "leeg.csv: the file is empty" in capsys.readouterr().err
    assert nmbrs_sim.state.stats.to_dict()["total_calls"] == 0


def test_row_errors_are_listed_and_their_employees_marked(bakkerij_file, capsys):
    conn, path = bakkerij_file
    header, *rows = read_rows(path)
    rows[2][1] = "31-13-1980"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *rows])
    code = main(["intake", str(path), "--conn-id", conn, "--company-id", "2001", "--json",
                 "--quiet"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["errors"] == [
        {"line": 4, "column": "Geboortedatum",
         "reason": "not a date in the form dd-mm-jjjj or jjjj-mm-dd"}]
    (detail,) = out["details"]
    assert detail["status"] == "invalid_row" and detail["line"] == 4
