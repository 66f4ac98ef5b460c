"""Strength progression on a small club whose estimated 1RMs, volumes and states are worked out by hand,
and on a real Strong-format export whose warm-up and rest-timer rows must never count."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.strength.sets import parse_strength_csv
from tests.transform import scenarios
from tests.transform.scenarios import athletes
from tests.transform.staging import build_models, insert

SCENARIOS = (scenarios.strength_club,)
MONDAY = scenarios.STRENGTH_MONDAY


def progress(con: duckdb.DuckDBPyConnection, exercise: str) -> list[dict]:
    return (
        con.sql(
            "select * from mart_strength_progress where exercise_id = ? order by session_number",
            params=[exercise],
        )
        .pl()
        .to_dicts()
    )


def test_estimated_1rm_volume_and_top_set_of_working_sets(club: duckdb.DuckDBPyConnection) -> None:
    h = progress(club, "hip_thrust")
    first = h[0]
    # h1: the 40x12 warm-up is not a working set. Epley 60 x (1 + 10/30) = 80.
    assert (first["working_sets"], first["total_reps"]) == (3, 30)
    assert first["volume_load_kg"] == pytest.approx(3 * 10 * 60)
    assert (first["top_set_load_kg"], first["top_set_reps"]) == (60.0, 10)
    assert first["best_e1rm_kg"] == pytest.approx(80.0)
    assert first["progress_measure_name"] == "estimated 1RM (Epley), kg"
    assert h[1]["best_e1rm_kg"] == pytest.approx(70 * (1 + 8 / 30))  # 88.67
    # h7: the 100x12 set is the top set but gives no estimate (over 10 reps): 72 x (1 + 8/30) = 91.2.
    last = h[-1]
    assert (last["top_set_load_kg"], last["top_set_reps"]) == (100.0, 12)
    assert last["best_e1rm_kg"] == pytest.approx(91.2)
    assert last["volume_load_kg"] == pytest.approx(1200 + 576)


def test_progression_state_after_each_session(club: duckdb.DuckDBPyConnection) -> None:
    h = progress(club, "hip_thrust")
    # h2 beats 80; h3-h4 hold 88.67 (a best within the last 3 sessions); h5 is the third session
    # without a new best: flat; h6 76 < 0.9 x 88.67 = 79.8 (the best of h3-h5): regressing; h7 91.2.
    assert [r["state"] for r in h] == [
        "first session",
        "progressing",
        "progressing",
        "progressing",
        "flat",
        "regressing",
        "progressing",
    ]
    assert [r["sessions_since_best"] for r in h] == [0, 0, 1, 2, 3, 4, 0]
    assert h[5]["recent_best"] == pytest.approx(70 * (1 + 8 / 30))
    assert [r["is_latest_session"] for r in h] == [False] * 6 + [True]


def test_band_exercises_progress_by_reps_times_band_level_and_holds_by_seconds(
    club: duckdb.DuckDBPyConnection,
) -> None:
    c = progress(club, "clamshell")
    # c1 15 x level 1 = 15; c2 max(12 x 2, 10 x 3) = 30; c3 15 x 3 = 45. No estimated 1RM.
    assert [r["progress_measure"] for r in c] == [15.0, 30.0, 45.0]
    assert {r["best_e1rm_kg"] for r in c} == {None}
    assert [r["state"] for r in c] == ["first session", "progressing", "progressing"]
    assert c[0]["progress_measure_name"] == "reps x band level"
    k = progress(club, "side_plank")
    assert [r["progress_measure"] for r in k] == [45.0, 42.0]
    assert [r["state"] for r in k] == ["first session", "progressing"]
    assert k[0]["progress_measure_name"] == "hold, seconds"


def test_ready_to_progress_hint(club: duckdb.DuckDBPyConnection) -> None:
    h = progress(club, "hip_thrust")
    # h1: every working set at 10 reps (the top of 8-10) at RPE <= 8 (the warm-up is not counted).
    assert h[0]["ready_to_progress"] is True
    assert h[0]["ready_note"] == "all sets at 10+ reps, RPE <= 8"
    assert (
        h[1]["ready_to_progress"] is False and h[1]["ready_note"] == "not yet: a set below 10 reps"
    )
    c = progress(club, "clamshell")
    # c1: 15 reps but no RPE logged: no hint either way. c3: RPE 9.
    assert c[0]["ready_to_progress"] is None
    assert c[0]["ready_note"] == "no hint: RPE not logged on every set"
    assert c[2]["ready_to_progress"] is False and c[2]["ready_note"] == "not yet: RPE above 8"
    k = progress(club, "side_plank")
    assert k[0]["ready_to_progress"] is None
    assert k[0]["ready_note"] == "no hint: a timed hold has no rep range"


def test_weekly_state_beside_adherence(club: duckdb.DuckDBPyConnection) -> None:
    got = (
        club.sql("select * from mart_strength_progress_weekly order by week_start").pl().to_dicts()
    )
    # Week 1 (h1, h2): hip thrust progressing (h2), clamshell progressing (c2), side plank
    # progressing (k2): 3 progressing; hip thrust was ready after h1 but not after h2, its last.
    # Week 2 (h3, h4): hip thrust progressing, clamshell progressing. Week 3 (h5, h6): hip thrust
    # regressing after h6. Week 4 (h7): progressing. Two sessions of the one required category a
    # week count: adherence 1, 1, 1; week 4 (h7) is the week in progress on the data date (h7's
    # day), left out of adherence until it ends: no adherence yet.
    assert [r["week_state"] for r in got] == [
        "progressing",
        "progressing",
        "regressing",
        "progressing",
    ]
    assert [r["exercises_progressing"] for r in got] == [3, 2, 0, 1]
    assert [r["exercises_regressing"] for r in got] == [0, 0, 1, 0]
    assert [r["ready_exercises"] for r in got] == [[], [], [], []]
    assert [r["session_adherence"] for r in got] == [1.0, 1.0, 1.0, None]
    assert {r["phase_name"] for r in got} == {"strength"}


def test_weekly_sets_by_exercise_group(club: duckdb.DuckDBPyConnection) -> None:
    got = club.sql(
        "select week_start, exercise_group, sets from mart_strength_weekly_groups "
        "where week_start = ? order by group_order",
        params=[MONDAY],
    ).fetchall()
    # Week 1: clamshell 4 sets (activation), hip thrust 3 + 3 working sets (hip extension), side
    # plank 3 (core); the warm-up is not counted.
    assert got == [(MONDAY, "activation", 4), (MONDAY, "hip extension", 6), (MONDAY, "core", 3)]


STRONG_EXPORT = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    '2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",W,40,12,0,0,"","",\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",Rest Timer,0,0,0,90,,,\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",1,80,8,0,0,"","",8\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",Rest Timer,0,0,0,90,,,\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",2,90,5,0,0,"","",9\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Clamshell",W,0,10,0,0,"","",\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Clamshell",1,0,15,0,0,"green band","",7\n'
    '2026-03-02 18:30:00,"Glutes",45m,"Clamshell",Rest Timer,0,0,0,60,,,\n'
)
HEVY_EXPORT = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,"
    "set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
    '"Legs","5 Mar 2026, 18:00","5 Mar 2026, 19:00","","Hip Thrust (Barbell)",,"",0,warmup,50,10,,,\n'
    '"Legs","5 Mar 2026, 18:00","5 Mar 2026, 19:00","","Hip Thrust (Barbell)",,"",1,normal,85,8,,,8\n'
    '"Legs","5 Mar 2026, 18:00","5 Mar 2026, 19:00","","Side Plank",,"",2,normal,,,,60,\n'
)


def test_warm_up_and_rest_timer_rows_of_real_exports_never_count(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    catalog = ExerciseCatalog.default()
    athletes(warehouse, "a001")
    insert(warehouse, "exercise_catalog", catalog.to_frame().to_dicts())
    for n, export in enumerate((STRONG_EXPORT, HEVY_EXPORT)):
        parsed = parse_strength_csv(
            export.encode(),
            athlete_id="a001",
            weight_unit="kg",
            time_zone="UTC",
            catalog=catalog,
        )
        insert(warehouse, "strength_sets", parsed.sets.to_dicts())
        warehouse.sql(
            "update strength_sets set file_sha256 = ? where file_sha256 is null",
            params=[str(n) * 64],
        )
    build_models(warehouse)
    got = {
        (r["local_date"].day, r["exercise_id"]): r
        for r in warehouse.sql("select * from mart_strength_progress").pl().to_dicts()
    }
    strong_hip = got[(2, "hip_thrust")]
    # Working sets 80x8 and 90x5 only: volume 640 + 450 = 1090; Epley max(80 x 38/30 = 101.33,
    # 90 x 35/30 = 105); the warm-up 40x12 and the rest timers are not sets.
    assert (strong_hip["working_sets"], strong_hip["total_reps"]) == (2, 13)
    assert strong_hip["volume_load_kg"] == pytest.approx(1090.0)
    assert strong_hip["best_e1rm_kg"] == pytest.approx(105.0)
    clam = got[(2, "clamshell")]
    # One working set of 15 with a green band (level 4): 60; the 10-rep warm-up is not counted.
    assert (clam["working_sets"], clam["progress_measure"]) == (1, 60.0)
    hevy_hip = got[(5, "hip_thrust")]
    # Hevy: the 50x10 warm-up is dropped; 85 x (1 + 8/30) = 107.67 beats 105: progressing.
    assert (hevy_hip["working_sets"], hevy_hip["volume_load_kg"]) == (1, 680.0)
    assert hevy_hip["best_e1rm_kg"] == pytest.approx(85 * 38 / 30)
    assert hevy_hip["state"] == "progressing"
    assert got[(5, "side_plank")]["progress_measure"] == 60.0
