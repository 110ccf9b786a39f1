"""Reading the uploaded employees file: formats, line-numbered row errors, unusable files."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from payroll_link.onboarding.employees_file import (
    EmployeesFileError,
    read_employees_file,
    write_employees_file,
)


def write(tmp_path, text: str, name="medewerkers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_csv_with_bom_any_case_and_order(tmp_path):
    path = write(tmp_path, "PERSONEELSID;naam;GeboorteDatum\r\n7;Femke van den Berg;03-04-1988\r\n"
                           "12;Piet Jansen;1979-12-31\r\n", encoding="utf-8-sig")
    result = read_employees_file(path)
    assert result.errors == []
    assert [(r.line, r.personnel_id, r.birth_date) for r in result.rows] == [
        (2, 7, dt.date(1988, 4, 3)), (3, 12, dt.date(1979, 12, 31))]


def test_comma_csv_with_quoted_name(tmp_path):
    path = write(tmp_path, 'Naam,Geboortedatum,Personeelsid\n"Berg, F. van den",03-04-1988,7\n')
    (row,) = read_employees_file(path).rows
    assert row.name == "Berg, F. van den" and row.personnel_id == 7


def test_xlsx_with_date_cells_and_numbers(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Geboortedatum", "Personeelsid", "Naam"])
    sheet.append([dt.datetime(1990, 5, 17), 3.0, "Anouk Jansen"])
    sheet.append(["17-05-1991", "4", "Sanne de Vries"])
    path = tmp_path / "medewerkers.xlsx"
    book.save(path)
    result = read_employees_file(path)
    assert result.errors == []
    assert [(r.personnel_id, r.birth_date) for r in result.rows] == [
        (3, dt.date(1990, 5, 17)), (4, dt.date(1991, 5, 17))]


def test_bad_rows_give_line_numbered_errors_without_values(tmp_path):
    path = write(tmp_path, "Naam;Geboortedatum;Personeelsid\n"
                           "Anouk Jansen;31-02-1990;3\n"      # no 31 February
                           ";01-01-1980;4\n"                  # no name
                           "Piet Jansen;1980/01/01;x5\n"      # wrong date form, bad id
                           "Sanne de Vries;01-01-1985;6\n"
                           "Sanne Dubbel;01-01-1986;6\n"      # duplicate id
                           "Kees Toekomst;01-01-2999;8\n")    # not a plausible birth date
    result = read_employees_file(path)
    assert [str(e) for e in result.errors] == [
        "line 2, Geboortedatum: not a date in the form dd-mm-jjjj or jjjj-mm-dd",
        "line 3, Naam: empty",
        "line 4, Geboortedatum: not a date in the form dd-mm-jjjj or jjjj-mm-dd",
        "line 4, Personeelsid: must be a positive whole number (the Nmbrs personnel number)",
        "line 6, Personeelsid: also on line 5",
        "line 7, Geboortedatum: date is not a plausible birth date",
    ]
    assert [row.personnel_id for row in result.rows] == [6]
    assert result.bad_ids == {3: 2, 4: 3, 6: 6, 8: 7} and result.data_lines == 6
    assert "1980/01/01" not in " ".join(str(e) for e in result.errors)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "the file is empty"),
    ("\n\n;;\n", "the file is empty"),
    ("Naam;Geboortedatum;Personeelsid\n", "the file has a header but no employees"),
    ("Name;Birthdate;Personeelsid\nA;01-01-1980;1\n",
     "missing column(s) Naam, Geboortedatum in the header (line 1); found: Name, Birthdate, "
     "Personeelsid; expected Naam, Geboortedatum, Personeelsid in any order"),
    ("Naam;Naam;Geboortedatum;Personeelsid\n", "column Naam appears twice in the header (line 1)"),
])
def test_unusable_files_are_refused_with_a_clear_reason(tmp_path, text, reason):
    with pytest.raises(EmployeesFileError) as err:
        read_employees_file(write(tmp_path, text))
    assert str(err.value) == f"employees file medewerkers.csv: {reason}"


def test_non_utf8_file_is_refused(tmp_path):
    path = write(tmp_path, "Naam;Geboortedatum;Personeelsid\nÇelik;01-01-1980;1\n",
                 encoding="cp1252")
    with pytest.raises(EmployeesFileError, match="not UTF-8"):
        read_employees_file(path)


def test_a_non_excel_file_named_xlsx_is_refused(tmp_path):
    with pytest.raises(EmployeesFileError, match="cannot open it as an Excel workbook"):
        read_employees_file(write(tmp_path, "Naam;Geboortedatum\n", name="oops.xlsx"))


@pytest.mark.parametrize("name", ["out.csv", "out.xlsx"])
def test_written_file_reads_back(tmp_path, name):
    rows = [("Femke van den Berg", dt.date(1988, 4, 3), 7), ("Çelik, A.", dt.date(1990, 1, 2), 9)]
    write_employees_file(tmp_path / name, rows)
    result = read_employees_file(tmp_path / name)
    assert result.errors == []
    assert [(r.name, r.birth_date, r.personnel_id) for r in result.rows] == rows
