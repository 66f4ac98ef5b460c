"""The demo-club generator writes what members and a coach hand in, readable by the project's parsers
and by independent readers, byte-identical for one seed, with the planted truth recoverable."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fitdecode
import gpxpy
import numpy as np
import polars as pl
import pytest
from garmin_fit_sdk import CrcCalculator
from lxml import etree

from pipelines.demo import DemoSummary, generate_demo_club
from pipelines.demo.runs import first_order
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.activity.fit_crc import crc16
from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.club.files import parse_enrolments, parse_roster
from pipelines.parsers.club.injuries import parse_injuries
from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.parsers.club.programs import parse_programs
from pipelines.parsers.strength.sets import parse_strength_csv

ATHLETES, WEEKS, SEED = 8, 5, 7
END = date(2026, 11, 23)
PLANTED_UNMAPPED = {"Zercher Good Morning Variation", "Banded Hip Airplane"}
# The glute program's required categories per phase (docs/CLUB_FILES.md), by program week.
REQUIRED = {
    1: {"glute_med_min", "glute_max"},
    2: {"glute_max", "glute_med_min"},
    3: {"single_leg", "glute_max"},
}


def _files(home: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    """A small club generated in this process; the planted bad files (a route, a cut FIT, ...) are
    left out: these tests hold every member's file to the formats (tests/demo/test_bad_files.py)."""
    home = tmp_path_factory.mktemp("demo_a")
    return home, generate_demo_club(
        home, athletes=ATHLETES, weeks=WEEKS, seed=SEED, workers=1, bad_files=False
    )


@pytest.fixture(scope="module")
def roster(club) -> dict[str, dict[str, str]]:
    with open(club[0] / "club" / "roster.csv", newline="", encoding="utf-8") as fh:
        return {row["athlete_id"]: row for row in csv.DictReader(fh)}


def _activity_blobs(home: Path) -> list[tuple[str, str, bytes]]:
    """(athlete, name, bytes) of every activity file, including those inside Strava exports."""
    blobs = []
    for path in sorted((home / "inbox").rglob("*")):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                blobs += [
                    (path.parent.name, name, archive.read(name))
                    for name in archive.namelist()
                    if name.startswith("activities/")
                ]
        elif path.is_file() and path.suffix != ".csv" and path.parent.name != "forms":
            blobs.append((path.parent.name, path.name, path.read_bytes()))
    return blobs


