"""Small clubs whose every number is worked out by hand in the tests that use them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import duckdb

from tests.transform.staging import injury, insert, ostrc, run, strength_set

ACTIVATION = ["glute_med_min", "glute_max"]
FUNCTIONAL = ["single_leg", "glute_max"]


def athletes(con: duckdb.DuckDBPyConnection, *ids: str) -> None:
    insert(
        con,
        "athletes",
        [
            {"athlete_id": a, "display_name": f"Runner {a}", "sex": "F", "time_zone": "UTC"}
            for a in ids
        ],
    )


def sessions(con: duckdb.DuckDBPyConnection, sets: list[dict]) -> None:
    """Append strength sets, numbering rows after those already loaded so keys stay unique."""
    first = con.sql("select count(*) from strength_sets").fetchall()[0][0]
    insert(con, "strength_sets", [{**s, "row_number": first + i} for i, s in enumerate(sets)])


def adherence_club(con: duckdb.DuckDBPyConnection) -> None:
    """Program p: activation weeks 1-2 then functional week 3, 2 sessions a week; a1 and a2 enrolled from week of 2026-01-05.

    a1: week 1 one counted session of two (the other lacks glute_max; its glute_max set is a warm-up),
    week 2 three counted (capped at 2), week 3 one counted single-leg session, week 4 nothing.
    a2: two counted sessions every week. a3 is not enrolled. Latest data: a run on Sunday 2026-02-01,
    the last day of week 4, so every week has ended.
    """
    athletes(con, "a1", "a2", "a3")
    insert(con, "programs", [{"program_id": "p", "name": "Glute", "total_weeks": 3}])
    insert(
        con,
        "program_phases",
        [
            {
                "program_id": "p",
                "phase_index": 0,
                "phase_name": "activation",
                "first_week": 1,
                "last_week": 2,
                "sessions_per_week": 2,
                "required_categories": ACTIVATION,
            },
            {
                "program_id": "p",
                "phase_index": 1,
                "phase_name": "functional",
                "first_week": 3,
                "last_week": 3,
                "sessions_per_week": 2,
                "required_categories": FUNCTIONAL,
            },
        ],
    )
    insert(
        con,
        "program_phase_sets",
        [
            {"program_id": "p", "phase_index": 0, "category": "glute_med_min", "sets_per_week": 4},
            {"program_id": "p", "phase_index": 0, "category": "glute_max", "sets_per_week": 4},
            {"program_id": "p", "phase_index": 1, "category": "single_leg", "sets_per_week": 4},
            {"program_id": "p", "phase_index": 1, "category": "glute_max", "sets_per_week": 2},
        ],
    )
    insert(
        con,
        "enrolments",
        [
            {"athlete_id": "a1", "program_id": "p", "start_date": date(2026, 1, 7)},
            {"athlete_id": "a2", "program_id": "p", "start_date": date(2026, 1, 5)},
        ],
    )
    d = date(2026, 1, 5)
    a1 = (
        [strength_set("a1", "s1", d + timedelta(1), ["glute_med_min"])] * 2
        + [strength_set("a1", "s1", d + timedelta(1), ["glute_max"])] * 2
        + [strength_set("a1", "s2", d + timedelta(3), ["glute_med_min"])] * 3
        + [strength_set("a1", "s2", d + timedelta(3), ["glute_max"], set_type="warmup")]
        + [
            strength_set("a1", s, d + timedelta(7 + i), [c])
            for i, s in enumerate(["s3", "s4", "s5"])
            for c in ACTIVATION
        ]
        + [strength_set("a1", "s6", d + timedelta(15), FUNCTIONAL)] * 2
        + [strength_set("a1", "s6", d + timedelta(15), [])]
    )
    a2 = [
        strength_set(
            "a2", f"t{week}{n}", d + timedelta(7 * week + n), ACTIVATION if week < 2 else FUNCTIONAL
        )
        for week in range(4)
        for n in range(2)
    ]
    a3 = [strength_set("a3", "u1", d, ["glute_max"])]
    sessions(con, a1 + a2 + a3)
    insert(con, "activities", [run("a1", date(2026, 2, 1))])


def injury_club(con: duckdb.DuckDBPyConnection) -> None:
    """b1 (never enrolled) with two injuries, c1 enrolled on a one-session-a-week program from 2026-01-05.

    b1 runs 60, 60, 30, 90 min on 2026-03-02, 03-05, 03-10, 03-20. i1 onset 03-05, 3 modified + 2 stopped
    days (time loss, not RRI); i2 onset 03-19, 10 modified days (RRI, no time loss).
    c1 lifts in program weeks 1-4 only (cumulative 1.0, then 0.8 in week 5, 0.667 in week 6); runs 60 min
    on 01-06 (week 1: lagged week before enrolment), 02-02 (week 5 -> band of week 1: high), 03-02
    (week 9 -> week 5: medium), 03-09 (week 10 -> week 6: low); c1's complaint on 03-11 (week 10 -> low).
    """
    athletes(con, "b1", "c1")
    insert(con, "programs", [{"program_id": "q", "name": "Weekly", "total_weeks": 52}])
    insert(
        con,
        "program_phases",
        [
            {
                "program_id": "q",
                "phase_index": 0,
                "phase_name": "all year",
                "first_week": 1,
                "last_week": 52,
                "sessions_per_week": 1,
                "required_categories": ["glute_max"],
            }
        ],
    )
    insert(
        con,
        "program_phase_sets",
        [{"program_id": "q", "phase_index": 0, "category": "glute_max", "sets_per_week": 1}],
    )
    insert(
        con, "enrolments", [{"athlete_id": "c1", "program_id": "q", "start_date": date(2026, 1, 5)}]
    )
    sessions(
        con,
        [
            strength_set("c1", f"c{w}", date(2026, 1, 6) + timedelta(weeks=w), ["glute_max"])
            for w in range(4)
        ],
    )
    insert(
        con,
        "activities",
        [
            run("b1", date(2026, 3, 2), minutes=60),
            run("b1", date(2026, 3, 5), minutes=60),
            run("b1", date(2026, 3, 10), minutes=30),
            run("b1", date(2026, 3, 20), minutes=90),
            run("c1", date(2026, 1, 6), minutes=60),
            run("c1", date(2026, 2, 2), minutes=60),
            run("c1", date(2026, 3, 2), minutes=60),
            run("c1", date(2026, 3, 9), minutes=60),
        ],
    )
    insert(
        con,
        "injuries",
        [
            injury("i1", "b1", date(2026, 3, 5), modified=3, stopped=2),
            injury("i2", "b1", date(2026, 3, 19), modified=10, stopped=0),
            injury("i3", "c1", date(2026, 3, 11), modified=0, stopped=0, body_region="lower_back"),
        ],
    )


def steady_adherence_club(con: duckdb.DuckDBPyConnection, last_day: date) -> None:
    """b1 and b2 enrolled from Monday 2026-03-02 in program q (2 sessions a week, glute_max required,
    4 glute_max sets a week) and do both sessions, on Wednesday and Saturday, in each of the three
    weeks from 03-02 to 03-21. Latest data: a run by b1 on `last_day` (in the week of 03-23).
    """
    athletes(con, "b1", "b2")
    insert(con, "programs", [{"program_id": "q", "name": "Glute", "total_weeks": 12}])
    insert(
        con,
        "program_phases",
        [
            {
                "program_id": "q",
                "phase_index": 0,
                "phase_name": "activation",
                "first_week": 1,
                "last_week": 12,
                "sessions_per_week": 2,
                "required_categories": ["glute_max"],
            }
        ],
    )
    insert(
        con,
        "program_phase_sets",
        [{"program_id": "q", "phase_index": 0, "category": "glute_max", "sets_per_week": 4}],
    )
    start = date(2026, 3, 2)
    insert(
        con,
        "enrolments",
        [{"athlete_id": a, "program_id": "q", "start_date": start} for a in ("b1", "b2")],
    )
    sessions(
        con,
        [
            strength_set(a, f"{a}-{week}-{day}", start + timedelta(7 * week + day), ["glute_max"])
            for a in ("b1", "b2")
            for week in range(3)
            for day in (2, 5)
            for _ in range(2)
        ],
    )
    insert(con, "activities", [run("b1", last_day)])


def load_club(con: duckdb.DuckDBPyConnection) -> None:
    """d1: 2026-02-02 run TRIMP 100; 02-03 strength 4 sets RPE 8/6/8/6; 02-04 a 30-min run and a 60-min ride, no HR.

    e1: a TRIMP-50 run every day for 35 days from 2026-01-05, then TRIMP 200 for 7 days (02-09 .. 02-15).
    """
    athletes(con, "d1", "e1")
    insert(
        con,
        "activities",
        [
            run(
                "d1",
                date(2026, 2, 2),
                km=10,
                minutes=50,
                trimp=100.0,
                gap_s_per_km=290.0,
                ef=1.5,
                is_steady=True,
            ),
            run(
                "d1",
                date(2026, 2, 4),
                km=6,
                minutes=30,
                gap_s_per_km=310.0,
                ef=9.9,
                is_steady=False,
            ),
            run(
                "d1",
                date(2026, 2, 4),
                km=25,
                minutes=60,
                sport="cycling",
                is_running=False,
                name="ride",
            ),
        ]
        + [
            run("e1", date(2026, 1, 5) + timedelta(days=i), trimp=50.0 if i < 35 else 200.0)
            for i in range(42)
        ],
    )
    sessions(
        con,
        [
            strength_set("d1", "w1", date(2026, 2, 3), ["glute_max"], rpe=r)
            for r in (8.0, 6.0, 8.0, 6.0)
        ],
    )


def watch_rpe_club(con: duckdb.DuckDBPyConnection) -> None:
    """w1 in the week of 2026-02-09 (load_club's data ends 02-15), watch ratings in activity_dynamics:
    02-09 a 40-min run with TRIMP 90 and watch RPE 6; 02-10 a 30-min run, no HR, watch RPE 4.5;
    02-11 a 50-min run with TRIMP 100 and no watch row, and a strength session of 4 sets RPE 7;
    02-12 a 20-min run whose watch recorded running form but no RPE; 02-13 a 60-min ride, RPE 5.
    """
    athletes(con, "w1")
    activities = [
        run("w1", date(2026, 2, 9), minutes=40, trimp=90.0, activity_id="w1-a"),
        run("w1", date(2026, 2, 10), minutes=30, activity_id="w1-b"),
        run("w1", date(2026, 2, 11), minutes=50, trimp=100.0, activity_id="w1-c"),
        run("w1", date(2026, 2, 12), minutes=20, activity_id="w1-d"),
        run(
            "w1", date(2026, 2, 13), minutes=60, sport="cycling", is_running=False,
            activity_id="w1-e",
        ),
    ]  # fmt: skip
    insert(con, "activities", activities)
    insert(
        con,
        "activity_dynamics",
        [
            {"activity_id": "w1-a", "watch_rpe": 6.0, "watch_feel": 50.0},
            {"activity_id": "w1-b", "watch_rpe": 4.5},
            {"activity_id": "w1-d", "cadence_spm_median": 172.0, "watch_feel": 75.0},
            {"activity_id": "w1-e", "watch_rpe": 5.0},
        ],
    )
    sessions(con, [strength_set("w1", "w1-s", date(2026, 2, 11), ["glute_max"], rpe=7.0)] * 4)


def load_startup_club(con: duckdb.DuckDBPyConnection) -> None:
    """t1: a TRIMP-50 run every day for 28 days, 2026-01-19 (Monday) to 02-15 (Sunday).

    s1: TRIMP-100 runs on Sundays and Fridays from Sunday 2026-01-18 to Sunday 02-15 (day 29).
    """
    athletes(con, "t1", "s1")
    days = [date(2026, 1, 18) + timedelta(days=i) for i in range(29)]
    insert(
        con,
        "activities",
        [run("t1", day, trimp=50.0) for day in days[1:]]
        + [run("s1", day, trimp=100.0) for day in days if day.isoweekday() in (5, 7)],
    )


def pace_club(con: duckdb.DuckDBPyConnection) -> None:
    """p1 enrolled 2026-03-04 (program week 1 = week of 03-02); p2 not enrolled, GAP 360 - 2k in weeks k = 0..7 from 04-06."""
    athletes(con, "p1", "p2")
    insert(con, "programs", [{"program_id": "r", "name": "Any", "total_weeks": 12}])
    insert(
        con, "enrolments", [{"athlete_id": "p1", "program_id": "r", "start_date": date(2026, 3, 4)}]
    )
    gaps = {
        date(2026, 1, 12): 400.0,  # week before the 6-week window
        date(2026, 1, 20): 330.0,
        date(2026, 2, 10): 320.0,
        date(2026, 2, 24): 310.0,
        date(2026, 4, 14): 300.0,  # program week 7
        date(2026, 4, 15): 310.0,
        date(2026, 5, 19): 290.0,  # program week 12
        date(2026, 5, 26): 250.0,  # week 13: outside
    }
    rows = [
        run("p1", day, gap_s_per_km=gap, name=f"r{i}") for i, (day, gap) in enumerate(gaps.items())
    ]
    rows.append(
        run(
            "p1",
            date(2026, 4, 16),
            gap_s_per_km=100.0,
            duplicate_of=rows[4]["activity_id"],
            name="copy",
        )
    )
    rows.append(
        run(
            "p1",
            date(2026, 4, 17),
            gap_s_per_km=100.0,
            sport="cycling",
            is_running=False,
            name="ride",
        )
    )
    rows += [
        run("p2", date(2026, 4, 7) + timedelta(weeks=k), gap_s_per_km=360.0 - 2 * k)
        for k in range(8)
    ]
    insert(con, "activities", rows)


def ostrc_club(con: duckdb.DuckDBPyConnection) -> None:
    """Three weeks of OSTRC-O2 answers: 03-02 four respondents (3 any, 2 substantial), 03-09 two (1, 1), 03-16 three (0, 0)."""
    athletes(con, "o1", "o2", "o3", "o4")
    w1, w2, w3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)
    insert(
        con,
        "ostrc_responses",
        [
            ostrc("o1", w1, 0, 0, 0, 0),
            ostrc("o2", w1, 1, 0, 0, 1),
            ostrc("o3", w1, 1, 2, 1, 1),
            ostrc("o4", w1, 3, 4, 4, 3),
            ostrc("o1", w2, 0, 0, 0, 0),
            ostrc("o2", w2, 0, 0, 3, 0),
            ostrc("o1", w3, 0, 0, 0, 0),
            ostrc("o2", w3, 0, 0, 0, 0),
            ostrc("o3", w3, 0, 0, 0, 0),
        ],
    )


def _values(session: str, test: str, side: str, **measures: object) -> list[dict]:
    """assessment_results rows: a list of values = trials 1, 2, ...; a text = a level."""
    rows = []
    for measure, given in measures.items():
        for trial, value in enumerate(given if isinstance(given, list) else [given], start=1):
            number = not isinstance(value, str)
            rows.append(
                {
                    "session_id": session,
                    "test": test,
                    "measure": measure,
                    "side": side,
                    "trial": trial,
                    "value_num": float(value) if number else None,
                    "value_level": None if number else value,
                }
            )
    return rows


def _hhd(session: str, side: str, force: list[float], mode: str = "break") -> list[dict]:
    return _values(
        session,
        "hip_abduction_hhd",
        side,
        force_n=force,
        lever_arm_m=0.8,
        mode=mode,
        position="side_lying",
    )


def assessment_club(con: duckdb.DuckDBPyConnection) -> None:
    """Assessments (docs/ASSESSMENTS.md), data to 2026-03-16 (a run of t1), re-test after 8 weeks.

    t1 (M, born 1996; 64 kg): A1 2026-01-05 by Sam: hip abduction (break) left force 190, 200, 195,
    198 N, right 112 N, lever 0.8 m; single hop left 150 / right 170 cm; Y-balance left anterior 58,
    60, posteromedial 100, posterolateral 95, leg 85 cm; single-leg squat left overall good, right
    poor, left FPPA 10, 12, 14 deg. A2 2026-03-02 by Jo: left 212, 205 N, right 106 N; squat right
    overall fair.
    t2 (no sex or birth year; 50 kg): C1 2026-01-05 (club/assessments.csv): make test, left 200 N.
    B1 2026-03-09 (app): left 250 N, superseded by B2 (same day): left 208 N.
    t3: D1 2026-01-05 (csv): side bridge 60 s each side; E1 2026-03-09 (app, no results) names t1's
    A1 as the session it corrects, which a correction of another athlete cannot do. t4: never
    assessed.
    """
    insert(
        con,
        "athletes",
        [
            {"athlete_id": "t1", "display_name": "Tom", "sex": "M", "birth_year": 1996},
            {"athlete_id": "t2", "display_name": "Tess"},
            {"athlete_id": "t3", "display_name": "Tia"},
            {"athlete_id": "t4", "display_name": "Ted"},
        ],
    )
    insert(con, "activities", [run("t1", date(2026, 3, 16))])

    def session(session_id: str, athlete: str, day: date, assessor: str, mass: float, **extra):
        return {
            "session_id": session_id,
            "athlete_id": athlete,
            "assessed_on": day,
            "assessor": assessor,
            "body_mass_kg": mass,
            **extra,
        }

    app = {"source": "app", "entered_at": datetime(2026, 3, 9, 18, tzinfo=UTC)}
    insert(
        con,
        "assessment_sessions",
        [
            session("A1", "t1", date(2026, 1, 5), "Sam", 64.0, **app),
            session("A2", "t1", date(2026, 3, 2), "Jo", 64.0, **app),
            session("B1", "t2", date(2026, 3, 9), "Sam", 50.0, **app),
            session("B2", "t2", date(2026, 3, 9), "Sam", 50.0, supersedes="B1", **app),
            session("E1", "t3", date(2026, 3, 9), "Sam", 70.0, supersedes="A1", **app),
        ],
    )
    squat = {m: "good" for m in ("trunk", "pelvis", "hip", "knee")}
    insert(
        con,
        "assessment_results",
        [
            *_hhd("A1", "left", [190, 200, 195, 198]),
            *_hhd("A1", "right", [112]),
            *_values("A1", "single_hop", "left", distance_cm=[150]),
            *_values("A1", "single_hop", "right", distance_cm=[170]),
            *_values(
                "A1",
                "y_balance",
                "left",
                anterior_cm=[58, 60],
                posteromedial_cm=[100],
                posterolateral_cm=[95],
                leg_length_cm=85,
            ),
            *_values(
                "A1", "single_leg_squat", "left", overall="good", fppa_deg=[10, 12, 14], **squat
            ),
            *_values("A1", "single_leg_squat", "right", overall="poor", **squat),
            *_hhd("A2", "left", [212, 205]),
            *_hhd("A2", "right", [106]),
            *_values("A2", "single_leg_squat", "right", overall="fair", **squat),
            *_values("B1", "hip_abduction_hhd", "left", force_n=[250]),
            *_hhd("B2", "left", [208], mode="make"),
        ],
    )
    csv = {"source": "csv"}
    insert(
        con,
        "assessment_csv_sessions",
        [
            session("C1", "t2", date(2026, 1, 5), "Sam", 50.0, **csv),
            session("D1", "t3", date(2026, 1, 5), "Sam", 70.0, **csv),
        ],
    )
    insert(
        con,
        "assessment_csv_results",
        [
            *_hhd("C1", "left", [200], mode="make"),
            *_values("D1", "side_bridge", "left", hold_s=60),
            *_values("D1", "side_bridge", "right", hold_s=60),
        ],
    )


def data_health(con: duckdb.DuckDBPyConnection) -> None:
    """One ingested and one rejected file, a row error, an unmapped exercise and a check outcome."""
    from datetime import UTC, datetime

    now = datetime(2026, 3, 1, tzinfo=UTC)
    insert(
        con,
        "files",
        [
            {
                "sha256": "a" * 64,
                "athlete_id": "h1",
                "original_name": "run.fit",
                "kind": "activity",
                "received_at": now,
                "status": "ingested",
                "items": 1,
            },
            {
                "sha256": "b" * 64,
                "athlete_id": "h1",
                "original_name": "bad.gpx",
                "kind": "activity",
                "received_at": now,
                "status": "rejected",
                "items": 0,
                "error": "not XML",
                "hint": "export the run again",
            },
        ],
    )
    insert(
        con,
        "ingest_errors",
        [
            {
                "sha256": "b" * 64,
                "file_name": "bad.gpx",
                "athlete_id": "h1",
                "reason": "not XML",
                "hint": "export the run again",
                "recorded_at": now,
            }
        ],
    )
    insert(
        con,
        "check_results",
        [
            {
                "check_name": "activities_keys",
                "asset": "activities",
                "severity": "ERROR",
                "passed": True,
                "offending_rows": 0,
                "description": "unique activity ids",
                "checked_at": now,
            }
        ],
    )


def app_entries_club(con: duckdb.DuckDBPyConnection) -> None:
    """App entries (tests/transform/test_app_entries.py works each number out).

    f1 answers the week of 2026-03-02 in the app on Sunday 8 March (knee: full participation but
    with problems, 8 + 0 + 8 + 8 = 24), corrects it on Thursday 12 March (after the Wednesday
    deadline: reduced participation, moderate, minor, moderate pain, 17 + 17 + 8 + 17 = 59), and
    answers 2026-03-09 on 15 March (knee 8 + 0 + 17 + 8 = 33).
    f2 reports a left knee problem from 4 March (cannot run), which the coach classifies as an
    injury: 3 days without running, resolved 14 March.
    """
    from datetime import UTC, datetime

    from pipelines.parsers.club.ostrc_instrument import instrument_frame
    from pipelines.warehouse import append_rows

    athletes(con, "f1", "f2")
    append_rows(con, "ostrc_instrument", instrument_frame())
    insert(
        con,
        "ostrc_areas",
        [
            {"area": "knee", "label": "Knee", "lower_limb": True},
            {"area": "lower_back", "label": "Lower back", "lower_limb": False},
        ],
    )

    def answer(entry: str, week: date, at: datetime, area: str, scores: tuple, **extra) -> dict:
        severity = sum(scores)
        return {
            "entry_id": entry,
            "athlete_id": "f1",
            "week_start": week,
            "area": area,
            "instrument_version": "2.0",
            **{f"q{i + 1}_score": s for i, s in enumerate(scores)},
            "severity": severity,
            "problem": scores[0] > 0,
            "substantial_problem": scores[0] == 25 or scores[1] >= 17 or scores[2] >= 17,
            "entered_at": at,
            "entered_by": "f1",
            "entered_role": "member",
            **extra,
        }

    w1, w2 = date(2026, 3, 2), date(2026, 3, 9)
    first = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)
    correction = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    second_week = datetime(2026, 3, 15, 19, 0, tzinfo=UTC)
    insert(
        con,
        "checkin_answers",
        [
            answer("A", w1, first, "knee", (8, 0, 8, 8)),
            answer("A", w1, first, "lower_back", (0, 0, 0, 0)),
            answer("B", w1, correction, "knee", (17, 17, 8, 17), supersedes="A"),
            answer("B", w1, correction, "lower_back", (0, 0, 0, 0), supersedes="A"),
            answer("C", w2, second_week, "knee", (8, 0, 17, 8)),
            answer("C", w2, second_week, "lower_back", (0, 0, 0, 0)),
        ],
    )
    insert(
        con,
        "injury_reports",
        [
            {
                "report_id": "R",
                "athlete_id": "f2",
                "onset_date": date(2026, 3, 4),
                "area": "knee",
                "side": "left",
                "onset": "gradual",
                "description": "Knee pain on descents",
                "can_run": False,
                "entered_at": datetime(2026, 3, 5, 7, 0, tzinfo=UTC),
                "entered_by": "f2",
                "entered_role": "member",
            }
        ],
    )
    insert(
        con,
        "problem_classifications",
        [
            {
                "classification_id": "K",
                "problem_id": "report:R",
                "athlete_id": "f2",
                "problem_type": "injury",
                "diagnosis": "Patellofemoral pain",
                "time_loss_days": 3,
                "consulted_professional": False,
                "recurrence": "new",
                "resolved_date": date(2026, 3, 14),
                "entered_at": datetime(2026, 3, 14, 10, 0, tzinfo=UTC),
                "entered_by": "coach",
                "entered_role": "coach",
            }
        ],
    )


def assessment_change_club(con: duckdb.DuckDBPyConnection) -> None:
    """adherence_club, with data to 2026-03-16 and app assessment sessions (lever arm 0.8 m).

    a1 (enrolled 2026-01-07; 60 kg): 2026-01-05, best force left 156 / right 144 N, squat overall
    good + poor; 2026-03-02, 165 / 159 N, good + good.
    a2 (enrolled 2026-01-05; 50 kg): 2026-01-05, 02-02 and 03-16, force 93.75, 97.5 and 105 N both
    sides; squat poor + poor, good + poor, good + good.
    a3 (not enrolled; 60 kg): 2026-01-05 and 03-02, force 120 then 132 N both sides.
    """
    adherence_club(con)
    insert(con, "activities", [run("a1", date(2026, 3, 16))])
    visits = [
        ("a1", date(2026, 1, 5), 60.0, ([150.0, 156.0], [144.0]), ("good", "poor")),
        ("a1", date(2026, 3, 2), 60.0, ([165.0], [159.0]), ("good", "good")),
        ("a2", date(2026, 1, 5), 50.0, ([93.75], [93.75]), ("poor", "poor")),
        ("a2", date(2026, 2, 2), 50.0, ([97.5], [97.5]), ("good", "poor")),
        ("a2", date(2026, 3, 16), 50.0, ([105.0], [105.0]), ("good", "good")),
        ("a3", date(2026, 1, 5), 60.0, ([120.0], [120.0]), ()),
        ("a3", date(2026, 3, 2), 60.0, ([132.0], [132.0]), ()),
    ]
    entered = datetime(2026, 3, 16, 18, tzinfo=UTC)
    insert(
        con,
        "assessment_sessions",
        [
            {
                "session_id": f"{athlete}-{day}",
                "athlete_id": athlete,
                "assessed_on": day,
                "assessor": "Sam",
                "body_mass_kg": mass,
                "source": "app",
                "entered_at": entered,
            }
            for athlete, day, mass, _, _ in visits
        ],
    )
    results = []
    for athlete, day, _, forces, squat in visits:
        for side, force, rating in zip(
            ("left", "right"), forces, squat or (None, None), strict=True
        ):
            results += _hhd(f"{athlete}-{day}", side, force)
            if rating:
                results += _values(f"{athlete}-{day}", "single_leg_squat", side, overall=rating)
    insert(con, "assessment_results", results)


FR965, FR55 = "garmin fr965", "garmin fr55"


def form_run(
    athlete: str, day: date, pace: float, cadence: float, gct: float, balance: float | None,
    vo: float, device: str = FR965,
) -> tuple[dict, dict]:  # fmt: skip
    """A canonical run at `pace` s/km and its running dynamics (the run's medians)."""
    activity = run(athlete, day, pace_s_per_km=pace)
    dynamics = {
        "activity_id": activity["activity_id"],
        "cadence_spm_median": cadence,
        "gct_ms_median": gct,
        "gct_balance_left_pct_median": balance,
        "vo_mm_median": vo,
        "device": device,
    }
    return activity, dynamics


def form_club(con: duckdb.DuckDBPyConnection) -> None:
    """rf1 enrolled from Monday 2026-03-02: baseline = the 8 weeks from 2026-01-05 to 02-23.

    Baseline runs: 300, 310, 320 s/km and a 240 s/km tempo run: baseline pace = median 305 s/km,
    easy = 275-335 s/km, so the tempo run is left out. Program weeks 03-02 to 03-23 lean left
    (51.8, 52.0, 51.6, 51.9 % left), week 03-30 is back within 1.5 points (51.2), and in week 04-06
    a wrist-only watch (no balance) replaces the chest-strap setup: a device change.
    rf2 (not enrolled, baseline = its first 8 weeks) leans right 3 weeks, left 1, right 1: never 4
    weeks in a row on one side. rf3 runs with a wrist-only watch: no balance, never asymmetric.
    """
    athletes(con, "rf1", "rf2", "rf3")
    insert(con, "programs", [{"program_id": "form", "name": "Glute", "total_weeks": 12}])
    insert(
        con,
        "program_phases",
        [
            {
                "program_id": "form",
                "phase_index": 0,
                "phase_name": "activation",
                "first_week": 1,
                "last_week": 12,
                "sessions_per_week": 2,
                "required_categories": ["glute_med_min"],
            }
        ],
    )
    insert(con, "enrolments", [{"athlete_id": "rf1", "program_id": "form", "start_date": date(2026, 3, 4)}])  # fmt: skip
    runs = [
        # rf1 baseline weeks
        form_run("rf1", date(2026, 1, 7), 300, 170, 250, 50.0, 80),
        form_run("rf1", date(2026, 1, 14), 310, 172, 246, 50.4, 82),
        form_run("rf1", date(2026, 1, 16), 240, 186, 220, 51.0, 90),  # tempo: not easy
        form_run("rf1", date(2026, 2, 25), 320, 168, 254, 49.6, 78),
        # rf1 program weeks
        form_run("rf1", date(2026, 3, 4), 300, 171, 248, 51.8, 80),
        form_run("rf1", date(2026, 3, 10), 305, 171, 248, 52.2, 80),
        form_run("rf1", date(2026, 3, 12), 310, 175, 244, 51.8, 79),
        form_run("rf1", date(2026, 3, 18), 300, 174, 245, 51.6, 79),
        form_run("rf1", date(2026, 3, 25), 300, 174, 245, 51.9, 79),
        form_run("rf1", date(2026, 4, 1), 300, 175, 244, 51.2, 78),
        form_run("rf1", date(2026, 4, 8), 300, 176, 262, None, 85, device=FR55),
        # rf2: right, right, right, left, right (48.0 / 48.2 / 47.9 / 52.0 / 48.1 % left)
        *[
            form_run("rf2", date(2026, 1, 7) + timedelta(weeks=week), 330, 165, 260, balance, 90)
            for week, balance in enumerate([48.0, 48.2, 47.9, 52.0, 48.1])
        ],
        # rf3: wrist only
        *[
            form_run(
                "rf3",
                date(2026, 1, 7) + timedelta(weeks=week),
                360,
                160,
                270,
                None,
                95,
                device=FR55,
            )
            for week in range(5)
        ],
    ]
    insert(con, "activities", [activity for activity, _ in runs])
    insert(con, "activity_dynamics", [dynamics for _, dynamics in runs])


STRENGTH_MONDAY = date(2026, 1, 5)
STRENGTH_CATALOG = [
    ("hip_thrust", "Hip thrust", ["glute_max"], "load"),
    ("clamshell", "Clamshell", ["glute_med_min"], "reps"),
    ("side_plank", "Side plank", ["core_mobility"], "hold"),
]


def strength_lift(session: str, day: int, exercise: str, reps: float | None, **extra) -> dict:
    """One set of athlete sp1 in a session `day` days after STRENGTH_MONDAY (sessions start at 18:00)."""
    on = STRENGTH_MONDAY + timedelta(days=day)
    categories = next(c for e, _, c, _ in STRENGTH_CATALOG if e == exercise)
    return strength_set(
        "sp1",
        session,
        on,
        categories,
        exercise_id=exercise,
        exercise_logged=exercise,
        session_start_utc=datetime.combine(on, time(18), UTC),
        reps=reps,
        **extra,
    )


def strength_club(con: duckdb.DuckDBPyConnection) -> None:
    """p1, enrolled from STRENGTH_MONDAY on a one-phase program prescribing 8-10 reps, lifts for three weeks.

    Hip thrust (load): h1 60x10 x3 at RPE 7, 8, 8 after a 40x12 warm-up; h2-h5 70x8; h6 60x8; h7 a
    100x12 set (RPE 9, too many reps for an estimate) and 72x8.
    Clamshell (reps x band level; none 1, yellow 2, red 3): c1 15 and 15 without a band; c2 12 yellow
    and 10 red; c3 15 red twice at RPE 9. Side plank (hold): k1 30 s and 45 s; k2 42 s (not below 0.9 x 45 = 40.5).
    """
    athletes(con, "sp1")
    insert(
        con,
        "exercise_catalog",
        [
            {"exercise_id": e, "name": n, "categories": c, "progress": p, "laterality": "bilateral"}
            for e, n, c, p in STRENGTH_CATALOG
        ],
    )
    insert(con, "programs", [{"program_id": "strength_p", "name": "Glute", "total_weeks": 4}])
    insert(
        con,
        "program_phases",
        [
            {
                "program_id": "strength_p",
                "phase_index": 1,
                "phase_name": "strength",
                "first_week": 1,
                "last_week": 4,
                "sessions_per_week": 2,
                "required_categories": ["glute_max"],
                "rep_range_low": 8,
                "rep_range_high": 10,
            }
        ],
    )
    insert(
        con,
        "enrolments",
        [{"athlete_id": "sp1", "program_id": "strength_p", "start_date": STRENGTH_MONDAY}],
    )
    hip = (
        [strength_lift("h1", 0, "hip_thrust", 12, load_kg=40.0, set_type="warmup")]
        + [strength_lift("h1", 0, "hip_thrust", 10, load_kg=60.0, rpe=r) for r in (7.0, 8.0, 8.0)]
        + [
            strength_lift(s, d, "hip_thrust", 8, load_kg=70.0, rpe=8.0)
            for s, d in (("h2", 3), ("h3", 7), ("h4", 10), ("h5", 14))
            for _ in range(3)
        ]
        + [strength_lift("h6", 17, "hip_thrust", 8, load_kg=60.0)]
        + [strength_lift("h7", 21, "hip_thrust", 12, load_kg=100.0, rpe=9.0)]
        + [strength_lift("h7", 21, "hip_thrust", 8, load_kg=72.0, rpe=8.0)]
    )
    clams = [
        strength_lift("h1", 0, "clamshell", 15, band_level=1.0),
        strength_lift("h1", 0, "clamshell", 15, band_level=1.0),
        strength_lift("h2", 3, "clamshell", 12, band="yellow", band_level=2.0),
        strength_lift("h2", 3, "clamshell", 10, band="red", band_level=3.0),
        strength_lift("h3", 7, "clamshell", 15, band="red", band_level=3.0, rpe=9.0),
        strength_lift("h3", 7, "clamshell", 15, band="red", band_level=3.0, rpe=9.0),
    ]
    planks = [
        strength_lift("h1", 0, "side_plank", None, duration_s=30.0),
        strength_lift("h1", 0, "side_plank", None, duration_s=45.0),
        strength_lift("h2", 3, "side_plank", None, duration_s=42.0),
    ]
    sessions(con, hip + clams + planks)
