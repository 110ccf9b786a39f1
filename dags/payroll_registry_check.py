"""Registry check: a broken entry in `config/employers.yaml` shows up as this file's import error.

The payroll DAG file loads every valid employer and skips broken ones, so one bad entry never
takes the other employers' DAGs down; this file makes the broken entries visible in the UI
(Import Errors), naming the entry and the field. (The words "airflow" and "dag" keep this
file in Airflow's safe-mode parsing.)
"""

from __future__ import annotations

from payroll_link.runtime import registry

_result = registry()
if _result.errors:
    raise ValueError("employer registry has broken entries (their DAGs are disabled):\n"
                     + "\n".join(str(error) for error in _result.errors))
