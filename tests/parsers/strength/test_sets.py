"""Strength logs: the three real exports load with MANIFEST counts; bad rows are listed, not fatal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.schemas import ParseError, RowError
from pipelines.parsers.strength.sets import parse_strength_csv

LB = 0.45359237


@pytest.fixture(scope="module")
def catalog() -> ExerciseCatalog:
    return ExerciseCatalog.default()


def parse(data: bytes, catalog: ExerciseCatalog, **overrides):
    options = {
        "athlete_id": "a001",
        "weight_unit": "kg",
        "time_zone": "Europe/Berlin",
        "catalog": catalog,
        "roster_ids": {"a001", "a002"},
    } | overrides
    return parse_strength_csv(data, **options)


def strength_file(realdata: Path, name: str) -> bytes:
    return (realdata / "strength" / name).read_bytes()


def test_strong_2021_loads_every_set_of_its_129_workouts(realdata, catalog):
    # MANIFEST: 2078 records, 129 workouts; no Set Order is "Rest Timer" (every one is a number), so
    # all 2078 records are sets; the 6 Plank rows (Reps 0, Seconds 90-105) are timed sets.
    result = parse(strength_file(realdata, "strong_2021_en_no-unit-column.csv"), catalog)
    assert result.format == "strong"
    assert result.sets.height == 2078
    assert result.workouts == 129
    assert result.skipped_rows == 0
    assert result.rejected == []
    # Custom gym exercises the catalog cannot know, counted per name with Python's csv module.
    assert result.unmapped_exercises == {
        "Back Deltoids": 18,
        "Leg Press Technogym (Gelb)": 17,
        "Leg Press Keller": 9,
        "Lower Back": 6,
        "Overhead Smith Seated": 3,
    }
    assert result.mapped_share == pytest.approx((2078 - 53) / 2078)


def test_strong_2021_first_set_times_weights_and_plank(realdata, catalog):
    result = parse(strength_file(realdata, "strong_2021_en_no-unit-column.csv"), catalog)
    first = result.sets.row(0, named=True)
    # Row 2: 2021-02-10 16:46:13 Berlin winter time (UTC+1), Bench Press (Barbell) set 1, 75 kg x 8.
    assert first["row_number"] == 2
    assert first["session_start_utc"] == datetime(2021, 2, 10, 15, 46, 13, tzinfo=UTC)
    assert first["local_date"] == date(2021, 2, 10)
    assert first["week_start"] == date(2021, 2, 8)
    assert (first["exercise_id"], first["set_number"], first["reps"], first["load_kg"]) == (
        "bench_press",
        1,
        8.0,
        75.0,
    )
    plank = result.sets.filter(row_number=74).row(0, named=True)
    assert (plank["exercise_id"], plank["reps"], plank["duration_s"]) == ("plank", None, 90.0)
    assert plank["categories"] == ["core_mobility"]
    # Duration "2h 18m" of the first workout = 8280 s.
    assert result.sessions["duration_s"][0] == 8280.0


def test_strong_2025_skips_the_eight_rest_timer_rows(realdata, catalog):
    # MANIFEST: 16 records = 8 sets + 8 "Rest Timer" pseudo-rows; one workout of "5m"; reps "10.0".
    result = parse(strength_file(realdata, "strong_2025_rest-timer-rows.csv"), catalog)
    assert (result.sets.height, result.skipped_rows, result.workouts) == (8, 8, 1)
    assert result.rejected == []
    assert result.mapped_share == 1.0
    assert result.sets["row_number"].to_list() == [2, 4, 6, 8, 10, 12, 14, 16]
    assert result.sets["reps"].to_list() == [10.0, 10.0, 20.0, 20.0, 10.0, 10.0, 5.0, 5.0]
    # Back Extension is logged twice in the workout: sets 1, 2 and again 1, 2.
    assert result.sets["set_number"].to_list() == [1, 2, 1, 2, 1, 2, 1, 2]
    assert result.sets["exercise_id"][0] == "back_extension"
    assert result.sets["categories"][0].to_list() == ["glute_max"]
    assert result.sessions["duration_s"].to_list() == [300.0]


def test_hevy_sets_workouts_and_summer_time_conversion(realdata, catalog):
    # MANIFEST: 330 sets, 17 workouts (distinct title + start_time), all set_type normal.
    result = parse(strength_file(realdata, "hevy_2025_weight-kg_emoji-titles.csv"), catalog)
    assert result.format == "hevy"
    assert (result.sets.height, result.workouts, len(result.rejected)) == (330, 17, 0)
    assert result.unmapped_exercises == {}
    assert result.mapped_share == 1.0
    first = result.sets.row(0, named=True)
    # "30 Jun 2025, 19:56" in Berlin summer time (UTC+2) is 17:56 UTC; set_index 0 is set 1.
    assert first["session_start_utc"] == datetime(2025, 6, 30, 17, 56, tzinfo=UTC)
    assert (first["set_number"], first["set_type"], first["load_kg"], first["reps"]) == (
        1,
        "normal",
        48.0,
        13.0,
    )
    # Rows 202 and 329-331 are body-weight sets with an empty weight_kg.
    no_load = result.sets.filter(result.sets["load_kg"].is_null())["row_number"].to_list()
    assert no_load == [202, 329, 330, 331]
    assert "Evening workout 🏋️" in result.sets["workout_name"].to_list()
    # 19:56 -> 20:58 is 62 minutes.
    assert result.sessions["duration_s"][0] == 62 * 60.0


def test_hevy_times_across_daylight_saving_changes(catalog):
    header = "title,start_time,end_time,exercise_title,set_index,set_type,weight_lbs,reps\n"
    rows = (
        'Legs,"27 Oct 2024, 02:30","27 Oct 2024, 03:30",Hip Thrust (Barbell),0,warmup,100,10\n'
        'Legs,"31 Mar 2024, 02:30","31 Mar 2024, 03:30",Hip Thrust (Barbell),0,dropset,100,10\n'
        'Legs,"1 Jan 2024, 18:00","1 Jan 2024, 19:00",Clamshell,2,failure,,20\n'
    )
    result = parse((header + rows).encode(), catalog)
    # Berlin 27 Oct 2024 02:30 happens twice: the first is CEST (UTC+2) = 00:30 UTC.
    # Berlin 31 Mar 2024 02:30 never happens: read as 03:30 CEST = 01:30 UTC.
    assert result.sets["session_start_utc"].to_list() == [
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 30, tzinfo=UTC),
        datetime(2024, 1, 1, 17, 0, tzinfo=UTC),
    ]
    assert result.sets["set_type"].to_list() == ["warmup", "drop", "failure"]
    assert result.sets["set_number"].to_list() == [1, 1, 3]
    assert result.sets["load_kg"].to_list()[:2] == [pytest.approx(100 * LB)] * 2


def test_strong_weights_follow_the_athletes_unit_setting(catalog):
    strong = (
        b"Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        b"Workout Notes,RPE\n"
        b'2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",1,135,10,0,0,"","",8\n'
        b'2026-03-02 18:30:00,"Glutes",45m,"Hip Thrust (Barbell)",W,45,12,0,0,,,\n'
    )
    in_lb = parse(strong, catalog, weight_unit="lb")
    assert in_lb.sets["load_kg"].to_list() == [pytest.approx(135 * LB), pytest.approx(45 * LB)]
    assert in_lb.sets["set_type"].to_list() == ["normal", "warmup"]
    assert in_lb.sets["rpe"].to_list() == [8.0, None]
    in_kg = parse(strong, catalog, weight_unit="kg")
    assert in_kg.sets["load_kg"].to_list() == [135.0, 45.0]


def test_a_header_that_states_pounds_wins_over_the_roster_unit(catalog):
    newer = (
        b"Workout #;Date;Workout Name;Duration (sec);Exercise Name;Set Order;Weight (lbs);Reps;RPE;"
        b"Distance (meters);Seconds;Notes;Workout Notes\n"
        b"1;2026-03-02 18:30:00;Legs;3600;Romanian Deadlift (Barbell);1;200;8;8,5;;;;\n"
        b"1;2026-03-02 18:30:00;Legs;3600;Romanian Deadlift (Barbell);Rest Timer;;;;;90;;\n"
    )
    result = parse(newer, catalog, weight_unit="kg")
    assert (result.format, result.sets.height, result.skipped_rows) == ("strong", 1, 1)
    assert result.sets["load_kg"][0] == pytest.approx(200 * LB)
    assert result.sets["rpe"][0] == 8.5
    assert result.sessions["duration_s"][0] == 3600.0


def test_german_strong_export_is_recognised(catalog):
    german = (
        "Datum;Workout-Name;Dauer;Übungsname;Satzreihenfolge;Gewicht;Wiederholungen;Entfernung;"
        "Sekunden;Notizen;Workout-Notizen;RPE\n"
        '2026-03-02 07:15:00;"Gesäß";1h 5m;"Bulgarian Split Squat (Dumbbell)";1;12,5;10;0;0;"";"";\n'
        '2026-03-02 07:15:00;"Gesäß";1h 5m;"Side Plank";1;0;0;0;45;"";"";\n'
    ).encode()
    result = parse(german, catalog)
    assert result.format == "strong"
    assert result.sets["exercise_id"].to_list() == ["bulgarian_split_squat", "side_plank"]
    assert result.sets["load_kg"].to_list() == [12.5, 0.0]
    assert result.sets["duration_s"].to_list() == [None, 45.0]
    assert result.sessions["duration_s"][0] == 3900.0
    # 07:15 Berlin winter time = 06:15 UTC.
    assert result.sets["session_start_utc"][0] == datetime(2026, 3, 2, 6, 15, tzinfo=UTC)


def test_an_unknown_localization_is_reported_with_its_header(catalog):
    swedish = (
        "Datum;Passnamn;Längd;Övningsnamn;Setordning;Vikt;Reps\n2026-03-02 07:15:00;A;5m;X;1;10;5\n"
    )
    with pytest.raises(ParseError) as raised:
        parse(swedish.encode(), catalog)
    assert "not a Strong, Hevy or club strength export" in raised.value.reason
    assert (
        "found Datum, Passnamn, Längd, Övningsnamn, Setordning, Vikt, Reps" in raised.value.reason
    )


def test_club_file_loads_good_rows_and_lists_each_bad_one(catalog):
    club = (
        b"date,time,athlete_id,exercise,set,reps,load,unit,rpe,notes\n"
        b"2026-03-02,18:30,a001,Hip Thrust (Barbell),1,10,60,kg,7,\n"  # row 2 good
        b"2026-03-02,18:30,a001,Clamshell,1,15,,bw,,red band\n"  # row 3 good
        b"2026-02-30,18:30,a001,Clamshell,2,15,,bw,,\n"  # row 4 no such date
        b"2026-03-02,18:30,a001,Step Up,1,-3,10,kg,,\n"  # row 5 negative reps
        b"2026-03-02,18:30,a001,Deadlift (Barbell),1,5,1200,lb,,\n"  # row 6 544 kg
        b"2026-03-02,18:30,a001,Lunge,1,250,10,kg,,\n"  # row 7 reps above 200
        b"2026-03-02,18:30,a999,Lunge,1,10,10,kg,,\n"  # row 8 unknown athlete
        b"2026-03-02,18:30,a002,Lunge,1,10,10,kg,,\n"  # row 9 not the folder's athlete
        b"2026-03-02,18:30,a001,Lunge,2,10,10,stone,,\n"  # row 10 unknown unit
        b"2026-03-02,18:30,,Single Leg Deadlift,1,8,16,kg,11,\n"  # row 11 RPE above 10
        b"2026-03-02,18:30,,Monster Walk,1,20,,bw,,\n"  # row 12 good: athlete from folder
    )
    result = parse(club, catalog)
    assert result.format == "club"
    assert result.sets["row_number"].to_list() == [2, 3, 12]
    assert result.sets["athlete_id"].to_list() == ["a001"] * 3
    assert result.sets["load_kg"].to_list() == [60.0, None, None]
    assert result.workouts == 1
    assert [(e.row_number, e.column) for e in result.rejected] == [
        (4, "date"),
        (5, "reps"),
        (6, "load"),
        (7, "reps"),
        (8, "athlete_id"),
        (8, "athlete_id"),
        (9, "athlete_id"),
        (10, "unit"),
        (11, "rpe"),
    ]
    reasons = {e.row_number: e.reason for e in result.rejected}
    assert reasons[4] == "date '2026-02-30' is not a date: write YYYY-MM-DD"
    assert reasons[5] == "reps '-3' is negative"
    assert reasons[6] == "load '1200' lb (544 kg) is above 500 kg: check the number and its unit"
    assert reasons[7] == "reps '250' is above 200: check the number"
    assert "'a999' is not in the roster" in reasons[8]
    assert reasons[9].startswith("athlete_id 'a002' does not match the inbox folder 'a001'")
    assert reasons[10] == "unit 'stone' is not kg, lb or bw"
    assert reasons[11] == "RPE '11' is above 10: check the number"


def test_club_file_for_several_athletes_uses_each_time_zone(catalog):
    club = (
        b"date,time,athlete_id,exercise,set,reps,load,unit\n"
        b"2026-07-01,18:00,a001,Glute Bridge,,12,,bw\n"
        b"2026-07-01,18:00,a001,Glute Bridge,,12,,bw\n"
        b"2026-07-01,18:00,a002,Calf Raise,1,15,20,kg\n"
        b"2026-07-01,18:00,,Calf Raise,1,15,20,kg\n"
    )
    result = parse(
        club,
        catalog,
        athlete_id=None,
        time_zone="Europe/London",
        athlete_time_zones={"a002": "America/New_York"},
    )
    assert result.sets["session_start_utc"].to_list() == [
        datetime(2026, 7, 1, 17, 0, tzinfo=UTC),  # London summer time, UTC+1
        datetime(2026, 7, 1, 17, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 22, 0, tzinfo=UTC),  # New York summer time, UTC-4
    ]
    assert result.sets["set_number"].to_list() == [1, 2, 1]
    assert result.workouts == 2
    assert result.rejected == [
        RowError(
            5,
            "athlete_id",
            "athlete_id is empty: a file outside an athlete's inbox folder must name the athlete "
            "on every row",
        )
    ]


def test_session_ids_are_stable_and_differ_between_athletes(realdata, catalog):
    data = strength_file(realdata, "strong_2025_rest-timer-rows.csv")
    first, again = parse(data, catalog), parse(data, catalog)
    other = parse(data, catalog, athlete_id="a002")
    assert first.sets["session_id"].to_list() == again.sets["session_id"].to_list()
    assert first.sets["session_id"][0] != other.sets["session_id"][0]


def test_whole_file_problems_raise_readable_errors(catalog):
    with pytest.raises(ParseError, match="binary data"):
        parse(b"\x00\x01PK\x03\x04", catalog)
    with pytest.raises(ParseError, match="is empty"):
        parse(b"", catalog)
    with pytest.raises(ParseError, match="not a Strong, Hevy or club strength export"):
        parse(b"name,distance\nMorning run,5\n", catalog)
    with pytest.raises(ParseError, match="column Reps is missing"):
        parse(b"Date,Workout Name,Exercise Name,Set Order,Weight\n", catalog)
    with pytest.raises(ParseError, match="has no athlete column"):
        parse(b"Date,Exercise Name,Set Order,Weight,Reps\n", catalog, athlete_id=None)
    with pytest.raises(ParseError, match="'a404' is not an athlete in the roster"):
        parse(b"Date,Exercise Name,Set Order,Weight,Reps\n", catalog, athlete_id="a404")


def test_strong_export_in_a_latin_language_we_do_not_map_is_read_by_column_order(catalog):
    # Swedish names are not in STRONG_HEADERS ("Datum" and "Reps" are, 2 of the 5 required): the
    # file is read by Strong's column order. Semicolons, decimal commas, a "Vilotimer" rest row.
    swedish = (
        "Datum;Passnamn;Längd;Övningsnamn;Setordning;Vikt;Reps;Distans;Sekunder;Anteckningar;"
        "Passanteckningar;RPE\n"
        '2026-03-02 18:30:00;"Ben";1 tim 5 min;"Hip Thrust (Barbell)";W;45;12;0;0;"";"";\n'
        '2026-03-02 18:30:00;"Ben";1 tim 5 min;"Hip Thrust (Barbell)";1;132,5;8;0;0;"";"";8\n'
        '2026-03-02 18:30:00;"Ben";1 tim 5 min;"Hip Thrust (Barbell)";Vilotimer;0;0;0;90;;;\n'
        '2026-03-02 18:30:00;"Ben";1 tim 5 min;"Hip Thrust (Barbell)";2;132,5;7;0;0;"";"";9\n'
        '2026-03-02 18:30:00;"Ben";1 tim 5 min;"Plank";1;0;0;0;60;"";"";\n'
    ).encode()
    # No weight-unit column: the athlete's roster unit (lb) applies.
    result = parse(swedish, catalog, weight_unit="lb")
    assert (result.format, result.sets.height, result.skipped_rows) == ("strong", 4, 1)
    assert result.rejected == []
    assert result.sets["exercise_id"].to_list() == ["hip_thrust"] * 3 + ["plank"]
    assert result.sets["set_type"].to_list() == ["warmup", "normal", "normal", "normal"]
    assert result.sets["reps"].to_list() == [12.0, 8.0, 7.0, None]
    assert result.sets["load_kg"].to_list() == [
        pytest.approx(45 * LB),
        pytest.approx(132.5 * LB),
        pytest.approx(132.5 * LB),
        0.0,
    ]
    assert result.sets["rpe"].to_list() == [None, 8.0, 9.0, None]
    assert result.sets["duration_s"].to_list() == [None, None, None, 60.0]
    # "1 tim 5 min" = 3600 + 5 * 60 = 3900 s; 18:30 Berlin winter time = 17:30 UTC.
    assert result.sessions["duration_s"].to_list() == [3900.0]
    assert result.sets["session_start_utc"][0] == datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    assert result.warnings == []


def test_strong_export_in_japanese_is_read_by_column_order_with_its_duration(catalog):
    japanese = (
        "日付,ワークアウト名,時間,種目名,セット順,重量,回数,距離,秒,メモ,ワークアウトメモ,RPE\n"
        '2026-03-04 07:05:00,"脚の日",1時間12分,"ヒップスラスト（バーベル）",1,60.0,10,0,0,"","",\n'
        '2026-03-04 07:05:00,"脚の日",1時間12分,"ヒップスラスト（バーベル）",2,70.0,8,0,0,"","",\n'
        '2026-03-04 07:05:00,"脚の日",1時間12分,"ヒップスラスト（バーベル）",休憩タイマー,0,0,0,120,,,\n'
        '2026-03-04 07:05:00,"脚の日",1時間12分,"Glute Bridge",1,20.0,15,0,0,"","",7\n'
        '2026-03-06 19:00:00,"上半身",45分,"Bench Press (Barbell)",1,40.0,10,0,0,"","",\n'
    ).encode()
    result = parse(japanese, catalog)
    assert (result.format, result.sets.height, result.skipped_rows, result.workouts) == (
        "strong",
        4,
        1,
        2,
    )
    assert result.rejected == []
    assert result.sets["exercise_logged"].to_list() == [
        "ヒップスラスト（バーベル）",
        "ヒップスラスト（バーベル）",
        "Glute Bridge",
        "Bench Press (Barbell)",
    ]
    # The app's Japanese exercise name is not in the catalog: the coach is asked to map it.
    assert result.unmapped_exercises == {"ヒップスラスト（バーベル）": 2}
    assert result.sets["set_number"].to_list() == [1, 2, 1, 1]
    assert result.sets["load_kg"].to_list() == [60.0, 70.0, 20.0, 40.0]
    assert result.sets["reps"].to_list() == [10.0, 8.0, 15.0, 10.0]
    # 1時間12分 = 3600 + 12 * 60 = 4320 s; 45分 = 45 * 60 = 2700 s.
    assert result.sessions["duration_s"].to_list() == [4320.0, 2700.0]
    assert result.sessions["workout_name"].to_list() == ["脚の日", "上半身"]
    assert result.sessions["sets"].to_list() == [3, 1]


def test_unknown_headers_with_strong_column_order_and_values_are_read_as_strong(catalog):
    # Greek names (unknown), no RPE column (11 columns), a duration in words we do not know, a
    # drop set, and one hand-edited row: most rows have Strong's shapes, so the file is Strong and
    # the edited row is rejected with a reason under the file's own column name.
    greek = (
        "Ημερομηνία,Όνομα προπόνησης,Διάρκεια,Όνομα άσκησης,Σειρά σετ,Βάρος,Επαναλήψεις,"
        "Απόσταση,Δευτερόλεπτα,Σημειώσεις,Σημειώσεις προπόνησης\n"
        '2026-03-03 17:45:10,"Πόδια",1 ώρα 5 λεπτά,"Romanian Deadlift (Barbell)",1,80,8,0,0,"",""\n'
        '2026-03-03 17:45:10,"Πόδια",1 ώρα 5 λεπτά,"Romanian Deadlift (Barbell)",2,80,8,0,0,"",""\n'
        '2026-03-03 17:45:10,"Πόδια",1 ώρα 5 λεπτά,"Romanian Deadlift (Barbell)",D,60,12,0,0,"",""\n'
        '2026-03-03 17:45:10,"Πόδια",1 ώρα 5 λεπτά,"Glute Bridge",1,0,20,0,0,"",""\n'
        '2026-03-03 17:45:10,"Πόδια",1 ώρα 5 λεπτά,"Glute Bridge",2,0,δέκα,0,0,"",""\n'
    ).encode()
    result = parse(greek, catalog)
    assert result.format == "strong"
    assert result.sets["row_number"].to_list() == [2, 3, 4, 5]
    assert result.sets["exercise_id"].to_list() == ["romanian_deadlift"] * 3 + ["glute_bridge"]
    assert result.sets["set_type"].to_list() == ["normal", "normal", "drop", "normal"]
    # The drop set has no number: it is the third set of its exercise in the workout.
    assert result.sets["set_number"].to_list() == [1, 2, 3, 1]
    assert result.sets["load_kg"].to_list() == [80.0, 80.0, 60.0, 0.0]
    assert result.sets["reps"].to_list() == [8.0, 8.0, 12.0, 20.0]
    assert result.sets["rpe"].to_list() == [None] * 4
    assert result.rejected == [RowError(6, "Επαναλήψεις", "reps 'δέκα' is not a number")]
    assert result.sessions["duration_s"].to_list() == [None]
    assert result.warnings == [
        "the workout duration '1 ώρα 5 λεπτά' is in a form we do not know: "
        "that workout's duration is left unknown"
    ]


def test_strong_durations_in_the_app_languages(catalog):
    header = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE\n"
    )
    durations = [
        "2h 18m",  # 2 * 3600 + 18 * 60 = 8280
        "1h 4min",  # 3600 + 4 * 60 = 3840
        "2 Std. 18 Min.",  # 8280
        "2時間18分",  # 8280
        "2 ч 18 мин",  # 8280
        "2小时18分钟",  # 8280
        "1h 5m 30s",  # 3600 + 300 + 30 = 3930
        "45s",  # 45
        "3600",  # plain seconds
        "1:05:00",  # not a form we know
        "2 fortnights",  # not a unit we know
    ]
    rows = "".join(
        f"2026-03-{day:02d} 18:00:00,Legs,{text},Glute Bridge,1,0,12,0,0,,,\n"
        for day, text in enumerate(durations, start=1)
    )
    result = parse((header + rows).encode(), catalog)
    assert result.sets.height == len(durations)
    assert result.sessions["duration_s"].to_list() == [
        8280.0,
        3840.0,
        8280.0,
        8280.0,
        8280.0,
        8280.0,
        3930.0,
        45.0,
        3600.0,
        None,
        None,
    ]
    assert result.warnings == [
        "the durations of 2 workouts are in a form we do not know (e.g. '1:05:00'): "
        "their durations are left unknown"
    ]


def test_strong_android_duration_header_is_recognised(catalog):
    # jjaju/statlift columns.json: German Android exports name the duration "Workout-Dauer".
    german_android = (
        "Datum;Workout-Name;Name der Übung;Reihenfolge festlegen;Gewicht;Wiederh.;RPE;Entfernung;"
        "Sekunden;Notizen;Workout-Notizen;Workout-Dauer\n"
        '2026-03-02 07:15:00;"Gesäß";"Glute Bridge";1;20;12;;0;0;"";"";52m\n'
    ).encode()
    result = parse(german_android, catalog)
    assert (result.format, result.sets["load_kg"][0], result.sets["reps"][0]) == (
        "strong",
        20.0,
        12.0,
    )
    assert result.sessions["duration_s"].to_list() == [52 * 60.0]


def test_a_strong_sized_file_without_strong_values_is_still_refused(catalog):
    # Twelve columns like Strong, but the first is not a Strong date and the weights are words.
    unknown = (
        "Tag,Einheit,Länge,Übung,Folge,Last,Wdh.,Strecke,Zeit,Notiz,Einheitsnotiz,Anstrengung\n"
        "02.03.26,Beine,lang,Hip Thrust,1,schwer,8,0,0,,,\n"
        "02.03.26,Beine,lang,Hip Thrust,2,schwer,8,0,0,,,\n"
    )
    with pytest.raises(ParseError) as raised:
        parse(unknown.encode(), catalog)
    assert raised.value.reason == (
        "this CSV is not a Strong, Hevy or club strength export: expected columns "
        "Strong: Date, Exercise Name, Set Order, Weight, Reps; "
        "Hevy: start_time, exercise_title, set_index, weight_kg or weight_lbs, reps; "
        "club: date, time, athlete_id, exercise, set, reps, load, unit, rpe, notes; "
        "found Tag, Einheit, Länge, Übung, Folge, Last, Wdh., Strecke, Zeit, Notiz, "
        "Einheitsnotiz, Anstrengung"
    )
    # A Strong-sized header with no rows gives no values to recognise it by.
    with pytest.raises(ParseError, match="not a Strong, Hevy or club strength export"):
        parse(unknown.split("\n", 1)[0].encode() + b"\n", catalog)


def test_band_comes_from_the_club_band_column_then_notes_then_the_exercise_name(catalog):
    club = (
        b"date,time,athlete_id,exercise,set,reps,load,unit,rpe,notes,band\n"
        b"2026-03-02,18:30,a001,Clamshell,1,15,,bw,,,Rot\n"  # band column (German): red
        b"2026-03-02,18:30,a001,Clamshell,2,15,,bw,,blue band,green\n"  # the column wins
        b"2026-03-02,18:30,a001,Monster Walk,1,20,,bw,,black band,\n"  # notes
        b"2026-03-02,18:30,a001,Clamshell (Yellow Band),3,15,,bw,,,\n"  # exercise name
        b"2026-03-02,18:30,a001,Side Lying Leg Raise,1,12,,bw,,,\n"  # no band
        b"2026-03-02,18:30,a001,Clamshell,4,12,,bw,,,purple\n"  # not a catalogue colour
    )
    result = parse(club, catalog)
    assert result.sets["band"].to_list() == ["red", "green", "black", "yellow", None, None]
    # Shipped levels: none 1, yellow 2, red 3, green 4, blue 5, black 6.
    assert result.sets["band_level"].to_list() == [3.0, 4.0, 6.0, 2.0, 1.0, 1.0]
    assert result.warnings == [
        "band 'purple' is not a colour in the bands of club/exercises.yaml: its sets count as "
        "without a band until it is added"
    ]


def test_strong_and_hevy_bands_come_from_set_notes_or_the_logged_name(catalog):
    strong = (
        b"Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        b"Workout Notes,RPE\n"
        b'2026-03-02 18:30:00,"Glutes",45m,"Clamshell",1,0,20,0,0,"red band","",7\n'
        b'2026-03-02 18:30:00,"Glutes",45m,"Lateral Band Walk (Green)",1,0,12,0,0,"","",8\n'
    )
    assert parse(strong, catalog).sets["band"].to_list() == ["red", "green"]
    hevy = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
        '"Glutes","2 Mar 2026, 18:30","2 Mar 2026, 19:15","","Clamshell",,"Band: blau 💪",0,'
        "normal,,15,,,\n"
    ).encode()
    assert parse(hevy, catalog).sets[["band", "band_level"]].rows() == [("blue", 5.0)]
