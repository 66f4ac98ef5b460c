"""The demo club's app entries: the last weeks' OSTRC check-ins and a few injury reports arrive as the
app's documents in inbox/<athlete_id>/forms/, the earlier weeks stay in the coach's club files."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.demo import DemoSummary, generate_demo_club
from pipelines.demo.app_entries import APP_CHECKIN_WEEKS, area_codes
from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.parsers.forms.entries import CHECKIN, REPORT, finished, read_form
from pipelines.parsers.schemas import ParseError
from pipelines.settings import Thresholds

ATHLETES, WEEKS, SEED = 40, 7, 5
END = date(2026, 11, 23)
FIRST_APP_WEEK = END - timedelta(weeks=APP_CHECKIN_WEEKS)
GRACE_DAYS = Thresholds().checkin_grace_days
NAME = re.compile(r"^(ostrc_checkin|injury_report)-(\d{8}T\d{6}Z)-([0-9a-f]{8})\.json$")


def _generate(home: Path, seed: int = SEED) -> DemoSummary:
    return generate_demo_club(
        home, athletes=ATHLETES, weeks=WEEKS, seed=seed, streams=False, workers=1
    )


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    home = tmp_path_factory.mktemp("demo_app")
    return home, _generate(home)


@pytest.fixture(scope="module")
def entries(club) -> list[tuple[str, str, dict, object]]:
    """(athlete, file name, document, parsed form) of every app entry, parsed as the pipeline does."""
    home = club[0]
    with open(home / "club" / "roster.csv", newline="", encoding="utf-8") as fh:
        roster = {row["athlete_id"] for row in csv.DictReader(fh)}
    parsed = []
    for path in sorted((home / "inbox").glob("*/forms/*")):
        data = path.read_bytes()
        athlete = path.parent.parent.name
        areas = set(area_codes())
        form = finished(
            read_form(data, athlete, roster, areas, Thresholds().max_form_kb * 1024), areas
        )
        parsed.append((athlete, path.name, json.loads(data), form))
    return parsed


def _checkins(entries) -> list[tuple[str, str, dict, object]]:
    return [e for e in entries if e[2]["form"] == CHECKIN]


def test_checkins_only_in_the_last_weeks_and_the_csv_only_before(club, entries) -> None:
    home = club[0]
    checkins = _checkins(entries)
    assert checkins
    weeks = {date.fromisoformat(doc["week_start"]) for _, _, doc, _ in checkins}
    assert min(weeks) == FIRST_APP_WEEK and max(weeks) == END - timedelta(weeks=1)
    with open(home / "club" / "roster.csv", newline="", encoding="utf-8") as fh:
        roster = {row["athlete_id"] for row in csv.DictReader(fh)}
    ostrc, errors = parse_ostrc((home / "club" / "ostrc.csv").read_bytes(), roster)
    assert errors == [] and ostrc.height == club[1].ostrc_responses > 0
    assert ostrc["week_start"].max() == FIRST_APP_WEEK - timedelta(weeks=1)


def test_every_entry_parses_in_its_members_folder(club, entries) -> None:
    summary = club[1]
    assert len(entries) == summary.checkin_documents + summary.injury_reports
    for athlete, name, document, form in entries:
        assert form.form == document["form"] and form.rows["entered_by"].to_list()[0] == athlete
        kind, stamp, prefix = NAME.match(name).groups()
        entered_at = datetime.fromisoformat(document["entered_at"])
        assert entered_at.utcoffset() is not None
        assert kind == document["form"] and document["entry_id"].startswith(prefix)
        assert stamp == f"{entered_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    ids = [document["entry_id"] for _, _, document, _ in entries]
    assert len(set(ids)) == len(ids)


def test_checkins_answer_every_area_with_one_problem_area_at_most(entries) -> None:
    problems = 0
    for _, _, document, form in _checkins(entries):
        assert document["instrument_version"] == "2.0"
        assert list(document["answers"]) == list(area_codes())
        with_problem = [a for a in document["answers"].values() if a["q1"] != 0]
        assert len(with_problem) <= 1
        problems += len(with_problem)
        assert form.rows.height == len(area_codes())
    assert problems > 0, "some weeks have a problem"


def test_checkins_arrive_after_the_week_mostly_on_time_some_late(club, entries) -> None:
    late = on_sunday_or_monday = 0
    checkins = _checkins(entries)
    for _, _, document, _ in checkins:
        week_start = date.fromisoformat(document["week_start"])
        entered = datetime.fromisoformat(document["entered_at"]).date()  # the member's local day
        assert week_start + timedelta(days=6) <= entered <= END
        late += entered > week_start + timedelta(days=6 + GRACE_DAYS)
        on_sunday_or_monday += entered <= week_start + timedelta(days=7)
    assert 0 < late < len(checkins) / 4
    assert on_sunday_or_monday > len(checkins) / 2


def test_corrections_supersede_an_earlier_entry_of_the_same_week(entries) -> None:
    by_id = {document["entry_id"]: (athlete, document) for athlete, _, document, _ in entries}
    corrections = [(a, d) for a, _, d, _ in _checkins(entries) if d["supersedes"] is not None]
    assert 1 <= len(corrections) <= 6
    for athlete, document in corrections:
        first_athlete, first = by_id[document["supersedes"]]
        assert first_athlete == athlete and first["week_start"] == document["week_start"]
        assert first["supersedes"] is None
        assert datetime.fromisoformat(first["entered_at"]) < datetime.fromisoformat(
            document["entered_at"]
        )
        assert first["answers"] != document["answers"]


def test_most_members_answer_most_app_weeks_and_some_drift_off(club, entries) -> None:
    answered: dict[str, set[str]] = {}
    for athlete, _, document, _ in _checkins(entries):
        answered.setdefault(athlete, set()).add(document["week_start"])
    assert club[1].checkin_weeks == sum(len(weeks) for weeks in answered.values())
    assert len(answered) >= 0.8 * ATHLETES
    assert club[1].checkin_weeks >= 0.55 * ATHLETES * APP_CHECKIN_WEEKS
    last_two = {(END - timedelta(weeks=k)).isoformat() for k in (1, 2)}
    assert any(not weeks & last_two for weeks in answered.values()), "some stop answering"
    assert any(len(weeks) < APP_CHECKIN_WEEKS for weeks in answered.values()), "some skip a week"


def test_injury_reports_replace_their_rows_in_the_club_log(club, entries) -> None:
    home, summary = club
    reports = [(a, d) for a, _, d, _ in entries if d["form"] == REPORT]
    assert 2 <= len(reports) <= 4 and summary.injury_reports == len(reports)
    with open(home / "club" / "injuries.csv", newline="", encoding="utf-8") as fh:
        logged = list(csv.DictReader(fh))
    assert len(logged) + len(reports) == summary.injuries
    logged_keys = {(row["athlete_id"], row["onset_date"]) for row in logged}
    for athlete, document in reports:
        assert (athlete, document["onset_date"]) not in logged_keys
        assert date.fromisoformat(document["onset_date"]) >= FIRST_APP_WEEK
        assert datetime.fromisoformat(document["entered_at"]).date() >= date.fromisoformat(
            document["onset_date"]
        )
    truth = json.loads((home / "demo" / "truth.json").read_text())["app_entries"]
    assert truth["injury_reports"] == len(reports)
    assert truth["checkin_documents"] == summary.checkin_documents
    assert truth["checkin_weeks"] == summary.checkin_weeks


def test_same_seed_gives_the_same_entries_another_seed_others(club, tmp_path: Path) -> None:
    again = tmp_path / "again"
    _generate(again)
    files = {
        str(p.relative_to(club[0])): p.read_bytes()
        for p in sorted(club[0].rglob("*"))
        if p.is_file() and ("forms" in p.parts or p.parent.name in ("club", "demo"))
    }
    assert any("forms" in name for name in files)
    for name, data in files.items():
        assert (again / name).read_bytes() == data, name
    other = tmp_path / "other"
    _generate(other, seed=SEED + 1)
    assert sorted(p.name for p in other.glob("inbox/*/forms/*")) != sorted(
        Path(n).name for n in files if "forms" in n
    )


def test_a_checkin_whose_week_start_is_not_a_monday_is_rejected(club, entries) -> None:
    athlete, _, document, _ = _checkins(entries)[0]
    tuesday = date.fromisoformat(document["week_start"]) + timedelta(days=1)
    moved = json.dumps(document | {"week_start": tuesday.isoformat()}).encode()
    with pytest.raises(ParseError, match="not the Monday"):
        read_form(moved, athlete, {athlete}, set(area_codes()), 64 * 1024)
