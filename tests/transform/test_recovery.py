"""The models recover what the demo generator planted (demo/truth.json) from files members would send.

truth.json holds "irr_high_vs_low" (the planted running-related injury hazard ratio of the high vs
the low adherence band, lagged 4 weeks), per athlete, "pace_trend_direction" over the last 12 weeks, and
under "assessments" the planted change per 12 weeks in hip abduction torque and in the single-leg squat
good share, averaged over each adherence band's re-tested members (pipelines/demo/assessments.py).
Per athlete, "running_form" holds the planted cadence change per 12 weeks (at a fixed speed) between
cadence_trend_start and cadence_trend_end, and "strength" the planted weekly gain in estimated 1RM of
the main loaded exercises between strength_trend_start and strength_trend_end.
Seeds: DEMO_SEED and 3 are those the tests use elsewhere; 23 was never looked at while the demo's
assessments were built. The adjusted rate ratio needs cases in both bands, more than the small demo
club has: it is checked on clubs of the demo's default size (40 athletes, 52 weeks, small GPX files),
seeds DEMO_SEED, 3 and 29 (29 was not looked at while the adjusted analysis was built). Each such
club costs 100 s or more on two cores, so `make test` builds seed 29 only and the long run
(`STRONGSTRIDE_ALL_SEEDS=1 make test`) all three.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest

from pipelines.demo.generate import generate_demo_club
from pipelines.settings import load_settings
from tests.conftest import DEMO_SEED, build_demo_club, run_ingest

pytestmark = pytest.mark.slow

DIRECTION_AGREEMENT = 0.90
# A run's median cadence carries no day-to-day noise beyond its speed, so a regression on date and
# speed over 12 weeks of runs lands within a fraction of a step per minute of the planted change.
CADENCE_TOLERANCE_SPM_PER_12_WEEKS = 0.75
# Session-best Epley 1RM is noisy through the apps' load rounding alone: uniform over the coarsest
# step (barbell 2.5 kg, dumbbell 2.5 lb) times Epley's factor at 10 reps, sd = step x 4/3 / sqrt 12.
# The recovered slope must lie within 3 of the standard errors that noise gives.
ROUNDING_STEP_KG = {"Hip Thrust (Barbell)": 2.5, "Romanian Deadlift (Dumbbell)": 2.5 * 0.45359237}
STRENGTH_SESSIONS_AT_LEAST = 6
FULL_CLUB_ATHLETES, FULL_CLUB_WEEKS = 40, 52
FULL_CLUB_SEEDS = [DEMO_SEED, 3, 29] if os.environ.get("STRONGSTRIDE_ALL_SEEDS") == "1" else [29]


@pytest.fixture(scope="module", params=[DEMO_SEED, 3, 23], ids=lambda seed: f"seed{seed}")
def demo(
    request: pytest.FixtureRequest, demo_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict]]:
    """A demo club's warehouse (read-only) and what its generator planted, for several seeds."""
    seed = request.param
    home = demo_home if seed == DEMO_SEED else build_demo_club(tmp_path_factory.mktemp("c"), seed)
    truth = json.loads((home / "demo" / "truth.json").read_text())
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield con, truth
    con.close()


def test_planted_rate_ratio_falls_inside_the_reported_ci(demo: tuple) -> None:
    con, truth = demo
    rows = con.sql(
        "select irr, irr_ci_low, irr_ci_high, cases, hours from mart_injury_incidence "
        "where case_definition = 'running_related_injury' and comparison = 'adherence_band' "
        "and group_label = 'high'"
    ).fetchall()
    assert len(rows) == 1
    irr, low, high, cases, hours = rows[0]
    planted = truth["irr_high_vs_low"]
    assert low is not None and high is not None, f"IRR not estimable: {rows[0]}"
    assert low <= planted <= high, (
        f"planted IRR {planted} outside reported {irr} ({low:.2f}-{high:.2f}); "
        f"high band: {cases} cases in {hours:.0f} h"
    )


@pytest.fixture(scope="module", params=FULL_CLUB_SEEDS, ids=lambda seed: f"full{seed}")
def full_club(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict]]:
    """A demo club of the generator's default size, ingested by the real pipeline (read-only)."""
    home = tmp_path_factory.mktemp("full")
    generate_demo_club(
        home,
        athletes=FULL_CLUB_ATHLETES,
        weeks=FULL_CLUB_WEEKS,
        seed=request.param,
        streams=False,
        bad_files=False,
    )
    outcome = run_ingest(load_settings(home))
    assert outcome.success, outcome.blocked_reason
    truth = json.loads((home / "demo" / "truth.json").read_text())
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield con, truth
    con.close()


