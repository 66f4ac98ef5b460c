"""A batch of activities summarised at once gives each activity exactly what it gets alone."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.activity.summarize import SummaryInput, summarize_many
from pipelines.demo.generate import generate_demo_club
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.schemas import ParsedActivity, ParseError

REL_TOL = 1e-9
# Roster figures by turn: TRIMP weighted for a woman, a man, and not at all (no HR range).
ROSTERS = [(50.0, 190.0, "F"), (45.0, 185.0, "M"), (None, None, None)]


def real_activities(realdata: Path) -> list[ParsedActivity]:
    """Every activity of every real activity file a parser accepts (GPX, TCX, FIT, Strava's)."""
    folders = ("gpx", "tcx", "fit", "strava_export/activities")
    found = []
    for path in sorted(p for folder in folders for p in (realdata / folder).iterdir()):
        if path.name.endswith(".csv"):
            continue
        try:
            found.extend(parse_activity_file(path.name, path.read_bytes()))
        except ParseError:
            continue  # a planned route, a course: refused before summarising
    return found


def demo_activities(home: Path) -> list[ParsedActivity]:
    """The activities of a small demo club's files (one point a minute), planted bad files aside."""
    generate_demo_club(home, athletes=2, weeks=3, streams=False, workers=1)
    found = []
    for path in sorted(p for p in (home / "inbox").rglob("*") if p.is_file()):
        try:
            found.extend(parse_activity_file(path.name, path.read_bytes()))
        except ParseError:
            continue
    return found


def with_spikes(activity: ParsedActivity) -> ParsedActivity:
    """`activity` with two fixes in its middle thrown 11 km north (a GPS excursion)."""
    middle = activity.samples.height // 2
    row = pl.int_range(pl.len())
    thrown = pl.when(row.is_between(middle, middle + 1)).then(pl.col("lat") + 0.1)
    return replace(activity, samples=activity.samples.with_columns(lat=thrown.otherwise("lat")))


def dated_1970(activity: ParsedActivity) -> ParsedActivity:
    """`activity` with every time a reset clock's: refused."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    start = activity.samples.get_column("t").min()
    return replace(
        activity,
        start_utc=None,
        samples=activity.samples.with_columns(t=pl.col("t") - (start - epoch)),
    )


def assert_same(batched: object, alone: object) -> None:
    """Equal values; floats within REL_TOL of each other."""
    if isinstance(alone, float) and isinstance(batched, float):
        assert math.isclose(batched, alone, rel_tol=REL_TOL)
    else:
        assert (type(batched), batched) == (type(alone), alone)


@pytest.fixture(scope="module")
def mixed(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> list[SummaryInput]:
    """Real and demo activities with spikes added to one, every time of another impossible, and
    the roster's figures by turn."""
    real = real_activities(realdata)
    demo = demo_activities(tmp_path_factory.mktemp("club"))
    gpx_run = next(a for a in real if a.source_format == "gpx" and a.samples.height > 100)
    activities = [*real, with_spikes(gpx_run), dated_1970(demo[0]), *demo[:40]]
    return [
        SummaryInput(activity, "Europe/Berlin", *ROSTERS[index % len(ROSTERS)])
        for index, activity in enumerate(activities)
    ]


def test_a_batch_covers_every_kind_of_activity(mixed: list[SummaryInput]) -> None:
    outcomes = summarize_many(mixed)
    refused = [found for found in outcomes if isinstance(found, ParseError)]
    rows = [summary for summary, _ in (o for o in outcomes if not isinstance(o, ParseError))]
    formats = {summary["source_format"] for summary in rows}
    warnings = [warning for summary in rows for warning in summary["warnings"]]
    assert formats == {"gpx", "tcx", "fit"}
    assert any("impossible" in err.reason for err in refused)
    assert {summary["distance_source"] for summary in rows} == {"device", "gps", "none"}
    assert {summary["has_hr"] for summary in rows} == {True, False}
    assert any(summary["elev_gain_m"] is None for summary in rows)
    assert any(summary["is_running"] for summary in rows)
    assert any(summary["is_steady"] for summary in rows)
    assert any(summary["trimp"] is not None for summary in rows)
    assert any(w.startswith("no activity type in the file") for w in warnings)
    assert any(w.startswith("removed 2 GPS spikes") for w in warnings)
    assert any(item.activity.samples_partial for item in mixed)


def test_a_batch_gives_each_activity_what_it_gets_alone(mixed: list[SummaryInput]) -> None:
    batched = summarize_many(mixed)
    assert len(batched) == len(mixed)
    for item, in_batch in zip(mixed, batched, strict=True):
        (alone,) = summarize_many([item])
        if isinstance(alone, ParseError):
            assert isinstance(in_batch, ParseError)
            assert (in_batch.reason, in_batch.hint) == (alone.reason, alone.hint)
            continue
        (summary, samples), (summary_alone, samples_alone) = in_batch, alone
        assert list(summary) == list(summary_alone)
        for name, value in summary.items():
            assert_same(value, summary_alone[name])
        assert_frame_equal(samples, samples_alone, check_exact=False, rel_tol=REL_TOL)


def test_a_batch_in_another_order_gives_the_same_rows(mixed: list[SummaryInput]) -> None:
    forward, backward = summarize_many(mixed), summarize_many(mixed[::-1])[::-1]
    for one, other in zip(forward, backward, strict=True):
        if isinstance(one, ParseError):
            assert isinstance(other, ParseError) and one.reason == other.reason
            continue
        assert one[0] == other[0]
        assert one[1].equals(other[1])


def test_an_empty_batch_gives_nothing() -> None:
    assert summarize_many([]) == []
