"""The demo's FIT runs parse, through the project's parser, to the running form truth.json plants:
cadence at each run's speed and date, a balance only where a chest strap was worn, the watch's RPE on
the runs it was entered; and the Strong and Hevy logs hold the warm-up sets truth.json counts.

Each expected value is computed here from truth.json's law and the file as an independent reader
(fitdecode) sees it, never by calling the generator."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import fitdecode
import numpy as np
import pytest

from pipelines.demo import generate_demo_club
from pipelines.parsers.activity.activity_file import parse_activity_file

ATHLETES, WEEKS, SEED = 10, 4, 7  # this club has a chest-strap member and two wrist-only ones
CADENCE_TOLERANCE_SPM = 1.0
BALANCE_TOLERANCE_POINTS = 0.3  # a run's median of ~1,000 records with 0.8-point noise


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    home = tmp_path_factory.mktemp("demo_form")
    generate_demo_club(home, athletes=ATHLETES, weeks=WEEKS, seed=SEED, workers=1, bad_files=False)
    return home, json.loads((home / "demo" / "truth.json").read_text())


def _records(data: bytes) -> tuple[list[float], bool, datetime]:
    """Record speeds (and each record's fractional cadence is checked to be there), whether any
    record holds a balance field, and the session's start."""
    speeds, balance, start = [], False, None
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record":
                speed = frame.get_value("enhanced_speed", fallback=None)
                speeds.append(speed if speed is not None else frame.get_value("speed"))
                balance = balance or frame.has_field("stance_time_balance")
                assert frame.get_value("fractional_cadence") is not None
            elif frame.name == "session":
                start = frame.get_value("start_time")
    return speeds, balance, start


def _planted_change(form: dict, day: date) -> float:
    """truth.json's cadence change on a day: linear from cadence_trend_start to cadence_trend_end."""
    if form["cadence_trend_start"] is None:
        return 0.0
    start = date.fromisoformat(form["cadence_trend_start"])
    end = date.fromisoformat(form["cadence_trend_end"])
    days = min(max((day - start).days, 0), (end - start).days)
    return form["planted_cadence_change_spm_per_12_weeks"] * days / 84


def _runs(home: Path, truth: dict):
    """(athlete, planted form, parsed activity, record speeds, balance field present, start)."""
    for athlete, planted in truth["athletes"].items():
        form = planted["running_form"]
        if form is None:
            continue
        for path in sorted((home / "inbox" / athlete).glob("*.fit*")):  # .fit and .fit.gz
            data = path.read_bytes()
            activity = parse_activity_file(path.name, data)[0]
            if activity.sport == "running":
                plain = gzip.decompress(data) if path.suffix == ".gz" else data
                yield athlete, form, activity, *_records(plain)


def test_the_club_has_watch_only_and_chest_strap_members(club) -> None:
    forms = [t["running_form"] for t in club[1]["athletes"].values() if t["running_form"]]
    assert {form["has_accessory"] for form in forms} == {True, False}
    assert all(
        (form["planted_gct_balance_left_pct"] is None) == (not form["has_accessory"])
        for form in forms
    )


def test_cadence_parses_to_the_planted_value_at_the_runs_speed(club) -> None:
    runs = 0
    for athlete, form, activity, speeds, _, start in _runs(*club):
        expected = (
            form["cadence_spm_at_reference_speed"]
            + form["cadence_spm_per_m_s"] * (np.median(speeds) - form["reference_speed_m_s"])
            + _planted_change(form, start.astimezone(UTC).date())
        )
        parsed = activity.dynamics["cadence_spm_median"]
        assert parsed == pytest.approx(expected, abs=CADENCE_TOLERANCE_SPM), (athlete, start)
        runs += 1
    assert runs > 20


def test_balance_only_where_a_chest_strap_was_worn(club) -> None:
    seen = set()
    for athlete, form, activity, _, balance_field, start in _runs(*club):
        planted = form["planted_gct_balance_left_pct"]
        if planted is None:
            assert not balance_field, f"{athlete} {start}: a wrist-only file holds a balance field"
            assert "gct_balance_left_pct_median" not in activity.dynamics
        else:
            assert balance_field
            assert activity.dynamics["gct_balance_left_pct_median"] == pytest.approx(
                planted, abs=BALANCE_TOLERANCE_POINTS
            )
        for name in ("gct_ms", "gct_pct", "vo_mm", "vertical_ratio_pct", "step_length_mm"):
            assert activity.dynamics[f"{name}_median"] > 0
        seen.add(planted is None)
    assert seen == {True, False}


def test_watch_rpe_where_it_was_entered(club) -> None:
    rated = 0
    for athlete, form, activity, _, _, start in _runs(*club):
        key = start.astimezone(UTC).isoformat().replace("+00:00", "Z")
        planted = form["watch_rpe_runs"].get(key)
        assert activity.watch_rpe == planted, (athlete, key)
        assert (activity.watch_feel is None) == (planted is None)
        rated += planted is not None
    planted_total = sum(
        len(t["running_form"]["watch_rpe_runs"])
        for t in club[1]["athletes"].values()
        if t["running_form"]
    )
    assert rated == planted_total > 0


def _warmups(path: Path) -> int:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    if path.name == "strong.csv":
        return sum(row["Set Order"] == "W" for row in rows)
    return sum(row["set_type"] == "warmup" for row in rows)


def test_app_logs_hold_the_planted_warmup_sets(club) -> None:
    home, truth = club
    logged = 0
    for athlete, planted in truth["athletes"].items():
        if planted["strength_channel"] not in ("strong", "hevy"):
            continue
        name = "strong.csv" if planted["strength_channel"] == "strong" else "workouts.csv"
        count = _warmups(home / "inbox" / athlete / name)
        assert count == planted["strength"]["warmup_sets_logged"], athlete
        logged += count
    assert logged > 0
    for sheet in (home / "club" / "strength").glob("*.csv"):
        assert "warm" not in sheet.read_text(encoding="utf-8").lower()
