"""The employees file a payroll processor uploads: Naam, Geboortedatum, Personeelsid.

Read: CSV (``;`` or ``,``, UTF-8 with or without BOM) or XLSX, streamed within size and row
limits (``upload_reader``); columns in any case and order; dates as dd-mm-jjjj or jjjj-mm-dd.
Bad rows become line-numbered errors that name the line and column but never echo the value (it
is personal data); a formula cell is such an error, naming the cell. Write: the same file, from
Nmbrs, with text that a spreadsheet would run as a formula neutralised (``cells``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from payroll_link.onboarding.cells import neutralise, write_xlsx_row
from payroll_link.onboarding.upload_reader import (
    EXCEL_SUFFIXES,
    Formula,
    Limits,
    UploadError,
    iter_lines,
)

COLUMNS = ("Naam", "Geboortedatum", "Personeelsid")
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d")


class EmployeesFileError(Exception):
    """The file as a whole is unusable (unreadable, empty, wrong columns); names file and why."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"employees file {Path(path).name}: {reason}")
        self.path, self.reason = Path(path), reason


@dataclass(frozen=True)
class RowError:
    """One bad row: its line in the file, the column and what is wrong (no value)."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FileRow:
    """One valid employee row."""

    line: int
    name: str
    birth_date: dt.date
    personnel_id: int


@dataclass
class EmployeesFile:
    """The rows that passed and the errors of those that did not."""

    path: Path
    rows: list[FileRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    bad_ids: dict[int, int] = field(default_factory=dict)  # personnel id -> line of a bad row
    data_lines: int = 0
    blank_lines: list[int] = field(default_factory=list)  # empty lines between data rows


def read_employees_file(path: Path | str, limits: Limits | None = None) -> EmployeesFile:
    """Read and validate the file as a stream; raise EmployeesFileError when it is unusable.

    Blank lines are skipped and counted; a formula cell is a row error naming the cell; more
    data rows than `limits.max_rows` (or a larger file than `limits.max_bytes`) refuse the file.
    """
    path = Path(path)
    limits = limits or Limits.from_env()
    try:
        return _read_lines(path, limits, iter_lines(path, limits))
    except UploadError as err:
        raise EmployeesFileError(path, err.reason) from err


def _read_lines(path: Path, limits: Limits, lines) -> EmployeesFile:
    header_line, header = next(((n, c) for n, c in lines if _filled(c)), (None, None))
    if header is None:
        raise EmployeesFileError(path, "the file is empty")
    positions = _column_positions(path, header_line, header)
    result, seen, pending_blank = EmployeesFile(path), {}, []
    for number, cells in lines:
        if not _filled(cells):
            pending_blank.append(number)  # reported only when a data row follows it
            continue
        result.blank_lines += pending_blank
        pending_blank = []
        result.data_lines += 1
        if result.data_lines > limits.max_rows:
            raise EmployeesFileError(path, f"more than {limits.max_rows} employee rows (line "
                                           f"{number}); split the file or raise "
                                           "KOPPELING_INTAKE_MAX_ROWS")
        _read_row(result, seen, number, [_at(cells, positions[c]) for c in COLUMNS])
    if not result.data_lines:
        raise EmployeesFileError(path, "the file has a header but no employees")
    return result


def _filled(cells: list) -> bool:
    return any(isinstance(c, Formula) or _text(c) for c in cells)


def _column_positions(path: Path, line: int, header: list) -> dict[str, int]:
    names = [_text(cell).lstrip("\ufeff").casefold() for cell in header]
    positions = {}
    for column in COLUMNS:
        hits = [i for i, name in enumerate(names) if name == column.casefold()]
        if len(hits) > 1:
            raise EmployeesFileError(path, f"column {column} appears twice in the header (line "
                                           f"{line})")
        if hits:
            positions[column] = hits[0]
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        found = ", ".join(_text(cell) for cell in header if _text(cell)) or "nothing"
        raise EmployeesFileError(path, f"missing column(s) {', '.join(missing)} in the header "
                                       f"(line {line}); found: {found}; expected "
                                       f"{', '.join(COLUMNS)} in any order")
    return positions


def _read_row(result: EmployeesFile, seen: dict[int, int], line: int, values: list) -> None:
    formulas = [RowError(line, column, f"formula in cell {value.cell}; type the value itself")
                for column, value in zip(COLUMNS, values, strict=True)
                if isinstance(value, Formula)]
    name, birth, pid = (None if isinstance(v, Formula) else v for v in values)
    errors = list(formulas)
    name_text = " ".join(_text(name).split())
    if not name_text and "Naam" not in {e.column for e in formulas}:
        errors.append(RowError(line, "Naam", "empty"))
    birth_date, reason = parse_date(birth)
    if reason and not isinstance(values[1], Formula):
        errors.append(RowError(line, "Geboortedatum", reason))
    personnel_id, reason = parse_personnel_id(pid)
    if reason and not isinstance(values[2], Formula):
        errors.append(RowError(line, "Personeelsid", reason))
    elif personnel_id in seen:
        errors.append(RowError(line, "Personeelsid", f"also on line {seen[personnel_id]}"))
    if personnel_id is not None and personnel_id not in seen:
        seen[personnel_id] = line
    if errors:
        result.errors.extend(errors)
        if personnel_id is not None:
            result.bad_ids.setdefault(personnel_id, line)
        return
    result.rows.append(FileRow(line, name_text, birth_date, personnel_id))


def parse_date(value) -> tuple[dt.date | None, str | None]:
    """Return (date, None) or (None, reason) for dd-mm-jjjj, jjjj-mm-dd or an Excel date."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = _text(value)
        if not text:
            return None, "empty"
        value = _strptime(text)
        if value is None:
            return None, "not a date in the form dd-mm-jjjj or jjjj-mm-dd"
    if not dt.date(1900, 1, 1) <= value <= dt.date.today():
        return None, "date is not a plausible birth date"
    return value, None


def _strptime(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_personnel_id(value) -> tuple[int | None, str | None]:
    """Return (id, None) or (None, reason); Excel numbers like 12.0 are fine."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, None) if value > 0 else (None, "must be a positive whole number")
    text = _text(value)
    if not text:
        return None, "empty"
    if not text.isdigit() or int(text) == 0:
        return None, "must be a positive whole number (the Nmbrs personnel number)"
    return int(text), None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _at(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def write_employees_file(path: Path | str, rows: list[tuple[str, dt.date | None, int]]) -> None:
    """Write (name, birth date, personnel id) rows as CSV (``;``, UTF-8 BOM) or XLSX."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Medewerkers"
        sheet.append(list(COLUMNS))
        for name, birth, pid in rows:
            write_xlsx_row(sheet, [name, birth, pid])
            sheet.cell(sheet.max_row, 2).number_format = "DD-MM-YYYY"
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        for name, birth, pid in rows:
            writer.writerow([neutralise(name), birth.strftime("%d-%m-%Y") if birth else "", pid])
