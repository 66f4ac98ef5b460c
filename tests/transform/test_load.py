"""Session load choices, daily CTL/ATL/TSB and EWMA ACWR on the hand-worked clubs in
scenarios.load_club and scenarios.watch_rpe_club."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest
from polars.testing import assert_frame_equal

from pipelines.settings import Thresholds
from pipelines.transform.statistics.load import daily_load, extend_daily_load
from tests.transform import scenarios

SCENARIOS = (scenarios.load_club, scenarios.watch_rpe_club)


def recurse(loads: list[float], alpha: float, start: float = 0.0) -> list[float]:
    """x_t = x_{t-1} + alpha (L_t - x_{t-1}) from `start`, written out by hand."""
    out, x = [], start
    for load in loads:
        x = x + alpha * (load - x)
        out.append(x)
    return out


def test_session_load_uses_trimp_then_session_rpe_then_default(
    club: duckdb.DuckDBPyConnection,
) -> None:
    got = club.sql(
        "select session_kind, minutes, load, load_method from int_session_load "
        "where athlete_id = 'd1' order by local_date, session_kind"
    ).fetchall()
    assert got == [
        ("run", 50.0, 100.0, "trimp"),
        ("strength", 10.0, 70.0, "session_rpe"),  # 4 sets x 2.5 min x mean RPE 7
        ("other_sport", 60.0, 84.0, "default_intensity"),  # 60 min x 1.4 per minute
        ("run", 30.0, 42.0, "default_intensity"),
    ]


def test_watch_rpe_x_minutes_where_the_watch_stored_an_rpe(
    club: duckdb.DuckDBPyConnection,
) -> None:
    got = club.sql(
        "select session_id, minutes, load, load_method from int_session_load "
        "where athlete_id = 'w1' order by local_date, session_id"
    ).fetchall()
    assert got == [
        ("w1-a", 40.0, 240.0, "watch_rpe"),  # RPE 6 x 40 min, before its TRIMP of 90
        ("w1-b", 30.0, 135.0, "watch_rpe"),  # RPE 4.5 x 30 min
        ("w1-c", 50.0, 100.0, "trimp"),  # no watch rating: TRIMP as before
        ("w1-s", 10.0, 70.0, "session_rpe"),  # the club's RPE for its strength sets: 10 min x 7
        ("w1-d", 20.0, 28.0, "default_intensity"),  # running form but no RPE: 20 min x 1.4
        ("w1-e", 60.0, 300.0, "watch_rpe"),  # a ride: RPE 5 x 60 min
    ]


def test_weekly_load_fitness_fatigue_and_form(club: duckdb.DuckDBPyConnection) -> None:
    # d1's daily loads from 02-02: 100, 70, 126 (84 + 42), then rest to the latest data day (02-15).
    loads = [100.0, 70.0, 126.0] + [0.0] * 11
    ctl, atl = recurse(loads, 1 / 42), recurse(loads, 1 / 7)
    weeks = (
        club.sql("select * from mart_athlete_weekly where athlete_id = 'd1' order by week_start")
        .pl()
        .to_dicts()
    )
    first, second = weeks
    assert first["week_start"] == date(2026, 2, 2)
    assert (first["runs"], first["running_km"], first["running_hours"]) == (
        2,
        16.0,
        pytest.approx(80 / 60),
    )
    assert first["session_load"] == pytest.approx(296.0)
    assert (first["ctl"], first["atl"]) == pytest.approx((ctl[6], atl[6]))  # Sunday 02-08
    assert first["tsb"] == pytest.approx(ctl[5] - atl[5])  # form = yesterday's fitness - fatigue
    assert (second["ctl"], second["atl"]) == pytest.approx((ctl[13], atl[13]))
    assert second["runs"] == 0 and second["median_gap_s_per_km"] is None
    # the steady run's EF only; median GAP of 290 and 310
    assert first["median_gap_s_per_km"] == pytest.approx(300.0) and first[
        "median_ef"
    ] == pytest.approx(1.5)
    assert first["acwr"] is None and first["load_spike"] is None  # fewer than 28 days of history


def test_acwr_spike_is_flagged_with_its_number(club: duckdb.DuckDBPyConnection) -> None:
    # e1: TRIMP 50 for 35 days then 200 for 7 days; lambda 2/8 (acute) and 2/29 (chronic), both
    # seeded with the first week's mean daily load, 50: they stay 50 until the spike, then
    # 200 - 150 x 0.75^7 = 179.98 over 200 - 150 x (27/29)^7 = 109.04.
    loads = [50.0] * 35 + [200.0] * 7
    acwr = (200 - 150 * 0.75**7) / (200 - 150 * (27 / 29) ** 7)
    assert acwr == pytest.approx(recurse(loads, 2 / 8, 50)[-1] / recurse(loads, 2 / 29, 50)[-1])
    assert acwr == pytest.approx(1.6506, abs=1e-4)
    weeks = club.sql(
        "select week_start, acwr, load_spike from mart_athlete_weekly where athlete_id = 'e1' order by 1"
    ).fetchall()
    assert weeks[2][1] is None  # day 21 of history: hidden
    assert weeks[3][1] == pytest.approx(1.0)  # day 28, the first shown: steady so far
    assert weeks[-1][1] == pytest.approx(acwr) and weeks[-1][2] is True
    assert [w[2] for w in weeks[3:5]] == [False, False]
    at_risk = club.sql("select athlete_id, reason, detail, as_of from mart_at_risk").fetchall()
    assert at_risk == [
        (
            "e1",
            "load_spike",
            "ACWR 1.65 in week of 2026-02-09 (spike threshold 1.5)",
            date(2026, 2, 9),
        )
    ]


def test_club_week_counts_members_and_runs(club: duckdb.DuckDBPyConnection) -> None:
    week = club.sql(
        "select active_members, runs, running_km from mart_club_weekly where week_start = '2026-02-02'"
    ).fetchall()
    assert week == [(2, 9, 86.0)]


def _night(con: duckdb.DuckDBPyConnection, sessions: list[tuple[str, date, float]], as_of: date):
    """The two tables int_daily_load reads, replaced by these sessions and this data date."""
    con.sql(
        "create or replace table int_session_load "
        "(athlete_id varchar, local_date date, load double)"
    )
    if sessions:
        con.executemany("insert into int_session_load values (?, ?, ?)", sessions)
    con.sql(
        "create or replace table int_data_as_of as select ?::date as as_of_date", params=[as_of]
    )


def test_a_night_carries_each_unchanged_athlete_on_exactly_as_a_whole_computation() -> None:
    thresholds = Thresholds()
    history = [
        *[("steady", date(2026, 1, 1) + timedelta(days=d), 40.0 + d % 5 * 13.7) for d in range(60)],
        *[("changed", date(2026, 1, 10) + timedelta(days=2 * d), 77.3) for d in range(20)],
        (
            "new_last_night",
            date(2026, 2, 27),
            55.0,
        ),  # two days so far: its EWMA seed is not settled
    ]
    tonight = [("changed", date(2026, 3, 5), 91.1), ("first_run", date(2026, 3, 4), 30.0)]
    con = duckdb.connect()
    _night(con, history, date(2026, 3, 1))
    built = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), thresholds)
    con.register("built", built)
    con.sql("create table int_daily_load as select * from built")
    _night(con, history + tonight, date(2026, 3, 8))

    extend_daily_load(con, frozenset({"changed", "first_run"}), thresholds)

    whole = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), thresholds)
    carried = con.table("int_daily_load").pl()
    assert carried.height == whole.height == 67 + 58 + 10 + 5
    assert_frame_equal(
        carried.sort("athlete_id", "date"), whole.sort("athlete_id", "date"), check_exact=True
    )
    assert (
        carried.filter(athlete_id="steady")["acwr"].null_count()
        == thresholds.acwr_min_history_days - 1
    )


def _built(history: list[tuple[str, date, float]], as_of: date) -> duckdb.DuckDBPyConnection:
    """A warehouse with these sessions and int_daily_load built whole from them."""
    con = duckdb.connect()
    _night(con, history, as_of)
    built = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), Thresholds())
    con.register("built", built)
    con.sql("create table int_daily_load as select * from built")
    return con


def _days(athlete: str, days: int, every: int = 1, first: float = 30.0) -> list:
    """Sessions every `every` days from 01-01 for `days` days, the first of load `first`."""
    loads = [first] + [30.0 + d % 7 * 11.3 for d in range(1, days)]
    return [(athlete, JAN + timedelta(days=d), loads[d]) for d in range(0, days, every)]


def _without(sessions: list, day: date) -> list:
    return [s for s in sessions if s[1] != day]


JAN = date(2026, 1, 1)
# athlete: its sessions before, and tonight; continued from a day after 01-20, or recomputed whole
NIGHT = {
    "backfilled": (
        _days("backfilled", 50, 2),
        [*_days("backfilled", 50, 2), ("backfilled", date(2026, 1, 26), 64.0)],
    ),
    "withdrawn": (_days("withdrawn", 50), _without(_days("withdrawn", 50), date(2026, 2, 2))),
    "same": (_days("same", 40), _days("same", 40)),
    "first_changed": (_days("first_changed", 40), _days("first_changed", 40, first=99.0)),
    "seed_changed": (
        _days("seed_changed", 40, 3),
        [*_days("seed_changed", 40, 3), ("seed_changed", date(2026, 1, 2), 20.0)],
    ),
    "earlier": (
        _days("earlier", 40),
        [("earlier", date(2025, 12, 30), 45.0), *_days("earlier", 40)],
    ),
    "quiet_first": (_days("quiet_first", 40, first=0.0), _without(_days("quiet_first", 40), JAN)),
    "gone": (_days("gone", 40), []),
}
CONTINUED = ["backfilled", "same", "withdrawn"]


def _night_of_changes(marker: bool) -> duckdb.DuckDBPyConnection:
    con = _built([s for before, _ in NIGHT.values() for s in before], date(2026, 2, 15))
    if marker:
        con.sql("update int_daily_load set tsb = -999 where date = '2026-01-20'")
    _night(con, [s for _, after in NIGHT.values() for s in after], date(2026, 2, 20))
    whole, weeks = extend_daily_load(con, frozenset(NIGHT), Thresholds())
    assert whole == frozenset(NIGHT) - set(CONTINUED)
    # Mondays: the weeks from each continued athlete's first recomputed day to the data date's
    assert sorted(weeks) == [
        *[("backfilled", date(2026, 1, 26) + timedelta(weeks=w)) for w in range(4)],  # 01-26 on
        ("same", date(2026, 2, 16)),  # the day after its last, 02-16
        *[("withdrawn", date(2026, 2, 2) + timedelta(weeks=w)) for w in range(3)],  # 02-02 on
    ]
    return con


def test_a_changed_athlete_is_recomputed_from_the_first_day_whose_load_changed() -> None:
    """A backfilled, withdrawn or unchanged athlete's days are continued from the changed day
    (or the day after their last); a changed first or seed day, an earlier start, a first session
    of no load withdrawn, or no sessions left, recompute the athlete whole. Either way the table
    equals a whole computation exactly."""
    con = _night_of_changes(marker=False)

    whole = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), Thresholds())
    assert_frame_equal(
        con.table("int_daily_load").pl().sort("athlete_id", "date"),
        whole.sort("athlete_id", "date"),
        check_exact=True,
    )
    # 01-01 to 02-20 is 51 days; `earlier` starts 12-30, `quiet_first` 01-02, `gone` has none
    assert whole.group_by("athlete_id").len().sort("athlete_id").rows() == [
        ("backfilled", 51),
        ("earlier", 53),
        ("first_changed", 51),
        ("quiet_first", 50),
        ("same", 51),
        ("seed_changed", 51),
        ("withdrawn", 51),
    ]


def test_a_continued_athlete_keeps_the_days_before_the_change() -> None:
    con = _night_of_changes(marker=True)

    kept = con.sql("select athlete_id from int_daily_load where tsb = -999 order by 1").fetchall()
    assert kept == [(a,) for a in CONTINUED]


def test_a_night_that_only_moves_the_data_date_carries_every_athlete_on() -> None:
    # no athlete's sessions changed (a night of check-ins moved the data date): no one is redone
    sessions = [*_days("a", 40), *_days("b", 20, 3)]
    con = _built(sessions, date(2026, 2, 9))
    _night(con, sessions, date(2026, 2, 16))

    assert extend_daily_load(con, frozenset(), Thresholds()) == (frozenset(), frozenset())

    whole = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), Thresholds())
    assert_frame_equal(
        con.table("int_daily_load").pl().sort("athlete_id", "date"),
        whole.sort("athlete_id", "date"),
        check_exact=True,
    )
    assert whole.height == 2 * 47  # 01-01 to 02-16


def test_a_data_date_that_moves_back_drops_the_days_after_it() -> None:
    thresholds = Thresholds()
    sessions = [("a", date(2026, 1, 1) + timedelta(days=d), 50.0) for d in range(30)]
    con = duckdb.connect()
    _night(con, [*sessions, ("b", date(2026, 2, 20), 60.0)], date(2026, 2, 20))
    built = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), thresholds)
    con.register("built", built)
    con.sql("create table int_daily_load as select * from built")
    _night(con, sessions, date(2026, 1, 30))  # b's file was withdrawn

    extend_daily_load(con, frozenset({"b"}), thresholds)

    whole = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), thresholds)
    assert_frame_equal(
        con.table("int_daily_load").pl().sort("date"), whole.sort("date"), check_exact=True
    )
    assert whole.height == 30


def test_a_night_with_no_data_left_empties_the_table() -> None:
    thresholds = Thresholds()
    con = duckdb.connect()
    _night(con, [("a", date(2026, 1, 1), 50.0)], date(2026, 1, 3))
    built = daily_load(con.table("int_session_load"), con.table("int_data_as_of"), thresholds)
    con.register("built", built)
    con.sql("create table int_daily_load as select * from built")
    _night(con, [], None)  # the club's only file was withdrawn: no data date

    extend_daily_load(con, frozenset({"a"}), thresholds)

    assert con.table("int_daily_load").fetchall() == []


def test_an_empty_club_stays_empty() -> None:
    con = duckdb.connect()
    _night(con, [], None)
    con.register(
        "built",
        daily_load(con.table("int_session_load"), con.table("int_data_as_of"), Thresholds()),
    )
    con.sql("create table int_daily_load as select * from built")

    extend_daily_load(con, frozenset(), Thresholds())

    assert con.table("int_daily_load").fetchall() == []
