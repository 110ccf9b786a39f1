"""Cells written to files a person opens in a spreadsheet: never a formula (CSV injection).

OWASP's rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote, so Excel, LibreOffice and Google Sheets show it as text
instead of running it (``=HYPERLINK(...)``, ``=cmd|...``, ``@SUM(...)``). Numbers and dates are
not text and pass unchanged; XLSX writers also store the cell with the string type.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return `value`, with a leading single quote when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_xlsx_row(sheet, values: list) -> None:
    """Append `values` to an openpyxl sheet; text cells neutralised and typed as strings."""
    sheet.append([neutralise(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
