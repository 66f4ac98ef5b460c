"""The demo club's assessment sessions: the coach's documents in club/records/, valid against the shipped
catalogue, at enrolment and every 8-12 weeks, with the planted change recorded in truth.json."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from pipelines.demo import DemoSummary, generate_demo_club
from pipelines.demo.app_entries import area_codes
from pipelines.parsers.forms.entries import ASSESSMENT, finished, read_form
from pipelines.settings import Thresholds

ATHLETES, WEEKS, SEED = 30, 40, 13
NAME = re.compile(r"^assessment_session-\d{8}T\d{6}Z-[0-9a-f]{8}\.json$")


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary, dict]:
    home = tmp_path_factory.mktemp("demo_assessments")
    summary = generate_demo_club(
        home, athletes=ATHLETES, weeks=WEEKS, seed=SEED, streams=False, workers=1
    )
    return home, summary, json.loads((home / "demo" / "truth.json").read_text())


@pytest.fixture(scope="module")
def files(club) -> list[bytes]:
    paths = sorted((club[0] / "club" / "records").glob("*"))
    assert all(NAME.match(p.name) for p in paths), [p.name for p in paths]
    return [p.read_bytes() for p in paths]


@pytest.fixture(scope="module")
def documents(files) -> list[dict]:
    return [json.loads(data) for data in files]


@pytest.fixture(scope="module")
def enrolled(club) -> dict[str, date]:
    with open(club[0] / "club" / "enrolments.csv", newline="", encoding="utf-8") as fh:
        return {
            row["athlete_id"]: date.fromisoformat(row["start_date"]) for row in csv.DictReader(fh)
        }


def test_every_session_is_the_coachs_and_parses_against_the_catalogue(club, files) -> None:
    """Parsed as the pipeline parses club/records/ (the shipped catalogue checks every value)."""
    roster = set(club[2]["athletes"])
    assert len(files) == club[1].assessment_sessions == club[2]["assessments"]["sessions"]
    for data in files:
        document = json.loads(data)
        assert (document["entered_by"], document["entered_role"]) == ("coach", "coach")
        areas = set(area_codes())
        form = finished(
            read_form(data, None, roster, areas, Thresholds().max_form_kb * 1024), areas
        )
        assert form.form == ASSESSMENT
        assert form.rows["athlete_id"].to_list() == [document["athlete_id"]]


def test_baseline_at_enrolment_then_every_8_to_12_weeks(club, documents, enrolled) -> None:
    sessions: dict[str, list[date]] = {}
    for document in documents:
        sessions.setdefault(document["athlete_id"], []).append(
            date.fromisoformat(document["assessed_on"])
        )
    assert set(sessions) <= set(enrolled), "only enrolled members are assessed"
    assert set(enrolled) - set(sessions), "some enrolled members have no baseline"
    assert any(len(days) == 1 for days in sessions.values()), "some are never re-tested"
    for athlete, days in sessions.items():
        days.sort()
        assert 0 <= (days[0] - enrolled[athlete]).days <= 3, athlete
        gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        assert all(56 <= gap <= 12 * 7 + 3 for gap in gaps), (athlete, gaps)
        assert days == [
            date.fromisoformat(d) for d in club[2]["athletes"][athlete]["assessment_sessions"]
        ]
    assert len({d["assessor"] for d in documents}) == 2


def test_planted_change_follows_adherence_and_is_averaged_per_band(club) -> None:
    truth = club[2]
    retested: dict[str, dict[str, list[float]]] = {"torque_nm_kg": {}, "good_share": {}}
    for athlete in truth["athletes"].values():
        adherence = athlete["planted_adherence"]
        planted = athlete["planted_assessment_change_per_12_weeks"]
        if adherence is None:
            assert planted == {}
            continue
        share = min(1.0, max(0.0, (adherence - 0.30) / 0.70))  # 0.30 -> low end, 1.0 -> high end
        assert planted["torque_nm_kg"] == pytest.approx(0.03 + 0.12 * share, abs=1e-4)
        assert planted["good_share"] == pytest.approx(0.02 + 0.10 * share, abs=1e-4)
        if len(athlete["assessment_sessions"]) > 1:
            for measure, gain in planted.items():
                retested[measure].setdefault(athlete["adherence_band"], []).append(gain)
    by_band = truth["assessments"]["planted_change_per_12_weeks_by_band"]
    for measure, bands in retested.items():
        assert set(by_band[measure]) == set(bands)
        for band, gains in bands.items():
            assert by_band[measure][band] == pytest.approx(float(np.mean(gains)), abs=1e-4)
    assert by_band["torque_nm_kg"]["high"] > by_band["torque_nm_kg"]["low"]
