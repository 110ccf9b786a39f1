"""The intake's detail report for the data team (CSV or XLSX): names and birth dates, never BSNs."""

from __future__ import annotations

import csv
from pathlib import Path

from payroll_link.onboarding.cells import neutralise, write_xlsx_row
from payroll_link.onboarding.intake import IntakeResult

HEADERS = ("status", "afwijking", "personeelsid", "regel", "nmbrs_employee_id", "naam_bestand",
           "naam_nmbrs", "geboortedatum_bestand", "geboortedatum_nmbrs")


def report_rows(result: IntakeResult) -> list[list]:
    """Return one row per employee (and one per file error), problems first."""
    rows = [[d.status, ",".join(d.mismatches), d.personnel_id, d.line, d.employee_id,
             d.name_file, d.name_nmbrs, d.birth_date_file, d.birth_date_nmbrs]
            for d in result.details]
    rows += [["file_error", f"{error.column}: {error.reason}", None, error.line, None, None,
              None, None, None] for error in result.file_errors]
    rows += [["blank_line", "skipped", None, line, None, None, None, None, None]
             for line in result.blank_lines]
    return rows


def write_report(path: Path | str, result: IntakeResult) -> Path:
    """Write the detail report; the suffix (.csv or .xlsx) picks the format.

    Every text cell is neutralised (``cells``): a name from the upload or from Nmbrs that starts
    like a formula is written as text, in both formats.
    """
    path = Path(path)
    rows = report_rows(result)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Intake"
        sheet.append(list(HEADERS))
        for row in rows:
            write_xlsx_row(sheet, row)
        for column in ("H", "I"):
            for cell in sheet[column][1:]:
                cell.number_format = "DD-MM-YYYY"
        book.save(path)
        return path
    if path.suffix.lower() != ".csv":
        raise ValueError(f"report {path.name}: use a .csv or .xlsx file name")
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([_csv(value) for value in row])
    return path


def _csv(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(neutralise(value))
