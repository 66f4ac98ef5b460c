"""The data layer: a member never gets another athlete's rows, coaches get club views, bad files are notices."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import polars.selectors as cs
import pytest

from dashboard import data
from dashboard.accounts.viewer import Viewer
from dashboard.data import serving

FUNCTIONS = [
    name
    for name in data.__all__
    if inspect.isfunction(getattr(data, name))
    and name not in ("serving_status", "metric_settings", "published_thresholds")
]
# Coach-only: the club module's functions and every other module's club_* function.
CLUB_ONLY = [
    name
    for name in FUNCTIONS
    if getattr(data, name).__module__ == "dashboard.data.club" or name.startswith("club_")
]
MEMBER_VISIBLE = [name for name in FUNCTIONS if name not in CLUB_ONLY]
INJECTIONS = ["'; DROP TABLE mart_athletes; --", "' OR '1'='1", "%' OR 1=1 --", "\\'; SELECT 1; --"]


def member(club) -> Viewer:
    return Viewer("member", "member", club.member_athlete)


TEST = "hip_abduction_hhd"  # the assessment test asked for by a function that takes one


def call(name: str, viewer: Viewer, **extra):
    """Call a data function with only the viewer (and `athlete_id` when it takes one, `test` the
    same)."""
    function = getattr(data, name)
    parameters = inspect.signature(function).parameters
    if "athlete_id" not in parameters:
        extra.pop("athlete_id", None)
    if "test" in parameters:
        extra.setdefault("test", TEST)
    return function(viewer, **extra)


def count(club, sql: str, *params: object) -> int:
    con = duckdb.connect(str(club.serving), read_only=True)
    try:
        return con.sql(sql, params=list(params)).fetchall()[0][0]
    finally:
        con.close()


def assert_only_member_rows(result, club) -> None:
    frames = [result] if isinstance(result, pl.DataFrame) else []
    for frame in frames:
        if "athlete_id" in frame.columns:
            assert set(frame["athlete_id"].drop_nulls().to_list()) <= {club.member_athlete}
        if "display_name" in frame.columns:
            assert set(frame["display_name"].drop_nulls().to_list()) <= {club.member_name}
    if isinstance(result, pl.DataFrame):  # CSV has no lists (the catalogue's levels)
        text = result.with_columns(cs.list().cast(pl.List(pl.String)).list.join("; ")).write_csv()
    else:
        text = repr(result)
    assert not [name for name in club.other_names if name in text]


def test_every_public_function_is_classified() -> None:
    assert set(CLUB_ONLY) | set(MEMBER_VISIBLE) == set(FUNCTIONS)
    assert {"club_weekly", "athletes", "at_risk", "received_files"} <= set(CLUB_ONLY)
    assert {"athlete_weekly", "athlete_runs", "athlete_files"} <= set(MEMBER_VISIBLE)


@pytest.mark.parametrize("name", MEMBER_VISIBLE)
def test_member_gets_only_their_own_rows_even_when_asking_for_another(name: str, club_env) -> None:
    own = call(name, member(club_env))
    asked_for_other = call(name, member(club_env), athlete_id=club_env.other_athlete)
    assert_only_member_rows(own, club_env)
    assert_only_member_rows(asked_for_other, club_env)
    if isinstance(own, pl.DataFrame):
        assert own.equals(asked_for_other)
    else:
        assert own == asked_for_other


@pytest.mark.parametrize("name", MEMBER_VISIBLE)
def test_member_view_of_a_subject_cannot_be_widened(name: str, club_env) -> None:
    widened = Viewer(
        "member", "member", club_env.member_athlete, subject_athlete_id=club_env.other_athlete
    )
    assert_only_member_rows(call(name, widened), club_env)
    assert member(club_env).viewing(club_env.other_athlete) == member(club_env)


@pytest.mark.parametrize("name", CLUB_ONLY)
def test_club_functions_refuse_members_and_serve_coaches(name: str, club_env) -> None:
    with pytest.raises(PermissionError, match="coaches only"):
        call(name, member(club_env))
    call(name, Viewer("coach", "coach", None))


def test_latest_assessments_are_one_row_per_athlete_measure_and_side_of_the_test(club_env) -> None:
    latest = data.club_latest_assessments(Viewer("coach", "coach", None), TEST)
    assert set(latest["test"]) == {TEST}
    expected = count(
        club_env,
        "SELECT count(DISTINCT (athlete_id, measure, side)) FROM mart_assessment_results "
        "WHERE test = ?",
        TEST,
    )
    assert latest.height == expected > 0


def test_member_row_counts_match_the_serving_file(club_env) -> None:
    viewer = member(club_env)
    assert data.athlete_runs(viewer).height == count(
        club_env,
        "SELECT count(*) FROM mart_athlete_runs WHERE athlete_id = ?",
        club_env.member_athlete,
    )
    assert data.athlete_weekly(viewer).height == count(
        club_env,
        "SELECT count(*) FROM mart_athlete_weekly WHERE athlete_id = ?",
        club_env.member_athlete,
    )
    assert data.athlete_runs(viewer).height > 0


def test_coach_sees_the_athlete_they_choose(club_env) -> None:
    coach = Viewer("coach", "coach", None)
    other = data.athlete_profile(coach.viewing(club_env.other_athlete))
    assert other["athlete_id"].to_list() == [club_env.other_athlete]
    assert data.athlete_profile(coach, athlete_id=club_env.member_athlete)["display_name"][0] == (
        club_env.member_name
    )
    with pytest.raises(ValueError, match="Choose an athlete"):
        data.athlete_weekly(coach)


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_filters_are_bound_parameters(text: str, club_env) -> None:
    coach = Viewer("coach", "coach", None)
    assert data.athlete_runs(member(club_env), name_contains=text).is_empty()
    assert data.athletes(coach, text).is_empty()
    assert data.received_files(coach, name_contains=text).is_empty()
    assert data.file_problems(coach, name_contains=text).is_empty()
    assert data.athletes(coach).height == count(club_env, "SELECT count(*) FROM mart_athletes")


def test_missing_serving_file_is_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(tmp_path))
    viewer = Viewer("coach", "coach", None)
    status = data.serving_status(viewer)
    assert not status.readable
    assert "No data published yet: run `strongstride ingest`" in status.notice
    with pytest.raises(data.DataUnavailable, match="strongstride ingest"):
        data.club_weekly(viewer)


def test_unreadable_file_falls_back_to_last_good_data(fresh_club) -> None:
    viewer = Viewer("coach", "coach", None)
    good = data.club_weekly(viewer)
    fresh_club.serving.write_bytes(b"this is not a duckdb file" * 100)
    assert data.club_weekly(viewer).equals(good)
    status = data.serving_status(viewer)
    assert status.readable
    assert "could not be read" in status.notice and "last good data" in status.notice
    with pytest.raises(data.DataUnavailable, match="could not be read"):
        data.at_risk(viewer)  # never read from the good file, so nothing to fall back on


def test_a_query_after_a_publish_reads_the_new_file_while_one_still_reads_the_old(
    fresh_club,
) -> None:
    published = fresh_club.serving.with_name("published.duckdb")
    shutil.copyfile(fresh_club.serving, published)
    con = duckdb.connect(str(published))
    con.sql("UPDATE serving_meta SET generation = 99")
    con.close()
    before = serving.select("SELECT generation FROM serving_meta")["generation"][0]
    assert before != 99
    slow = threading.Thread(  # a page's query on the old file, still running at the publish
        target=serving.select, args=("SELECT sum(i % 7) FROM range(600000000) t(i)",)
    )
    slow.start()
    time.sleep(0.3)
    os.replace(published, fresh_club.serving)  # as a publish swaps the next generation in
    after = serving.select("SELECT generation FROM serving_meta")["generation"][0]
    slow.join()
    assert after == 99


def _open_descriptors(path: Path) -> int:
    """How many of this process's file descriptors point at `path`'s inode."""
    inode = path.stat().st_ino
    return sum(os.stat(fd).st_ino == inode for fd in Path("/proc/self/fd").iterdir() if fd.exists())


def test_a_version_is_opened_once_and_released_after_the_next_publish(fresh_club) -> None:
    coach = Viewer("coach", "coach", None)
    old = fresh_club.serving.with_name("old.duckdb")
    os.link(fresh_club.serving, old)  # keeps the old inode findable after the swap
    for query in (data.club_weekly, data.at_risk, data.athletes, data.serving_status):
        query(coach)
    assert _open_descriptors(old) == 1  # four queries, one open file
    published = fresh_club.serving.with_name("published.duckdb")
    shutil.copyfile(fresh_club.serving, published)
    os.replace(published, fresh_club.serving)
    data.club_weekly(coach)
    assert _open_descriptors(old) == 0
    assert _open_descriptors(fresh_club.serving) == 1


def test_metric_settings_come_from_the_serving_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(tmp_path))
    con = duckdb.connect(str(tmp_path / "serving.duckdb"))
    con.sql(
        "CREATE TABLE serving_meta AS SELECT 7 AS generation, now() AS published_at, 'r' AS run_id, "
        "3 AS source_files, NULL::VARCHAR AS blocked_reason, ? AS settings",
        params=[json.dumps({"adherence_high": 0.9, "acwr_spike": 1.3, "unknown_setting": 5})],
    )
    con.close()
    settings = data.metric_settings(Viewer("coach", "coach", None))
    assert (settings.adherence_high, settings.acwr_spike, settings.adherence_medium) == (
        0.9,
        1.3,
        0.74,
    )
    thresholds = data.published_thresholds(Viewer("coach", "coach", None))
    assert (thresholds["acwr_spike"], thresholds["acwr_seed_days"]) == (1.3, 7)  # 7: the default
    assert "unknown_setting" not in thresholds
    assert data.serving_status(Viewer("coach", "coach", None)).generation == 7


def test_data_health_lists_only_the_newest_files(club_env) -> None:
    coach = Viewer("coach", "coach", None)
    total = count(club_env, "SELECT count(*) FROM mart_data_health_files")
    assert data.received_files(coach).height == min(total, data.FILE_ROWS_SHOWN)
    newest = data.received_files(coach, limit=3)
    third = count(
        club_env,
        "SELECT received_at FROM mart_data_health_files ORDER BY received_at DESC OFFSET 2",
    )
    assert newest.height == 3 and newest["received_at"].min() == third
    assert newest["received_at"].is_sorted(descending=True)