def test_planted_rate_ratio_falls_inside_the_adjusted_ci(full_club: tuple) -> None:
    con, truth = full_club
    rows = con.sql(
        "select irr, ci_low, ci_high, cases, athletes, not_estimable from mart_injury_adjusted "
        "where case_definition = 'running_related_injury' and group_label = 'high'"
    ).fetchall()
    assert len(rows) == 1
    irr, low, high, cases, athletes, reason = rows[0]
    planted = truth["irr_high_vs_low"]
    assert reason is None, reason
    assert low <= planted <= high, (
        f"planted IRR {planted} outside the adjusted {irr:.2f} ({low:.2f}-{high:.2f}); "
        f"{cases} cases, {athletes} athletes"
    )


def test_pace_directions_agree_with_the_planted_trends(demo: tuple) -> None:
    con, truth = demo
    reported = dict(
        con.sql(
            "select athlete_id, direction from mart_pace_trends where trend_window = 'last_12_weeks'"
        ).fetchall()
    )
    planted = {a: t["pace_trend_direction"] for a, t in truth["athletes"].items()}
    labelled = {a: d for a, d in reported.items() if d in ("improving", "slower")}
    assert labelled, "no athlete was labelled improving or slower"
    agree = sum(planted[athlete] == direction for athlete, direction in labelled.items())
    assert agree / len(labelled) >= DIRECTION_AGREEMENT, (
        f"{agree} of {len(labelled)} improving/slower labels match what was planted; "
        f"mismatches (reported, planted): "
        f"{ {a: (d, planted[a]) for a, d in labelled.items() if planted[a] != d} }"
    )


def test_planted_assessment_change_per_band_falls_inside_the_reported_ci(demo: tuple) -> None:
    con, truth = demo
    planted = truth["assessments"]["planted_change_per_12_weeks_by_band"]
    rows = con.sql(
        "select measure, adherence_band, athletes, mean_change_per_12_weeks, ci_low, ci_high "
        "from mart_assessment_change_by_band where ci_low is not null"
    ).fetchall()
    checked = {measure: 0 for measure in planted}
    for measure, band, athletes, mean, low, high in rows:
        assert band in planted[measure], (
            f"{measure}: {athletes} athletes in band {band!r}, none planted"
        )
        value = planted[measure][band]
        assert low <= value <= high, (
            f"{measure}, {band} band: planted {value} outside the reported {mean:.3f} "
            f"({low:.3f} to {high:.3f}) over {athletes} athletes"
        )
        checked[measure] += 1
    assert all(checked.values()), f"no band with a CI to check: {checked}"


def test_planted_cadence_trends_are_recovered_from_the_runs(demo: tuple) -> None:
    """Per member with a running-dynamics watch on the program: runs' median cadence regressed on
    days and average speed over the planted rise gives the planted change per 12 weeks."""
    con, truth = demo
    checked = 0
    for athlete, planted in truth["athletes"].items():
        form = planted["running_form"]
        if form is None or form["cadence_trend_start"] is None:
            continue
        rows = con.execute(
            "select date_diff('day', cast(? as date), a.local_date), a.distance_m / a.moving_s, "
            "d.cadence_spm_median from activity_dynamics d join activities a using (activity_id) "
            "where a.athlete_id = ? and a.is_running and a.local_date >= cast(? as date) "
            "and a.local_date < cast(? as date)",
            [
                form["cadence_trend_start"],
                athlete,
                *(form[f"cadence_trend_{e}"] for e in ("start", "end")),
            ],
        ).fetchall()
        days, speed, cadence = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
        design = np.column_stack([np.ones_like(days), days, speed])
        per_day = np.linalg.lstsq(design, cadence, rcond=None)[0][1]
        assert per_day * 84 == pytest.approx(
            form["planted_cadence_change_spm_per_12_weeks"], abs=CADENCE_TOLERANCE_SPM_PER_12_WEEKS
        ), f"{athlete}: {len(rows)} runs"
        checked += 1
    assert checked >= 2


def _session_best_e1rm(con: duckdb.DuckDBPyConnection, athlete: str, exercise: str, trend: dict):
    """(weeks since the trend start, best Epley 1RM) of each session's working sets of 1-10 reps."""
    rows = con.execute(
        "select date_diff('day', cast(? as date), local_date) / 7.0, "
        "max(load_kg * (1 + reps / 30.0)) from stg_strength_sets "
        "where athlete_id = ? and exercise_logged = ? and reps between 1 and 10 and load_kg > 0 "
        "and local_date >= cast(? as date) and local_date < cast(? as date) "
        "group by session_id, local_date",
        [
            trend["strength_trend_start"],
            athlete,
            exercise,
            trend["strength_trend_start"],
            trend["strength_trend_end"],
        ],
    ).fetchall()
    return [np.array(column, dtype=float) for column in zip(*rows, strict=True)] if rows else []


