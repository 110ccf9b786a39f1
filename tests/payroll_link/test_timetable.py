"""Tests for payroll_link.timetable: period intervals, catch-up, manual runs, serialization."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Keep `import airflow` from creating ~/airflow when no conftest chose an AIRFLOW_HOME.
os.environ.setdefault(
    "AIRFLOW_HOME", str(Path(tempfile.gettempdir()) / "payroll_link_tests_airflow_home")
)

import pendulum  # noqa: E402
import pytest  # noqa: E402
from airflow.timetables.base import DataInterval, TimeRestriction  # noqa: E402

from payroll_link import timetable as timetable_module  # noqa: E402
from payroll_link.periods import PeriodError  # noqa: E402
from payroll_link.timetable import (  # noqa: E402
    PAYROLL_TZ,
    PayrollPeriodTimetable,
    period_for_interval,
)

PLUGIN_FILE = Path(__file__).resolve().parents[2] / "plugins" / "payroll_timetables.py"


def ams(*args) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=PAYROLL_TZ)


def run_sequence(frequency: str, start, count: int, catchup: bool = True, latest=None):
    """Ask the timetable for ``count`` runs the way the scheduler does, feeding back each run."""
    timetable = PayrollPeriodTimetable(frequency)
    restriction = TimeRestriction(earliest=start, latest=latest, catchup=catchup)
    infos, last = [], None
    for _ in range(count):
        info = timetable.next_dagrun_info(
            last_automated_data_interval=last, restriction=restriction
        )
        if info is None:
            break
        infos.append(info)
        last = info.data_interval
    return infos


def local_dates(infos):
    return [
        (i.data_interval.start.in_timezone(PAYROLL_TZ), i.data_interval.end.in_timezone(PAYROLL_TZ))
        for i in infos
    ]


def assert_consecutive_midnights(infos):
    for info in infos:
        start, end = info.data_interval
        assert start.tzinfo is not None and end.tzinfo is not None
        for moment in (start, end):
            local = moment.in_timezone(PAYROLL_TZ)
            assert (local.hour, local.minute, local.second) == (0, 0, 0)
        assert info.run_after == end  # due once the period has ended
    for before, after in zip(infos, infos[1:], strict=False):
        assert after.data_interval.start == before.data_interval.end


def test_monthly_catchup_gives_calendar_months_across_dst_and_year_end():
    infos = run_sequence("monthly", ams(2026, 9, 1), 5)
    assert_consecutive_midnights(infos)
    labels = [period_for_interval("monthly", i.data_interval.start).label for i in infos]
    assert labels == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]
    october = infos[1].data_interval  # DST ends 2026-10-25: 31 days but 745 hours
    assert october.start.isoformat() == "2026-09-30T22:00:00+00:00"
    assert october.end.isoformat() == "2026-10-31T23:00:00+00:00"
    assert (october.end - october.start).in_hours() == 745


def test_four_weekly_catchup_runs_table_periods_through_period_13_into_next_year():
    infos = run_sequence("four_weekly", ams(2026, 8, 10), 7)
    assert_consecutive_midnights(infos)
    periods = [period_for_interval("four_weekly", i.data_interval.start) for i in infos]
    assert [p.label for p in periods] == [
        "2026-4W09",
        "2026-4W10",
        "2026-4W11",
        "2026-4W12",
        "2026-4W13",
        "2027-4W01",
        "2027-4W02",
    ]
    p13_start, p13_end = local_dates(infos)[4]
    assert p13_start.date().isoformat() == "2026-11-30"
    assert p13_end.isoformat() == "2027-01-01T00:00:00+01:00"
    p11 = infos[2].data_interval  # contains the DST change of 2026-10-25
    assert (p11.end - p11.start).in_hours() == 28 * 24 + 1


def test_start_date_inside_a_period_begins_at_the_next_period_like_cron():
    infos = run_sequence("monthly", ams(2026, 9, 15), 1)
    assert local_dates(infos)[0][0] == ams(2026, 10, 1)


def test_latest_restriction_stops_the_sequence():
    infos = run_sequence("monthly", ams(2026, 9, 1), 10, latest=ams(2026, 11, 1))
    assert [local_dates([i])[0][0].month for i in infos] == [9, 10, 11]


def test_no_start_date_and_no_previous_run_schedules_nothing():
    assert run_sequence("monthly", None, 1) == []


def test_catchup_off_starts_at_latest_complete_period(monkeypatch):
    monkeypatch.setattr(timetable_module, "_utcnow", lambda: pendulum.datetime(2026, 11, 24, 9))
    infos = run_sequence("four_weekly", ams(2026, 1, 1), 1, catchup=False)
    assert period_for_interval("four_weekly", infos[0].data_interval.start).label == "2026-4W11"


@pytest.mark.parametrize(
    ("frequency", "run_after", "expected"),
    [
        ("monthly", pendulum.datetime(2026, 10, 1, 0, tz="UTC"), "2026-09"),
        ("monthly", ams(2026, 10, 1), "2026-09"),  # exactly at a boundary: the period ending there
        ("monthly", ams(2026, 9, 30, 23, 59), "2026-08"),
        ("four_weekly", ams(2027, 1, 1), "2026-4W13"),
        ("four_weekly", ams(2026, 11, 24, 15), "2026-4W11"),
    ],
)
def test_manual_run_gets_last_complete_period(frequency, run_after, expected):
    interval = PayrollPeriodTimetable(frequency).infer_manual_data_interval(run_after=run_after)
    assert period_for_interval(frequency, interval.start).label == expected
    assert interval.end <= run_after


def test_period_for_interval_rejects_a_start_that_is_not_a_period_start():
    with pytest.raises(PeriodError, match="not the start of a monthly payroll period"):
        period_for_interval("monthly", pendulum.datetime(2026, 10, 1, tz="UTC"))
    with pytest.raises(PeriodError, match="no timezone"):
        period_for_interval("monthly", pendulum.naive(2026, 10, 1))


def test_previous_run_with_shifted_interval_still_moves_forward():
    timetable = PayrollPeriodTimetable("monthly")
    odd = DataInterval(ams(2026, 9, 15), ams(2026, 9, 20))  # e.g. left by an earlier schedule
    info = timetable.next_dagrun_info(
        last_automated_data_interval=odd,
        restriction=TimeRestriction(earliest=None, latest=None, catchup=True),
    )
    assert info.data_interval.start == ams(2026, 10, 1)


def test_serialize_round_trip_and_summary():
    timetable = PayrollPeriodTimetable("four_weekly")
    data = timetable.serialize()
    assert data == {"frequency": "four_weekly"}
    assert PayrollPeriodTimetable.deserialize(data) == timetable
    assert timetable.summary == "Payroll periods (4-weekly, Belastingdienst table)"
    with pytest.raises(PeriodError, match="unknown payroll frequency"):
        PayrollPeriodTimetable("weekly")


def _plugin_timetables() -> dict[str, type]:
    """Load plugins/payroll_timetables.py the way Airflow loads a plugins folder."""
    from airflow._shared.module_loading import qualname
    from airflow._shared.plugins_manager import _load_plugins_from_plugin_directory

    folder = Path(tempfile.mkdtemp())
    try:
        shutil.copy(PLUGIN_FILE, folder / PLUGIN_FILE.name)
        plugins, errors = _load_plugins_from_plugin_directory(str(folder))
    finally:
        shutil.rmtree(folder)
    assert errors == {}
    return {qualname(cls): cls for plugin in plugins for cls in plugin.timetables}


def test_plugin_registers_the_class_the_dags_import():
    registered = _plugin_timetables()
    assert registered == {"payroll_link.timetable.PayrollPeriodTimetable": PayrollPeriodTimetable}


def test_dag_serialization_round_trip_through_the_plugin(monkeypatch):
    from airflow import plugins_manager
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    monkeypatch.setattr(plugins_manager, "get_timetables_plugins", _plugin_timetables)
    dag = DAG(
        "payroll_test",
        schedule=PayrollPeriodTimetable("four_weekly"),
        start_date=ams(2026, 8, 10),
        catchup=True,
    )
    serialized = DagSerialization.to_dict(dag)
    restored = DagSerialization.from_dict(serialized)
    assert restored.timetable == PayrollPeriodTimetable("four_weekly")
    assert restored.timetable.summary == "Payroll periods (4-weekly, Belastingdienst table)"


def test_dag_serialization_without_the_plugin_is_refused(monkeypatch):
    from airflow import plugins_manager
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    monkeypatch.setattr(plugins_manager, "get_timetables_plugins", lambda: {})
    dag = DAG(
        "payroll_test", schedule=PayrollPeriodTimetable("monthly"), start_date=ams(2026, 9, 1)
    )
    with pytest.raises(Exception, match="not registered"):
        DagSerialization.to_dict(dag)
