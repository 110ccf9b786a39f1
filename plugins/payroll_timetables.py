"""Airflow plugin that registers the payroll-period timetable so serialized DAGs can use it.

Without this registration the dag-processor cannot serialize a DAG scheduled with
``PayrollPeriodTimetable`` (``TimetableNotRegistered``) and the scheduler cannot deserialize it;
see the docstring of ``payroll_link.timetable``. The import is absolute (``payroll_link.…``)
because Airflow loads this file by path from the plugins folder, and the registered class must
have the same qualname the DAG files see.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from payroll_link.timetable import PayrollPeriodTimetable


class PayrollTimetablesPlugin(AirflowPlugin):
    """Register ``PayrollPeriodTimetable`` with Airflow."""

    name = "payroll_timetables"
    timetables = [PayrollPeriodTimetable]
