"""Continuity across a source switch: the ids a.s.r. keys on stay the ones it already knows.

A.s.r. keys an employment on (employee_id, employment_id) and a child on child_id; SOAP's ids are
Nmbrs' integers, REST's are UUIDs. After an employer moves to REST, the employee keeps the id of
its personnel number (``RestIds``), and ``KeepIdentities`` gives every employment, child and
partner the id it was published with before (matched on employee + start date, employee + birth
date + first name, and employee). Records a.s.r. has never seen keep the source's own id.
The known ids come from the employer's published rows with Nmbrs' integer ids (> 0).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sqlalchemy import text

from payroll_link.extraction.sources.base import Fetched

_KNOWN = {
    "employees": "select distinct on (number) number, employee_id from ("
                 "select number, employee_id, _period from published.employee where _employer = :e "
                 "union all select number, employee_id, _period from published.personal_info "
                 "where _employer = :e) k where employee_id > 0 and number is not null "
                 "order by number, _period desc",
    "employments": "select distinct employee_id, start_date, employment_id "
                   "from published.employment where _employer = :e and employment_id > 0",
    "children": "select distinct employee_id, birth_date, first_name, child_id "
                "from published.child where _employer = :e and child_id > 0",
    "partners": "select distinct on (employee_id) employee_id, partner_id from published.partner "
                "where _employer = :e and partner_id > 0 order by employee_id, _period desc",
}


@dataclass
class Identities:
    """The ids an employer's data was published with: number → employee, and the others."""

    employees: dict[int, int] = field(default_factory=dict)
    employments: dict[tuple, int] = field(default_factory=dict)
    children: dict[tuple, int] = field(default_factory=dict)
    partners: dict[int, int] = field(default_factory=dict)


def known_identities(engine, employer_id: str) -> Identities:
    """Read the ids of the employer's published partitions (Nmbrs integer ids only)."""
    with engine.connect() as conn:
        rows = {name: conn.execute(text(sql), {"e": employer_id}).all()
                for name, sql in _KNOWN.items()}
    return Identities(
        employees={r.number: r.employee_id for r in rows["employees"]},
        employments={(r.employee_id, r.start_date): r.employment_id
                     for r in rows["employments"]},
        children={(r.employee_id, r.birth_date, r.first_name): r.child_id
                  for r in rows["children"]},
        partners={r.employee_id: r.partner_id for r in rows["partners"]})


# entity -> (id column, the key of a row in Identities, the Identities map)
_REMAP = {
    "employment": ("employment_id", lambda r: (r["employee_id"], r["start_date"]),
                   "employments"),
    "child": ("child_id", lambda r: (r["employee_id"], r["birth_date"], r["first_name"]),
              "children"),
    "partner": ("partner_id", lambda r: r["employee_id"], "partners"),
}


def keep_ids(fetched: Fetched, known: Identities) -> Fetched:
    """Return the Fetched with known ids in place of the source's own (wire untouched)."""
    if fetched.entity not in _REMAP or not fetched.rows:
        return fetched
    column, key_of, name = _REMAP[fetched.entity]
    table = getattr(known, name)
    rows = [{**row, column: table.get(key_of(row), row[column])} for row in fetched.rows]
    return dataclasses.replace(fetched, rows=rows)


class KeepIdentities:
    """A PayrollSource around another one whose rows keep the ids a.s.r. already knows."""

    def __init__(self, source, known: Identities):
        self.source, self.known = source, known
        self.name = source.name

    def __getattr__(self, attribute):
        return getattr(self.source, attribute)

    def employments(self, company_id: int) -> Fetched:
        """Return the employment history with the known employment ids."""
        return keep_ids(self.source.employments(company_id), self.known)

    def employee_records(self, employee_id: int, company_id: int, period) -> list[Fetched]:
        """Return one employee's records with the known child and partner ids."""
        return [keep_ids(f, self.known)
                for f in self.source.employee_records(employee_id, company_id, period)]