def _plain(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


@pytest.mark.slow  # worker processes
def test_same_seed_gives_the_same_bytes_whatever_the_worker_count(club, tmp_path: Path) -> None:
    other = tmp_path / "demo_b"
    generate_demo_club(other, athletes=ATHLETES, weeks=WEEKS, seed=SEED, workers=2, bad_files=False)
    first, second = _files(club[0]), _files(other)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_another_seed_gives_another_club(club, tmp_path: Path) -> None:
    generate_demo_club(tmp_path, athletes=ATHLETES, weeks=WEEKS, seed=SEED + 1, workers=1)
    assert (tmp_path / "club" / "roster.csv").read_bytes() != (
        club[0] / "club" / "roster.csv"
    ).read_bytes()


def test_refuses_a_folder_that_already_holds_club_files(club) -> None:
    with pytest.raises(FileExistsError, match="empty folder"):
        generate_demo_club(club[0], athletes=2, weeks=1)


def test_club_layout_and_summary_match_the_files(club) -> None:
    home, summary = club
    names = set(_files(home))
    for required in ("roster.csv", "programs.yaml", "enrolments.csv", "injuries.csv", "ostrc.csv"):
        assert f"club/{required}" in names
    assert "demo/truth.json" in names
    assert summary.first_week_start == END - timedelta(weeks=WEEKS)
    assert summary.end_date == END
    inbox_files = [
        n for n in names if n.startswith("inbox/") and not n.endswith(".csv") and "/forms/" not in n
    ]
    assert summary.activity_files == len(inbox_files)
    assert summary.bytes_written == sum(len(data) for data in _files(home).values())
    formats = {re.sub(r"^.*?\.", "", Path(n).name) for n in inbox_files}
    assert {"gpx", "tcx", "fit", "zip"} <= formats
    assert any(n.endswith(".gz") for n in inbox_files), "a few files arrive gzipped"


def test_every_activity_file_parses_within_the_weeks_and_local_daytime(club, roster) -> None:
    home, summary = club
    parsed = 0
    for athlete, name, data in _activity_blobs(home):
        activities = parse_activity_file(name, data)
        assert len(activities) == 1, name
        activity = activities[0]
        assert activity.sport in ("running", "cycling")
        assert activity.samples.height > 20
        start = activity.samples["t"][0]
        assert END - timedelta(weeks=WEEKS) <= start.date() < END
        local_hour = start.astimezone(ZoneInfo(roster[athlete]["time_zone"])).hour
        assert 6 <= local_hour <= 20, f"{name} starts at {local_hour}h local"
        parsed += 1
    assert parsed == summary.activities


def test_fit_files_decode_with_fitdecode_and_garmin_sdk_crc(club) -> None:
    fits = [(n, _plain(d)) for _, n, d in _activity_blobs(club[0]) if ".fit" in n]
    assert fits
    for name, data in fits:
        assert CrcCalculator.calculate_crc(data, 0, len(data)) == 0, f"{name}: file CRC"
        records, stops, session = [], 0, None
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id":
                    assert frame.get_value("type") == "activity"
                elif frame.name == "record":
                    records.append((frame.get_value("timestamp"), frame.get_value("distance")))
                elif frame.name == "event" and frame.get_value("event_type") == "stop":
                    stops += 1
                elif frame.name == "session":
                    session = frame
        assert session is not None and session.get_value("sport") in ("running", "cycling")
        times = np.array([t.timestamp() for t, _ in records])
        gaps = np.diff(times)
        # timer time = elapsed minus the largest gaps, one per auto-pause (stop event)
        timer = times[-1] - times[0] - np.sort(gaps)[::-1][:stops].sum()
        assert session.get_value("total_timer_time") == pytest.approx(timer, abs=0.01)
        assert session.get_value("total_elapsed_time") == pytest.approx(times[-1] - times[0])
        assert session.get_value("total_distance") == pytest.approx(records[-1][1], abs=0.01)


def test_gpx_pauses_are_new_segments_with_garmin_hr(club) -> None:
    gpxs = [(n, _plain(d)) for _, n, d in _activity_blobs(club[0]) if ".gpx" in n]
    assert gpxs
    segments = 0
    for name, data in gpxs:
        track = gpxpy.parse(data.decode("utf-8")).tracks[0]
        activity = parse_activity_file(name, data)[0]
        assert activity.samples["seg"].n_unique() == len(track.segments)
        segments += len(track.segments)
        gaps = [
            (b.time - a.time).total_seconds()
            for seg in track.segments
            for a, b in zip(seg.points, seg.points[1:], strict=False)
        ]
        assert min(gaps) >= 1 and max(gaps) <= 7, "smart recording: a point every 1-7 s"
    assert segments > len(gpxs), "some runs pause at traffic lights"
    assert sum(b"<gpxtpx:hr>" in data for _, data in gpxs) > len(gpxs) / 2


def test_tcx_laps_add_up_to_the_trackpoints(club) -> None:
    ns = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
    tcxs = [_plain(d) for _, n, d in _activity_blobs(club[0]) if ".tcx" in n]
    assert tcxs
    for data in tcxs:
        root = etree.fromstring(data)
        distances = [
            float(x) for x in root.xpath("//t:Trackpoint/t:DistanceMeters/text()", namespaces=ns)
        ]
        laps = [float(x) for x in root.xpath("//t:Lap/t:DistanceMeters/text()", namespaces=ns)]
        auto_lap = 1000 if root.xpath("//t:Activity/@Sport", namespaces=ns) == ["Running"] else 5000
        assert sum(laps) == pytest.approx(distances[-1] - distances[0], abs=0.1)
        assert all(lap == pytest.approx(auto_lap, abs=auto_lap * 0.06) for lap in laps[:-1])


def test_strava_export_has_the_real_header_and_names_its_files(club, realdata: Path) -> None:
    real_header = (realdata / "strava_export" / "activities.csv").read_text().splitlines()[0]
    exports = list((club[0] / "inbox").rglob("export_*.zip"))
    assert len(exports) == 1
    with zipfile.ZipFile(exports[0]) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("activities.csv").decode("utf-8"))))
        assert ",".join(rows[0]) == real_header
        files = [row[rows[0].index("Filename")] for row in rows[1:]]
        assert files and set(files) == {
            n for n in archive.namelist() if n.startswith("activities/")
        }
        distance_km, distance_m = (rows[1][i] for i, c in enumerate(rows[0]) if c == "Distance")
        assert float(distance_km) == pytest.approx(float(distance_m) / 1000, abs=0.006)
        assert all(
            info.date_time == (END.year, END.month, END.day, 0, 0, 0) for info in archive.infolist()
        )


