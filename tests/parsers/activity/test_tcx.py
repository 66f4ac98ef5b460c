"""TCX parsing: the real files' MANIFEST facts, plus small hand-written files for each rule."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.activity.summarize import summarize
from pipelines.parsers.activity.tcx import parse_tcx
from pipelines.parsers.schemas import NOT_AN_ACTIVITY, SAMPLE_SCHEMA, ParseError

TCX = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def tcx(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="{TCX}">'
        f"{body}</TrainingCenterDatabase>"
    ).encode()


def trackpoint(time: str, dist: str = "10.0", lat: str = "46.5") -> str:
    return (
        f"<Trackpoint><Time>{time}</Time><Position><LatitudeDegrees>{lat}</LatitudeDegrees>"
        f"<LongitudeDegrees>15.5</LongitudeDegrees></Position>"
        f"<DistanceMeters>{dist}</DistanceMeters><HeartRateBpm><Value>150</Value></HeartRateBpm>"
        f"<Cadence>80</Cadence></Trackpoint>"
    )


def lap(start: str, seconds: str, metres: str, *points: str) -> str:
    return (
        f'<Lap StartTime="{start}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        f"<DistanceMeters>{metres}</DistanceMeters><Track>{''.join(points)}</Track></Lap>"
    )


def activity(sport: str, *laps: str, id_: str = "2026-03-02T07:00:00Z") -> str:
    return f'<Activity Sport="{sport}"><Id>{id_}</Id>{"".join(laps)}</Activity>'


T0 = datetime(2026, 3, 2, 7, tzinfo=UTC)
METRES_PER_DEGREE_LAT = 111_195.0  # haversine along a meridian, 6371008.8 m * pi / 180


def at(seconds: float) -> str:
    """The time `seconds` after T0, as TCX writes it."""
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def heading_north(seconds: list[int], metres_at: Callable[[int], float]) -> list[str]:
    """Trackpoints at these seconds after T0, `metres_at(s)` along a meridian, stated as distance."""
    return [
        trackpoint(
            at(second),
            f"{metres_at(second):.1f}",
            f"{46.5 + metres_at(second) / METRES_PER_DEGREE_LAT:.7f}",
        )
        for second in seconds
    ]


# ---- real files (facts from ../shared/realdata/MANIFEST.md) ----


def test_forerunner_410_run_with_three_laps(realdata):
    (run,) = parse_tcx((realdata / "tcx/garmin-fr410_run_hr_3laps.tcx").read_bytes())
    samples = run.samples
    assert run.source_format == "tcx"
    assert samples.schema == SAMPLE_SCHEMA
    assert samples.height == 384
    assert samples["lat"].count() == 383
    assert samples["hr"].count() == 383
    assert samples["dist_m"].count() == 383
    assert samples["t"][0] == utc("2012-12-26T21:29:53Z")
    assert samples["t"][-1] == utc("2012-12-26T22:03:05Z")
    assert samples.group_by("seg").len().sort("seg")["len"].to_list() == [129, 128, 127]
    assert run.sport == "running"
    assert run.start_utc == utc("2012-12-26T21:29:53Z")
    # The laps (4689.243 m) and the points (greatest DistanceMeters 4686.311 m, tracks spanning
    # 1984 s) agree: the lap totals are used for distance and timer alike.
    assert run.device_distance_m == pytest.approx(4689.243)
    assert run.device_timer_s == pytest.approx(1992.78)
    # From the first lap's start to the last lap's end: 21:51:56 - 21:29:53 = 1323 s, + 669.51 s.
    assert run.device_elapsed_s == pytest.approx(1323 + 669.51)
    assert not run.samples_partial
    # Lap averages 139/172/167 bpm over 608.47/714.8/669.51 s.
    assert run.device_avg_hr == pytest.approx((139 * 608.47 + 172 * 714.8 + 167 * 669.51) / 1992.78)
    assert run.warnings == []


def test_forerunner_305_tracks_are_segments_and_points_without_position_stay(realdata):
    path = realdata / "tcx/garmin-fr305_run_1lap-3tracks_points-without-position.tcx"
    (run,) = parse_tcx(path.read_bytes())
    samples = run.samples
    assert samples.height == 19
    assert samples.group_by("seg").len().sort("seg")["len"].to_list() == [13, 3, 3]
    assert samples["lat"].count() == 17
    assert samples["lon"].count() == 17
    assert samples["dist_m"].count() == 17
    assert samples["hr"].count() == 0
    assert samples["t"][0] == utc("2007-08-07T02:42:41Z")
    assert samples["t"][-1] == utc("2007-08-07T03:06:32Z")
    # The upstream excerpt keeps 19 of the lap's points (3441 m, tracks spanning 80 s): the lap is
    # the record, for distance and timer alike (it used to mix the points' distance with the lap's
    # time, 3441 m in 2325 s).
    assert run.device_timer_s == pytest.approx(2325.02)
    assert run.device_distance_m == pytest.approx(8348.504)
    assert run.samples_partial
    assert run.warnings == [
        "the recorded points (3441 m in 80 s) cover only part of the lap totals "
        "(8349 m in 2325 s): the lap totals are used"
    ]


def test_scrubbed_gzipped_run_parses_after_its_leading_whitespace(realdata):
    data = gzip.decompress((realdata / "tcx/garmin_run_scrubbed-gps-hr.tcx.gz").read_bytes())
    assert data.startswith(b" " * 10 + b"<?xml")
    (run,) = parse_tcx(data)
    assert run.samples.height == 313
    assert run.samples["hr"].count() == 313
    assert run.samples["cad"].count() == data.count(b"<ns3:RunCadence>")
    assert run.samples["seg"].n_unique() == 4
    assert run.samples["t"][0] == utc("2018-02-28T16:28:50Z")
    assert run.samples["t"][-1] == utc("2018-02-28T17:02:40Z")
    assert run.device_timer_s == pytest.approx(2014.0)
    assert run.device_distance_m == pytest.approx(5030.68, abs=0.01)
    assert run.device_avg_hr == pytest.approx(100)


def test_null_island_file_counts_its_duplicated_lap_once(realdata):
    (ride,) = parse_tcx((realdata / "tcx/fitbit_ride_null-island-positions.tcx").read_bytes())
    assert ride.sport == "cycling"
    # The two laps have the same start, time and distance: counted once, not 4566 s and 13680 m.
    assert ride.device_timer_s == pytest.approx(2283.0)
    assert ride.device_distance_m == pytest.approx(6839.97)
    assert "1 duplicated laps (same start, time and distance) were counted once" in ride.warnings
    assert ride.samples.height == 2  # the duplicate lap's two points are the same moments again
    assert ride.samples.select("lat", "lon").row(0) == (0.0, 0.0)  # left for cleaning to drop
    assert ride.samples["t"].to_list() == [
        utc("2020-12-27T15:59:36+01:00"),
        utc("2020-12-27T15:59:37+01:00"),
    ]


def test_fitbit_ride_times_with_offset_become_utc(realdata):
    (ride,) = parse_tcx((realdata / "tcx/fitbit-versa_ride_hr_utc-offset.tcx").read_bytes())
    assert ride.sport == "cycling"
    assert ride.samples.height == 465
    assert ride.samples["hr"].count() == 465
    assert ride.samples["t"][0] == datetime(2020, 12, 27, 14, 59, 36, tzinfo=UTC)
    assert ride.samples["t"][-1] == datetime(2020, 12, 27, 15, 7, 19, tzinfo=UTC)
    assert ride.start_utc == datetime(2020, 12, 27, 14, 43, 49, tzinfo=UTC)  # the lap's StartTime
    # The lap covers 2283 s and 6839.97 m, the points 463 s up to 3980.58 m: the lap is the record.
    assert ride.device_timer_s == pytest.approx(2283.0)
    assert ride.device_distance_m == pytest.approx(6839.97)
    assert ride.device_elapsed_s == pytest.approx(2283.0)
    assert ride.samples_partial
    assert ride.warnings == [
        "the recorded points (3981 m in 463 s) cover only part of the lap totals "
        "(6840 m in 2283 s): the lap totals are used"
    ]


def test_sport_other_stays_other(realdata):
    (ski,) = parse_tcx(
        (realdata / "tcx/garmin-vivoactivehr_xc-ski_sport-other_hr.tcx").read_bytes()
    )
    assert ski.sport == "other"
    assert ski.warnings == []
    assert ski.samples.height == 486
    assert ski.samples["hr"].count() == 486
    assert ski.samples["cad"].count() == 486  # RunCadence extension
    assert ski.samples["seg"].n_unique() == 2
    assert ski.device_timer_s == pytest.approx(2160.432 + 240.828)
    assert ski.device_distance_m == pytest.approx(5692.01, abs=0.01)


def test_every_real_tcx_parses(realdata):
    for path in sorted((realdata / "tcx").glob("*.tcx")):
        assert all(run.samples.height > 0 for run in parse_tcx(path.read_bytes())), path.name


# ---- rules, on small hand-written files ----


def test_several_activities_in_one_file():
    data = tcx(
        "<Activities>"
        + activity(
            "Running", lap("2026-03-02T07:00:00Z", "60", "200", trackpoint("2026-03-02T07:00:00Z"))
        )
        + activity(
            "Biking",
            lap("2026-03-02T09:00:00Z", "60", "900", trackpoint("2026-03-02T09:00:00Z")),
            id_="2026-03-02T09:00:00Z",
        )
        + "</Activities>"
    )
    runs = parse_tcx(data)
    assert [(r.index_in_file, r.sport, r.start_utc) for r in runs] == [
        (0, "running", datetime(2026, 3, 2, 7, tzinfo=UTC)),
        (1, "cycling", datetime(2026, 3, 2, 9, tzinfo=UTC)),
    ]
    assert runs[0].samples.row(0, named=True) | {"t": None} == {
        "t": None,
        "lat": 46.5,
        "lon": 15.5,
        "ele": None,
        "dist_m": 10.0,
        "hr": 150.0,
        "cad": 80.0,
        "seg": 0,
    }


def test_lap_sum_is_the_distance_when_points_have_none():
    point = "<Trackpoint><Time>2026-03-02T07:00:00Z</Time></Trackpoint>"
    data = tcx(
        "<Activities>"
        + activity(
            "Running",
            lap("2026-03-02T07:00:00Z", "300", "1000", point),
            lap("2026-03-02T07:05:00Z", "200", "600.5", point.replace("07:00", "07:05")),
        )
        + "</Activities>"
    )
    (run,) = parse_tcx(data)
    assert run.device_distance_m == pytest.approx(1600.5)
    assert run.device_timer_s == pytest.approx(500)
    assert run.samples["seg"].to_list() == [0, 1]


def test_a_malformed_number_loses_only_that_value():
    data = tcx(
        "<Activities>"
        + activity(
            "Running",
            lap(
                "2026-03-02T07:00:00Z",
                "60",
                "20",
                trackpoint("2026-03-02T07:00:00Z", lat="no"),
                trackpoint("2026-03-02T07:00:01Z", dist="undefined"),
            ),
        )
        + "</Activities>"
    )
    (run,) = parse_tcx(data)
    assert run.samples["lat"].to_list() == [None, 46.5]
    assert run.samples["dist_m"].to_list() == [10.0, None]
    assert "2 malformed values were ignored (such as lat 'no')" in run.warnings


def test_a_lap_only_activity_keeps_its_totals():
    data = tcx(
        "<Activities>"
        + activity("Running", lap("2026-03-02T07:00:00Z", "1800", "5000"))
        + "</Activities>"
    )
    (run,) = parse_tcx(data)
    assert run.samples.height == 0
    assert run.samples.schema == SAMPLE_SCHEMA
    assert (run.device_distance_m, run.device_timer_s) == (5000, 1800)
    assert run.start_utc == datetime(2026, 3, 2, 7, tzinfo=UTC)
    assert "no recorded points: only the lap totals are available" in run.warnings


def test_a_course_is_not_an_activity():
    data = tcx(
        "<Courses><Course><Name>Loop</Name><Track>"
        "<Trackpoint><Time>2026-03-02T07:00:00Z</Time></Trackpoint></Track></Course></Courses>"
    )
    with pytest.raises(ParseError) as error:
        parse_tcx(data)
    assert error.value.reason == NOT_AN_ACTIVITY + ": a course (planned route)"
    assert error.value.hint == "export the recorded activity, not the route/course"


def test_broken_xml_is_a_parse_error_naming_the_line():
    with pytest.raises(ParseError, match=r"the file is not valid TCX XML \(line 2"):
        parse_tcx(b'<?xml version="1.0"?>\n<TrainingCenterDatabase><Activities><Activity Sport=')


def test_a_gpx_file_is_not_tcx(realdata):
    with pytest.raises(ParseError, match="the file is not TCX: its first element is <gpx>"):
        parse_tcx((realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes())


# ---- faults of real exporters (issue 16), on small hand-written files ----


def fix(seconds: int, metres: float) -> str:
    """A trackpoint with a position `metres` north of 46.5 N and no DistanceMeters."""
    return (
        f"<Trackpoint><Time>{at(seconds)}</Time><Position><LatitudeDegrees>"
        f"{46.5 + metres / METRES_PER_DEGREE_LAT:.7f}</LatitudeDegrees>"
        "<LongitudeDegrees>15.5</LongitudeDegrees></Position></Trackpoint>"
    )


@pytest.mark.parametrize("with_distance", [True, False], ids=["distance", "positions only"])
def test_laps_over_a_few_points_are_the_record(with_distance):
    # 5 points, 4 s and 15.7 m, under two laps stating 180 km in 5 h: the laps are the ride.
    metres = [0.0, 3.9, 7.8, 11.8, 15.7]
    points = [
        trackpoint(at(second), f"{m:.1f}", f"{46.5 + m / METRES_PER_DEGREE_LAT:.7f}")
        if with_distance
        else fix(second, m)
        for second, m in enumerate(metres)
    ]
    data = tcx(
        "<Activities>"
        + activity(
            "Biking",
            lap(at(0), "9000", "90000", *points),
            lap(at(9000), "9000", "90000"),
        )
        + "</Activities>"
    )
    (ride,) = parse_tcx(data)
    assert (ride.device_distance_m, ride.device_timer_s) == (180_000, 18_000)
    assert ride.samples_partial
    points_said = "16 m in 4 s" if with_distance else "4 s"
    assert ride.warnings == [
        f"the recorded points ({points_said}) cover only part of the lap totals "
        "(180000 m in 18000 s): the lap totals are used"
    ]
    summary, _ = summarize(ride, "Europe/Vienna")
    assert summary["sport"] == "cycling"
    assert summary["distance_m"] == pytest.approx(180_000, rel=0.015)
    assert summary["timer_s"] == pytest.approx(18_000, rel=0.01)
    assert summary["elapsed_s"] == pytest.approx(18_000, rel=0.01)  # 07:00 to the 2nd lap's end
    assert abs((summary["start_utc"] - T0).total_seconds()) <= 2


def test_points_beyond_the_laps_are_the_record():
    # Two laps state 2000 m in 625 s; the points run on, at 3.2 m/s, to 2900 m at 907 s.
    def metres_at(second: int) -> float:
        return second * 2900 / 907

    data = tcx(
        "<Activities>"
        + activity(
            "Running",
            lap(at(0), "300", "1000", *heading_north(list(range(0, 300, 5)), metres_at)),
            lap(at(300), "325", "1000", *heading_north([*range(300, 907, 5), 907], metres_at)),
        )
        + "</Activities>"
    )
    (run,) = parse_tcx(data)
    assert run.device_distance_m == pytest.approx(2900)
    assert run.device_timer_s is None  # from the samples, as the distance
    assert not run.samples_partial
    # The points' timer: their two tracks span 295 s and 607 s.
    assert run.warnings == [
        "the lap totals (2000 m in 625 s) cover only part of the recorded points "
        "(2900 m in 902 s): the points are used"
    ]
    summary, _ = summarize(run, "Europe/Vienna")
    assert summary["sport"] == "running"
    assert summary["distance_m"] == pytest.approx(2900, rel=0.015)
    assert summary["timer_s"] == pytest.approx(907, rel=0.01)
    assert summary["elapsed_s"] == pytest.approx(907, rel=0.01)
    assert abs((summary["start_utc"] - T0).total_seconds()) <= 2


def test_laps_starting_in_the_same_second_count_unless_identical():
    # An interval session: 2000 m warm-up in 600 s, then the exporter stamps a 302 m rep (60 s) and
    # the 250 m recovery after it (90 s) with the same second; the recovery lap is written twice.
    def metres_at(second: int) -> float:
        if second <= 600:
            return second * 2000 / 600
        if second <= 660:
            return 2000 + (second - 600) * 302 / 60
        return 2302 + (second - 660) * 250 / 90

    recovery = lap(at(600), "90", "250", *heading_north([*range(660, 750, 10), 750], metres_at))
    data = tcx(
        "<Activities>"
        + activity(
            "Running",
            lap(at(0), "600", "2000", *heading_north(list(range(0, 600, 10)), metres_at)),
            lap(at(600), "60", "302", *heading_north(list(range(600, 660, 10)), metres_at)),
            recovery,
            recovery,
        )
        + "</Activities>"
    )
    (run,) = parse_tcx(data)
    assert run.device_distance_m == pytest.approx(2000 + 302 + 250)
    assert run.device_timer_s == pytest.approx(600 + 60 + 90)
    assert run.warnings == ["1 duplicated laps (same start, time and distance) were counted once"]
    summary, _ = summarize(run, "Europe/Vienna")
    assert summary["sport"] == "running"
    assert summary["distance_m"] == pytest.approx(2552, rel=0.015)
    assert summary["timer_s"] == pytest.approx(750, rel=0.01)


def test_the_start_is_the_first_lap_not_an_id_cut_to_the_minute():
    # The exporter cut <Id> to 07:00:00; the lap started at 07:00:41, the first point 2 s later.
    def metres_at(second: int) -> float:
        return (second - 41) * 3.0

    data = tcx(
        "<Activities>"
        + activity(
            "Running",
            lap(at(41), "600", "1800", *heading_north(list(range(43, 642, 5)), metres_at)),
            id_=at(0),
        )
        + "</Activities>"
    )
    (run,) = parse_tcx(data)
    assert run.start_utc == T0 + timedelta(seconds=41)
    assert run.device_elapsed_s == pytest.approx(600)  # 07:00:41 to the lap's end at 07:10:41
    summary, _ = summarize(run, "Europe/Vienna")
    assert abs((summary["start_utc"] - (T0 + timedelta(seconds=41))).total_seconds()) <= 2
    assert summary["sport"] == "running"
    assert summary["distance_m"] == pytest.approx(1800, rel=0.015)
    assert summary["timer_s"] == pytest.approx(600, rel=0.01)
