"""Read what the stands are built from: the published rows of one partition and its warnings.

The only warehouse reads of the handoff besides the ledger. Checks first that the extraction
handed over is the partition's published one and that the quality gate did not fail it.
"""

from __future__ import annotations

import logging

from sqlalchemy import text

from payroll_link.handoff.errors import HandoffBlockedError
from payroll_link.handoff.stand import PeriodInputs
from payroll_link.warehouse import Warehouse

log = logging.getLogger(__name__)
ENTITIES = ("employment", "personal_info", "address", "contract", "schedule", "salary", "svw",
            "partner", "child", "wage_code_line", "company_wage_component")

_LATEST_QUALITY_RUN = """
select quality_run_id, passed from ops.quality_run
where extraction_id = :x order by started_at desc, quality_run_id desc limit 1
"""
_WARNINGS = """
select employee_id, rule_id from ops.quality_flag
where quality_run_id = :q and severity = 'warning' order by employee_id, rule_id
"""


def read_inputs(engine, employer_id: str, period_label: str, extraction_id: str) -> PeriodInputs:
    """Return the published rows and the warning rule ids per employee of one partition."""
    context = {"employer_id": employer_id, "period": period_label}
    warehouse = Warehouse(engine)
    published = warehouse.published_extraction(employer_id, period_label)
    if published != str(extraction_id):
        raise HandoffBlockedError(f"{employer_id} {period_label}: extraction {extraction_id} is "
                                  f"not the published one ({published}); not delivering",
                                  **context)
    warnings = quality_warnings(engine, employer_id, period_label, str(extraction_id))
    rows = {name: warehouse.published_rows(name, employer_id, period_label)
            for name in ENTITIES}
    return PeriodInputs(rows, warnings)


def quality_warnings(engine, employer_id: str, period_label: str,
                     extraction_id: str) -> dict[int, tuple[str, ...]]:
    """Return {employee_id: rule ids} of the latest quality run; refuse a failed run."""
    with engine.connect() as conn:
        run = conn.execute(text(_LATEST_QUALITY_RUN), {"x": extraction_id}).first()
        if run is None:
            log.warning("%s %s: no quality run for extraction %s; delivering without warnings",
                        employer_id, period_label, extraction_id)
            return {}
        if run.passed is not True:  # failed, or never finished
            raise HandoffBlockedError(f"{employer_id} {period_label}: quality run "
                                      f"{run.quality_run_id} did not pass ({run.passed}); "
                                      "not delivering",
                                      employer_id=employer_id, period=period_label)
        flags = conn.execute(text(_WARNINGS), {"q": run.quality_run_id}).all()
    found: dict[int, list[str]] = {}
    for employee_id, rule_id in flags:
        rules = found.setdefault(employee_id, [])
        if rule_id not in rules:
            rules.append(rule_id)
    return {employee_id: tuple(rules) for employee_id, rules in found.items()}
