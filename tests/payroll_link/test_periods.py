"""Tests for payroll_link.periods: labels, navigation, the four-weekly table, Nmbrs strings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from payroll_link.periods import (
    FOUR_WEEKLY_TABLE,
    FourWeeklyTableError,
    NmbrsPeriod,
    PeriodError,
    four_weekly_periods,
    get_period,
    parse_nmbrs_period,
    period_containing,
    periods_between,
)

D = dt.date


def test_monthly_period_has_calendar_dates_and_labels():
    period = get_period("monthly", 2026, 2)
    assert (period.start, period.end) == (D(2026, 2, 1), D(2026, 2, 28))
    assert period.label == "2026-02"
    assert period.nmbrs_string == "2026-2-M"
    assert period.days == 28


def test_four_weekly_labels_pad_the_number_and_nmbrs_string_does_not():
    period = get_period("four_weekly", 2026, 5)
    assert period.label == "2026-4W05"
    assert period.nmbrs_string == "2026-5-4W"


def test_monthly_next_crosses_year_boundary():
    december = get_period("monthly", 2026, 12)
    assert december.next() == get_period("monthly", 2027, 1)
    assert december.next().previous() == december


def test_four_weekly_next_from_period_12_is_period_13_and_13_wraps_to_next_year():
    p12 = get_period("four_weekly", 2026, 12)
    p13 = p12.next()
    assert (p13.year, p13.number) == (2026, 13)
    nxt = p13.next()
    assert (nxt.year, nxt.number, nxt.start) == (2027, 1, D(2027, 1, 1))
    assert nxt.previous() == p13
    assert p13.end + dt.timedelta(days=1) == nxt.start


def test_four_weekly_table_matches_belastingdienst_check_values_for_2022():
    periods = four_weekly_periods(2022)
    assert (periods[0].start, periods[0].end) == (D(2022, 1, 1), D(2022, 1, 30))
    assert (periods[12].start, periods[12].end) == (D(2022, 12, 5), D(2022, 12, 31))


def test_period_13_in_a_53_week_year_runs_five_weeks_to_december_31():
    p13 = get_period("four_weekly", 2026, 13)
    assert (p13.start, p13.end) == (D(2026, 11, 30), D(2026, 12, 31))
    assert p13.days == 32


def test_every_table_year_tiles_the_calendar_year():
    for year in range(2018, 2031):
        periods = four_weekly_periods(year)
        assert sum(period.days for period in periods) == (D(year + 1, 1, 1) - D(year, 1, 1)).days
        assert all(period.start.isoweekday() == 1 for period in periods[1:])  # Mondays


def test_period_containing_finds_four_weekly_and_monthly_periods():
    assert period_containing("four_weekly", D(2026, 10, 5)).number == 11
    assert period_containing("four_weekly", D(2026, 10, 4)).number == 10
    assert period_containing("monthly", D(2026, 10, 31)).label == "2026-10"


def test_periods_between_spans_year_end_in_order():
    labels = [p.label for p in periods_between("four_weekly", D(2026, 11, 15), D(2027, 1, 2))]
    assert labels == ["2026-4W12", "2026-4W13", "2027-4W01"]
    monthly = periods_between("monthly", D(2026, 11, 30), D(2027, 1, 1))
    assert [p.label for p in monthly] == ["2026-11", "2026-12", "2027-01"]


def test_periods_between_rejects_reversed_range():
    with pytest.raises(PeriodError, match="before first_date"):
        periods_between("monthly", D(2026, 2, 1), D(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-5-M", NmbrsPeriod(2024, 5, "monthly")),
        ("2024-05-M", NmbrsPeriod(2024, 5, "monthly")),
        ("2010-4-4W", NmbrsPeriod(2010, 4, "four_weekly")),
        ("2026-3-W4", NmbrsPeriod(2026, 3, "four_weekly")),
        (" 2026-13-4w ", NmbrsPeriod(2026, 13, "four_weekly")),
        ("2026-53-W1", NmbrsPeriod(2026, 53, "weekly")),
    ],
)
def test_parse_nmbrs_period_accepts_documented_variants(text, expected):
    assert parse_nmbrs_period(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("2024-5", "year-period-type"), ("2024-5-Q", "unknown type"), ("2024-13-M", "out of range")],
)
def test_parse_nmbrs_period_names_the_bad_string(text, message):
    with pytest.raises(PeriodError, match=message) as info:
        parse_nmbrs_period(text)
    assert text in str(info.value)


def test_nmbrs_string_round_trips_through_parser():
    period = get_period("four_weekly", 2026, 13)
    parsed = parse_nmbrs_period(period.nmbrs_string)
    assert (parsed.year, parsed.number, parsed.frequency) == (2026, 13, "four_weekly")


def test_missing_year_error_names_year_and_file():
    with pytest.raises(FourWeeklyTableError) as info:
        four_weekly_periods(2031)
    assert "2031" in str(info.value) and str(FOUR_WEEKLY_TABLE) in str(info.value)
    with pytest.raises(FourWeeklyTableError, match="2031"):
        get_period("four_weekly", 2030, 13).next()


def test_broken_table_is_rejected_with_file_and_year(tmp_path: Path):
    table = tmp_path / "table.csv"
    lines = FOUR_WEEKLY_TABLE.read_text().splitlines()
    table.write_text("\n".join(line for line in lines if not line.startswith("2020,7,")))
    with pytest.raises(FourWeeklyTableError, match="year 2020") as info:
        four_weekly_periods(2020, table=table)
    assert str(table) in str(info.value)


def test_unknown_frequency_and_period_number_are_errors():
    with pytest.raises(PeriodError, match="weekly"):
        get_period("weekly", 2026, 1)
    with pytest.raises(PeriodError, match="out of range"):
        get_period("four_weekly", 2026, 14)