def test_strength_exports_use_the_real_app_headers(club, realdata: Path) -> None:
    strong = (
        (realdata / "strength" / "strong_2021_en_no-unit-column.csv").read_text().splitlines()[0]
    )
    hevy = (
        (realdata / "strength" / "hevy_2025_weight-kg_emoji-titles.csv").read_text().splitlines()[0]
    )
    inbox = club[0] / "inbox"
    headers = {p.name: p.read_text(encoding="utf-8").splitlines()[0] for p in inbox.rglob("*.csv")}
    assert headers.get("strong.csv") == strong
    hevy_headers = {h for name, h in headers.items() if name == "workouts.csv"}
    assert hevy_headers and hevy_headers <= {
        hevy,
        hevy.replace("weight_kg", "weight_lbs").replace("distance_km", "distance_miles"),
    }


def test_club_files_load_without_row_errors(club) -> None:
    home = club[0] / "club"
    catalog = ExerciseCatalog.default()
    athletes, errors = parse_roster((home / "roster.csv").read_bytes())
    assert errors == [] and athletes.height == ATHLETES
    ids = set(athletes["athlete_id"])
    programs = parse_programs((home / "programs.yaml").read_bytes(), catalog.categories)
    assert programs[1]["phase_name"].to_list() == ["activation", "strength", "functional"]
    enrolments, errors = parse_enrolments(
        (home / "enrolments.csv").read_bytes(), {"glute_12wk"}, ids
    )
    assert errors == [] and enrolments.height == round(ATHLETES * 2 / 3)
    injuries, errors = parse_injuries((home / "injuries.csv").read_bytes(), ids)
    assert errors == []
    ostrc, errors = parse_ostrc((home / "ostrc.csv").read_bytes(), ids)
    assert errors == [] and ostrc.height == club[1].ostrc_responses


def _strength_sets(home: Path, roster: dict[str, dict[str, str]]) -> pl.DataFrame:
    catalog, ids = ExerciseCatalog.default(), set(roster)
    zones = {a: row["time_zone"] for a, row in roster.items()}
    frames = []
    for path in sorted((home / "inbox").rglob("*.csv")):
        athlete = path.parent.name
        result = parse_strength_csv(
            path.read_bytes(),
            athlete_id=athlete,
            weight_unit=roster[athlete]["weight_unit"],
            time_zone=zones[athlete],
            catalog=catalog,
            roster_ids=ids,
        )
        assert result.rejected == [], path
        frames.append(result.sets)
    for path in sorted((home / "club" / "strength").glob("*.csv")):
        result = parse_strength_csv(
            path.read_bytes(),
            athlete_id=None,
            weight_unit="kg",
            time_zone="Europe/London",
            catalog=catalog,
            roster_ids=ids,
            athlete_time_zones=zones,
        )
        assert result.rejected == [], path
        frames.append(result.sets)
    return pl.concat(frames)


