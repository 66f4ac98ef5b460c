"""Time zone from the first GPS fix (else the roster), and the local calendar of a start time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipelines.activity.timezones import (
    local_calendar,
    resolve_time_zone,
    time_zone_at,
    time_zone_finder,
)

SYDNEY = (-33.8688, 151.2093)
LONDON = (51.5074, -0.1278)
MID_ATLANTIC = (40.0, -30.0)


def test_zones_of_points_on_land_and_at_sea():
    assert time_zone_at(*SYDNEY) == "Australia/Sydney"
    assert time_zone_at(*LONDON) == "Europe/London"
    assert time_zone_at(*MID_ATLANTIC) is None


def test_one_finder_per_process():
    assert time_zone_finder() is time_zone_finder()


def test_gps_first_then_roster():
    assert resolve_time_zone(*SYDNEY, "Europe/London") == ("Australia/Sydney", "gps")
    assert resolve_time_zone(None, None, "Europe/London") == ("Europe/London", "roster")
    assert resolve_time_zone(*MID_ATLANTIC, "America/New_York") == ("America/New_York", "roster")


def test_an_unknown_roster_zone_is_a_readable_error():
    with pytest.raises(ValueError, match="not an IANA time zone name.*club/roster.csv"):
        resolve_time_zone(None, None, "London")


def test_a_run_at_half_past_midnight_utc_falls_on_different_local_days():
    start = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # a Monday in UTC
    london = local_calendar(start, "Europe/London")  # GMT, UTC+0
    sydney = local_calendar(start, "Australia/Sydney")  # AEDT, UTC+11
    new_york = local_calendar(start, "America/New_York")  # EST, UTC-5
    assert (london.start_local, london.local_date) == (
        datetime(2026, 3, 2, 0, 30),
        date(2026, 3, 2),
    )
    assert (london.iso_year, london.iso_week, london.week_start) == (2026, 10, date(2026, 3, 2))
    assert sydney.start_local == datetime(2026, 3, 2, 11, 30)
    assert (sydney.iso_week, sydney.week_start) == (10, date(2026, 3, 2))
    assert (new_york.start_local, new_york.local_date) == (
        datetime(2026, 3, 1, 19, 30),
        date(2026, 3, 1),
    )
    assert (new_york.iso_year, new_york.iso_week, new_york.week_start) == (
        2026,
        9,
        date(2026, 2, 23),
    )


def test_london_spring_forward_moves_a_late_sunday_run_into_the_next_week():
    # clocks go forward at 01:00 UTC on Sunday 2026-03-29
    before = local_calendar(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/London")
    after = local_calendar(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/London")
    late = local_calendar(datetime(2026, 3, 29, 23, 30, tzinfo=UTC), "Europe/London")
    assert before.start_local == datetime(2026, 3, 29, 0, 30)  # GMT
    assert after.start_local == datetime(2026, 3, 29, 2, 30)  # BST
    # 23:30 UTC Sunday is 00:30 BST Monday: ISO week 14, not 13
    assert (late.local_date, late.iso_week, late.week_start) == (
        date(2026, 3, 30),
        14,
        date(2026, 3, 30),
    )
    assert (before.iso_week, before.week_start) == (13, date(2026, 3, 23))


def test_sydney_fall_back_repeats_half_past_two():
    # daylight saving ends at 03:00 AEDT (16:00 UTC) on Sunday 2026-04-05
    first = local_calendar(datetime(2026, 4, 4, 15, 30, tzinfo=UTC), "Australia/Sydney")
    second = local_calendar(datetime(2026, 4, 4, 16, 30, tzinfo=UTC), "Australia/Sydney")
    assert first.start_local == second.start_local == datetime(2026, 4, 5, 2, 30)
    assert first.week_start == second.week_start == date(2026, 3, 30)


def test_a_naive_start_is_read_as_utc():
    naive = local_calendar(datetime(2026, 3, 2, 0, 30), "America/New_York")
    assert naive.start_local == datetime(2026, 3, 1, 19, 30)
