"""Reconcile the uploaded employees file with Nmbrs' active employees (pure: rows in, rows out).

Matching is on the Nmbrs personnel number (Personeelsid = Employee.Number); birth date and name
are then compared, the name tolerant of case, accents, initials and tussenvoegsels.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from payroll_link.onboarding.employees_file import EmployeesFile, FileRow
from payroll_link.onboarding.names import person_name_matches
from payroll_link.onboarding.roster import RosterEntry

MATCHED, MISSING, EXTRA, MISMATCH, INVALID = ("matched", "missing_from_file", "extra_in_file",
                                              "mismatch", "invalid_row")


@dataclass(frozen=True)
class Detail:
    """One employee's reconciliation outcome; names and dates only travel to the report file."""

    status: str
    personnel_id: int | None
    line: int | None = None
    employee_id: int | None = None
    mismatches: tuple[str, ...] = ()
    name_file: str | None = None
    name_nmbrs: str | None = None
    birth_date_file: dt.date | None = None
    birth_date_nmbrs: dt.date | None = None

    def to_dict(self) -> dict:
        """Return the outcome without names and birth dates (for terminals, JSON, the log)."""
        return {"status": self.status, "personnel_id": self.personnel_id, "line": self.line,
                "employee_id": self.employee_id, "mismatches": list(self.mismatches)}


@dataclass
class IntakeResult:
    """The reconciliation of one employees file against one company."""

    file: str
    company_id: int
    file_errors: list = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    rows_in_file: int = 0
    active_in_nmbrs: int = 0
    blank_lines: list[int] = field(default_factory=list)

    def count(self, status: str, mismatch: str | None = None) -> int:
        """Count details with `status` (and, for mismatches, the mismatching field)."""
        return sum(d.status == status and (mismatch is None or mismatch in d.mismatches)
                   for d in self.details)

    @property
    def summary(self) -> dict:
        """Return the counts: the part that is stored with the registration."""
        return {
            "file": self.file, "company_id": self.company_id,
            "rows_in_file": self.rows_in_file, "file_errors": len(self.file_errors),
            "blank_lines_skipped": len(self.blank_lines),
            "active_in_nmbrs": self.active_in_nmbrs, "matched": self.count(MATCHED),
            "missing_from_file": self.count(MISSING), "extra_in_file": self.count(EXTRA),
            "birth_date_mismatch": self.count(MISMATCH, "birth_date"),
            "name_mismatch": self.count(MISMATCH, "name"), "invalid_rows": self.count(INVALID),
        }

    @property
    def ok(self) -> bool:
        """Return True when the file is clean and every employee matches."""
        return not self.file_errors and all(d.status == MATCHED for d in self.details)

    def to_dict(self) -> dict:
        """Return the JSON form: summary, line-numbered errors, details without names."""
        return {"ok": self.ok, "summary": self.summary,
                "errors": [{"line": e.line, "column": e.column, "reason": e.reason}
                           for e in self.file_errors],
                "details": [d.to_dict() for d in self.details if d.status != MATCHED]}


def reconcile(upload: EmployeesFile, roster: list[RosterEntry], company_id: int) -> IntakeResult:
    """Compare the file's valid rows with the active employees of the company."""
    result = IntakeResult(upload.path.name, company_id, list(upload.errors),
                          rows_in_file=upload.data_lines,
                          active_in_nmbrs=len(roster), blank_lines=list(upload.blank_lines))
    pool: dict[int, list[RosterEntry]] = defaultdict(list)
    for entry in roster:
        pool[entry.number].append(entry)
    for row in upload.rows:
        candidates = pool.get(row.personnel_id) or []
        if not candidates:
            result.details.append(Detail(EXTRA, row.personnel_id, row.line, name_file=row.name,
                                         birth_date_file=row.birth_date))
            continue
        best = min(candidates, key=lambda entry: len(_mismatches(row, entry)))
        candidates.remove(best)
        result.details.append(_compare(row, best))
    for number, entries in sorted(pool.items()):
        for entry in entries:
            status = INVALID if number in upload.bad_ids else MISSING
            result.details.append(Detail(status, number, upload.bad_ids.get(number),
                                         entry.employee_id, name_nmbrs=entry.name,
                                         birth_date_nmbrs=entry.birth_date))
    result.details.sort(key=lambda d: (d.status == MATCHED, d.personnel_id or 0, d.line or 0))
    return result


def _mismatches(row: FileRow, entry: RosterEntry) -> tuple[str, ...]:
    found = []
    if entry.birth_date != row.birth_date:
        found.append("birth_date")
    if not person_name_matches(row.name, first_name=entry.first_name, initials=entry.initials,
                               prefix=entry.prefix, last_name=entry.last_name):
        found.append("name")
    return tuple(found)


def _compare(row: FileRow, entry: RosterEntry) -> Detail:
    mismatches = _mismatches(row, entry)
    return Detail(MISMATCH if mismatches else MATCHED, row.personnel_id, row.line,
                  entry.employee_id, mismatches, row.name, entry.name, row.birth_date,
                  entry.birth_date)