def test_only_the_planted_names_are_unmapped(club, roster) -> None:
    sets = _strength_sets(club[0], roster)
    assert set(sets["source_format"]) == {"club", "strong", "hevy"}
    unmapped = set(sets.filter(pl.col("exercise_id").is_null())["exercise_logged"])
    assert unmapped <= PLANTED_UNMAPPED


def test_truth_shape_and_planted_adherence_recomputed_from_the_logs(club, roster) -> None:
    home = club[0]
    truth = json.loads((home / "demo" / "truth.json").read_text())
    assert truth["seed"] == SEED and truth["irr_high_vs_low"] == 0.5
    assert sorted(truth["athletes"]) == sorted(roster)
    sessions = (
        _strength_sets(home, roster)
        .group_by("athlete_id", "session_id", "week_start")
        .agg(pl.col("categories").list.explode(keep_nulls=False, empty_as_null=False).unique())
    )
    with open(home / "club" / "enrolments.csv", newline="", encoding="utf-8") as fh:
        enrolments = {row["athlete_id"]: row for row in csv.DictReader(fh)}
    for athlete, planted in truth["athletes"].items():
        assert planted["pace_trend_direction"] in ("improving", "flat", "slower")
        assert planted["enrolled"] == (athlete in enrolments)
        if athlete not in enrolments:
            assert planted["planted_adherence"] is None
            continue
        start = date.fromisoformat(enrolments[athlete]["start_date"])
        last = date.fromisoformat(
            enrolments[athlete]["end_date"] or (END - timedelta(days=1)).isoformat()
        )
        weeks = (last - start).days // 7 + 1
        counted = 0
        for k in range(weeks):
            mine = sessions.filter(
                (pl.col("athlete_id") == athlete)
                & (pl.col("week_start") == start + timedelta(weeks=k))
            )
            required = REQUIRED[min(3, k // 4 + 1)]
            counted += min(2, sum(required <= set(c) for c in mine["categories"].to_list()))
        assert planted["planted_adherence"] == pytest.approx(counted / (2 * weeks), abs=1e-4)
        band = (
            "high"
            if counted / (2 * weeks) >= 0.84
            else "medium"
            if counted / (2 * weeks) >= 0.74
            else "low"
        )
        assert planted["adherence_band"] == band


def test_coarse_mode_writes_one_gpx_point_a_minute(tmp_path: Path) -> None:
    summary = generate_demo_club(
        tmp_path, athletes=3, weeks=2, streams=False, workers=1, bad_files=False
    )
    blobs = _activity_blobs(tmp_path)
    assert len(blobs) == summary.activities > 0
    for name, data in ((n, d) for _, n, d in blobs):
        assert name.endswith((".gpx", ".gpx.gz"))
        times = parse_activity_file(name, data)[0].samples["t"]
        steps = np.diff([t.timestamp() for t in times])
        assert np.median(steps) == 60


def test_fit_crc_matches_the_garmin_sdk() -> None:
    rng = np.random.default_rng(0)
    for size in (0, 1, 2, 13, 14, 1001, 40_000):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert crc16(data) == CrcCalculator.calculate_crc(data, 0, size)


def test_first_order_filter_equals_the_recursion() -> None:
    x = np.random.default_rng(1).standard_normal(1500)
    rho, y, expected = 0.97, 2.5, []
    for value in x:
        y = rho * y + value
        expected.append(y)
    assert np.allclose(first_order(x, rho, 2.5), expected, atol=1e-9)


def test_data_ends_before_the_monday_of_the_end_date_week(tmp_path: Path) -> None:
    default = generate_demo_club(tmp_path / "a", athletes=1, weeks=1, workers=1)
    assert default.end_date == END, "a fixed default, never today's date"
    wednesday = generate_demo_club(
        tmp_path / "b", athletes=1, weeks=2, end_date=date(2026, 3, 4), workers=1
    )
    assert (wednesday.first_week_start, wednesday.end_date) == (date(2026, 2, 16), date(2026, 3, 2))
