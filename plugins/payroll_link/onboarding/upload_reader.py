"""Stream the cells of an uploaded employees file, within limits, one line at a time.

CSV goes through the csv module line by line; XLSX through openpyxl's read-only mode, which
parses the sheet XML as a stream. Memory therefore grows with the rows a caller keeps, not with
the file. Limits (bytes on disk, bytes unpacked for XLSX, data rows) refuse a file with a clear
error before it can cost minutes and gigabytes; they default to values far above any real
employer and are set with ``KOPPELING_INTAKE_MAX_MB`` and ``KOPPELING_INTAKE_MAX_ROWS``.

A formula cell in an upload is never read as a value (openpyxl would give None or a cached
result that nobody checked): it comes out as a ``Formula`` naming the cell, e.g. ``Blad1!C12``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DEFAULT_MAX_MB = 10.0        # ~200,000 rows of CSV; a large Dutch employer has tens of thousands
DEFAULT_MAX_ROWS = 50_000
UNPACKED_FACTOR = 20         # an XLSX may unpack to this many times its limit, not more


class UploadError(Exception):
    """The upload as a whole cannot be read; `reason` says why (never a cell value)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """How large an upload may be: bytes on disk and data rows (the header not counted)."""

    max_bytes: int
    max_rows: int
    max_unpacked: int | None = None  # XLSX: bytes once unzipped; default UNPACKED_FACTOR × max

    @property
    def unpacked_limit(self) -> int:
        """Return the most bytes an XLSX may unpack to."""
        return self.max_unpacked or self.max_bytes * UNPACKED_FACTOR

    @classmethod
    def from_env(cls, environ=None) -> Limits:
        """Read the limits from the environment, falling back to the defaults."""
        env = os.environ if environ is None else environ
        try:
            max_mb = float(env.get("KOPPELING_INTAKE_MAX_MB") or DEFAULT_MAX_MB)
            max_rows = int(env.get("KOPPELING_INTAKE_MAX_ROWS") or DEFAULT_MAX_ROWS)
        except ValueError as err:
            raise UploadError(f"intake limit setting is not a number ({err})") from None
        return cls(int(max_mb * 1024 * 1024), max_rows)


@dataclass(frozen=True)
class Formula:
    """A formula cell of an uploaded workbook: where it is, never what it computes."""

    cell: str  # 'Blad1!C12'


def check_size(path: Path, limits: Limits) -> None:
    """Refuse a file larger than the limit before reading a byte of it."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise UploadError(f"cannot read the file ({err.strerror or err})") from err
    if size > limits.max_bytes:
        raise UploadError(f"the file is {_mb(size)} MB; the limit is {_mb(limits.max_bytes)} MB "
                          "(split it, or raise KOPPELING_INTAKE_MAX_MB)")


def iter_lines(path: Path, limits: Limits) -> Iterator[tuple[int, list]]:
    """Yield (line number, cells) of the file; Excel or CSV by the suffix."""
    check_size(path, limits)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_lines(path, limits)
    return _csv_lines(path)


def _csv_lines(path: Path) -> Iterator[tuple[int, list]]:
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as err:
        raise UploadError(f"cannot read the file ({err.strerror or err})") from err
    with handle:
        try:
            first = handle.readline()
            delimiter = ";" if first.count(";") >= first.count(",") else ","
            handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter)
            for row in reader:
                yield reader.line_num, row
        except UnicodeDecodeError:
            raise UploadError("not UTF-8 text; save it as 'CSV UTF-8' or as .xlsx") from None
        except csv.Error as err:
            raise UploadError(f"not valid CSV near line {reader.line_num}") from err


def _excel_lines(path: Path, limits: Limits) -> Iterator[tuple[int, list]]:
    book = _open_workbook(path, limits)
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, [_excel_value(sheet.title, number, index, cell)
                           for index, cell in enumerate(row)]
    finally:
        book.close()


def _open_workbook(path: Path, limits: Limits):
    from zipfile import BadZipFile, ZipFile

    from openpyxl import load_workbook  # only when an Excel file is given
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limits.unpacked_limit:
            raise UploadError(f"the workbook unpacks to {_mb(unpacked)} MB; the limit is "
                              f"{_mb(limits.unpacked_limit)} MB")
        return load_workbook(path, read_only=True, data_only=False)
    except (OSError, BadZipFile, InvalidFileException, KeyError, ValueError) as err:
        raise UploadError(f"cannot open it as an Excel workbook ({type(err).__name__})") from err


def _excel_value(title: str, row: int, index: int, cell):
    if getattr(cell, "data_type", None) == "f":
        from openpyxl.utils import get_column_letter

        return Formula(f"{title}!{get_column_letter(index + 1)}{row}")
    return cell.value


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"