def test_planted_strength_trends_are_recovered_from_the_working_sets(demo: tuple) -> None:
    """Per member on the program: the weekly slope of session-best Epley 1RM (working sets only)
    matches the planted gain in kg per week within 3 standard errors of the rounding noise."""
    con, truth = demo
    checked = 0
    for athlete, planted in truth["athletes"].items():
        trend = planted["strength"]
        if trend is None or trend["strength_trend_start"] is None:
            continue
        for exercise, law in trend["planted_e1rm"].items():
            found = _session_best_e1rm(con, athlete, exercise, trend)
            if not found or len(found[0]) < STRENGTH_SESSIONS_AT_LEAST:
                continue
            weeks, e1rm = found
            slope = np.polyfit(weeks, e1rm, 1)[0]
            noise_sd = ROUNDING_STEP_KG[exercise] * (1 + 10 / 30) / np.sqrt(12)
            standard_error = noise_sd / np.sqrt(((weeks - weeks.mean()) ** 2).sum())
            assert slope == pytest.approx(law["gain_kg_per_week"], abs=3 * standard_error), (
                f"{athlete} {exercise}: {len(weeks)} sessions, slope {slope:.3f} kg/week"
            )
            checked += 1
    assert checked >= 4


def test_warmup_sets_are_loaded_but_never_counted(demo: tuple) -> None:
    con, truth = demo
    planted = sum(
        t["strength"]["warmup_sets_logged"] for t in truth["athletes"].values() if t["strength"]
    )
    assert planted > 0
    assert con.sql("select count(*) from strength_sets where set_type = 'warmup'").fetchall() == [
        (planted,)
    ]
    assert con.sql(
        "select count(*) from stg_strength_sets where set_type = 'warmup'"
    ).fetchall() == [(0,)]


def test_the_coachs_asymmetry_list_is_the_planted_one(demo: tuple) -> None:
    """mart_form_asymmetry lists exactly the chest-strap members planted with a persistent balance
    asymmetry (1.8-2.6 points from 50%), on the planted side; symmetric (within 0.5 points) and
    wrist-only members never."""
    con, truth = demo
    planted = {
        athlete: "left" if form["planted_gct_balance_left_pct"] > 50 else "right"
        for athlete, attributes in truth["athletes"].items()
        if (form := attributes["running_form"]) and form["persistent_balance_asymmetry"]
    }
    listed = dict(con.sql("select distinct athlete_id, side from mart_form_asymmetry").fetchall())
    assert listed == planted
    if truth["seed"] == DEMO_SEED:  # the others plant none: there the check is for false alarms
        assert len(planted) == 2


def test_the_strength_mart_gives_the_working_sets_own_estimated_1rm(demo: tuple) -> None:
    """mart_strength_progress, the figure the member's chart draws, holds per session exactly the
    Epley 1RM the recovery above computes from the working sets, so it carries the planted trend."""
    con, truth = demo
    checked = 0
    for athlete, planted in truth["athletes"].items():
        trend = planted["strength"]
        if trend is None or trend["strength_trend_start"] is None:
            continue
        for exercise in trend["planted_e1rm"]:
            found = _session_best_e1rm(con, athlete, exercise, trend)
            if not found:
                continue
            rows = con.execute(
                "select date_diff('day', cast(? as date), local_date) / 7.0, best_e1rm_kg "
                "from mart_strength_progress where athlete_id = ? and exercise_id = ("
                "  select any_value(exercise_id) from stg_strength_sets "
                "  where athlete_id = ? and exercise_logged = ?) "
                "and local_date >= cast(? as date) and local_date < cast(? as date) "
                "order by local_date",
                [
                    trend["strength_trend_start"],
                    athlete,
                    athlete,
                    exercise,
                    trend["strength_trend_start"],
                    trend["strength_trend_end"],
                ],
            ).fetchall()
            weeks, e1rm = found
            order = np.argsort(weeks, kind="stable")
            assert [r[0] for r in rows] == pytest.approx(weeks[order].tolist())
            assert [r[1] for r in rows] == pytest.approx(e1rm[order].tolist(), abs=1e-9)
            checked += 1
    assert checked >= 4
