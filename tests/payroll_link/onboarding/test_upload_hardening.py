"""Hostile and oversized uploads: formula injection in reports, formula cells, size and row limits.

The malicious files are made here by hand; the checks read the written bytes (CSV text, the
sheet XML inside the XLSX zip), not the writer's own view of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from payroll_link.onboarding.employees_file import EmployeesFileError, read_employees_file
from payroll_link.onboarding.intake import reconcile
from payroll_link.onboarding.report import write_report
from payroll_link.onboarding.roster import RosterEntry
from payroll_link.onboarding.upload_reader import Limits

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+31 6 1234", "-2+3", "@SUM(A1:A9)",
           "\tTab Start", "\rCr Start", "=cmd|' /C calc'!A0"]
BIG = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000)


def roster_of(names: list[str]) -> list[RosterEntry]:
    return [RosterEntry(100 + i, i + 1, name, None, None, None, name, dt.date(1980, 1, 1))
            for i, name in enumerate(names)]


def hostile_upload(tmp_path):
    path = tmp_path / "medewerkers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(["Naam", "Geboortedatum", "Personeelsid"])
        writer.writerows([name, "01-01-1980", i + 1] for i, name in enumerate(HOSTILE))
    return path


def test_report_csv_neutralises_formula_cells_from_upload_and_nmbrs(tmp_path):
    upload = read_employees_file(hostile_upload(tmp_path), BIG)
    assert [row.name for row in upload.rows][:4] == [" ".join(n.split()) for n in HOSTILE][:4]
    result = reconcile(upload, roster_of(["=1+1 Nmbrs", *HOSTILE[1:]]), company_id=1)
    report = write_report(tmp_path / "intake.csv", result)
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    names = [cell for row in rows[1:] for cell in (row[5], row[6]) if cell]
    assert names, "the report carries the names"
    for name in names:
        assert name[0] not in "=+-@\t\r", f"live formula in the CSV report: {name!r}"
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert "'=1+1 Nmbrs" in names


def test_report_xlsx_writes_hostile_names_as_text_never_formulas(tmp_path):
    upload = read_employees_file(hostile_upload(tmp_path), BIG)
    result = reconcile(upload, roster_of(HOSTILE), company_id=1)
    report = write_report(tmp_path / "intake.xlsx", result)
    with zipfile.ZipFile(report) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml, "a formula element in the sheet"
    sheet = load_workbook(report).active
    texts = [c.value for row in sheet.iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and c.column in (6, 7)]
    assert texts and all(t.startswith("'") for t in texts if "HYPERLINK" in t or "@" in t)
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row
               if isinstance(c.value, str))


def test_formula_cells_in_an_upload_are_errors_naming_the_cell(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    sheet.append(["Naam", "Geboortedatum", "Personeelsid"])
    sheet.append(["Anouk Jansen", "17-05-1990", 3])
    sheet.append(["Piet Jansen", "01-01-1980", "=2+2"])
    sheet.append(['=HYPERLINK("http://evil.example","x")', "=TODAY()", "=A1"])  # only formulas
    path = tmp_path / "medewerkers.xlsx"
    book.save(path)
    result = read_employees_file(path, BIG)
    assert [str(e) for e in result.errors] == [
        "line 3, Personeelsid: formula in cell Blad1!C3; type the value itself",
        "line 4, Naam: formula in cell Blad1!A4; type the value itself",
        "line 4, Geboortedatum: formula in cell Blad1!B4; type the value itself",
        "line 4, Personeelsid: formula in cell Blad1!C4; type the value itself",
    ]
    assert result.data_lines == 3 and [r.personnel_id for r in result.rows] == [3]


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(b"Naam;Geboortedatum;Personeelsid\n" + b"A;01-01-1980;1\n" * 80_000)  # 1.14 M
    with pytest.raises(EmployeesFileError) as err:
        read_employees_file(path, Limits(max_bytes=1024 * 1024, max_rows=10**6))
    assert str(err.value) == ("employees file medewerkers.csv: the file is 1.1 MB; the limit is "
                              "1.0 MB (split it, or raise KOPPELING_INTAKE_MAX_MB)")


def test_rows_over_the_row_limit_refuse_the_file_naming_the_line(tmp_path, monkeypatch):
    path = tmp_path / "medewerkers.csv"
    path.write_text("Naam;Geboortedatum;Personeelsid\n"
                    + "".join(f"P{i};01-01-1980;{i}\n" for i in range(1, 8)), encoding="utf-8")
    monkeypatch.setenv("KOPPELING_INTAKE_MAX_ROWS", "5")
    with pytest.raises(EmployeesFileError, match=r"more than 5 employee rows \(line 7\)"):
        read_employees_file(path)
    monkeypatch.setenv("KOPPELING_INTAKE_MAX_ROWS", "7")
    assert len(read_employees_file(path).rows) == 7


def test_workbook_that_unpacks_far_beyond_the_limit_is_refused(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "Geboortedatum", "Personeelsid"])
    for i in range(20_000):
        sheet.append(["Jansen", "01-01-1980", i + 1])
    path = tmp_path / "medewerkers.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert unpacked > 2 * path.stat().st_size
    limits = Limits(max_bytes=path.stat().st_size, max_rows=10**6, max_unpacked=unpacked - 1)
    with pytest.raises(EmployeesFileError, match=r"the workbook unpacks to [\d.]+ MB"):
        read_employees_file(path, limits)
    limits = Limits(max_bytes=path.stat().st_size, max_rows=10**6, max_unpacked=unpacked)
    assert read_employees_file(path, limits).data_lines == 20_000


def test_blank_lines_between_rows_are_counted_and_reported(tmp_path):
    path = tmp_path / "medewerkers.csv"
    path.write_text("Naam;Geboortedatum;Personeelsid\nA B;01-01-1980;1\n;;\n\nC D;01-01-1981;2\n"
                    ";;\n", encoding="utf-8")
    upload = read_employees_file(path, BIG)
    assert upload.blank_lines == [3, 4] and upload.data_lines == 2
    result = reconcile(upload, roster_of(["A B", "C D"]), company_id=1)
    assert result.summary["blank_lines_skipped"] == 2
    report = write_report(tmp_path / "intake.csv", result)
    text = report.read_text(encoding="utf-8-sig")
    assert re.search(r"^blank_line;skipped;;3;", text, re.M)
    assert re.search(r"^blank_line;skipped;;4;", text, re.M)


def test_intake_command_refuses_an_oversized_file_before_any_nmbrs_call(tmp_path, monkeypatch,
                                                                        capsys):
    from payroll_link.cli import main

    path = tmp_path / "medewerkers.csv"
    path.write_bytes(b"Naam;Geboortedatum;Personeelsid\n" + b"A;01-01-1980;1\n" * 80_000)
    monkeypatch.setenv("KOPPELING_INTAKE_MAX_MB", "1")
    code = main(["intake", str(path), "--conn-id", "nmbrs_nowhere", "--company-id", "1",
                 "--quiet"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "koppeling: error: employees file medewerkers.csv: the file is 1.1 MB; the limit is "
        "1.0 MB (split it, or raise KOPPELING_INTAKE_MAX_MB)")
