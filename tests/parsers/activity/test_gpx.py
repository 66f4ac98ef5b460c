"""GPX parsing: the real files' MANIFEST facts, plus small hand-written files for each rule."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from pipelines.activity.summarize import summarize
from pipelines.parsers.activity.gpx import parse_gpx
from pipelines.parsers.schemas import NOT_AN_ACTIVITY, SAMPLE_SCHEMA, ParseError

NO_HR_READING = "ignored {} heart-rate values outside 20 to 250 (the sensor's 'no reading' mark)"

GPX11 = "http://www.topografix.com/GPX/1/1"
TPX_V1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX_V2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
TRKX = "http://www.garmin.com/xmlschemas/TrackStatsExtension/v1"
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180  # haversine along a meridian: R * dphi


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def gpx(tracks: str, namespace: str = GPX11) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
        f'xmlns="{namespace}" xmlns:v1="{TPX_V1}" xmlns:v2="{TPX_V2}" xmlns:trkx="{TRKX}">\n'
        f"{tracks}\n</gpx>\n"
    ).encode()


def point(time: str | None, lat: str = "51.5", lon: str = "-0.1", extra: str = "") -> str:
    timed = f"<time>{time}</time>" if time else ""
    return f'<trkpt lat="{lat}" lon="{lon}"><ele>12.5</ele>{timed}{extra}</trkpt>'


def track(
    *segments: list[str], type_: str | None = None, name: str = "Morning Run", stats: str = ""
) -> str:
    kind = f"<type>{type_}</type>" if type_ else ""
    extensions = (
        f"<extensions><trkx:TrackStatsExtension>{stats}</trkx:TrackStatsExtension></extensions>"
    )
    body = "".join(f"<trkseg>{''.join(seg)}</trkseg>" for seg in segments)
    return f"<trk><name>{name}</name>{kind}{extensions if stats else ''}{body}</trk>"


def northward(seconds: list[float], metres: list[float]) -> list[str]:
    """Points due north of (51.5, -0.1), `metres` along the meridian, `seconds` after T0."""
    return [
        point(
            (T0 + timedelta(seconds=s)).isoformat().replace("+00:00", "Z"),
            lat=f"{51.5 + m / METRES_PER_DEGREE:.9f}",
        )
        for s, m in zip(seconds, metres, strict=True)
    ]


def one_run(*points: str, type_: str = "running") -> bytes:
    return gpx(track(list(points), type_=type_))


# ---- real files (facts from ../shared/realdata/MANIFEST.md) ----


def test_garmin_connect_run_has_hr_on_every_point_and_no_type(realdata):
    (run,) = parse_gpx((realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes())
    assert run.source_format == "gpx"
    assert run.samples.schema == SAMPLE_SCHEMA
    assert run.samples.height == 206
    assert run.samples["t"][0] == utc("2012-10-24T23:29:40Z")
    assert run.samples["t"][-1] == utc("2012-10-24T23:45:28Z")
    assert run.samples["hr"].count() == 206
    assert run.samples["cad"].count() == 0
    assert run.samples["ele"].count() == 206
    assert run.sport is None  # no <type>: summarize infers it from the speeds
    assert run.warnings == []
    assert run.start_utc == utc("2012-10-24T23:29:40Z")
    assert run.metadata["creator"] == "Garmin Connect"


def test_apple_watch_run_has_three_segments_and_duplicated_extension_blocks(realdata):
    (run,) = parse_gpx((realdata / "gpx/apple-watch_run_3-segments_hr-cad-power.gpx").read_bytes())
    samples = run.samples
    assert samples.height == 17
    assert samples.group_by("seg").len().sort("seg")["len"].to_list() == [4, 5, 8]
    assert samples["seg"].to_list() == sorted(samples["seg"].to_list())
    assert samples["hr"].count() == 13
    assert samples["cad"].count() == 17
    assert samples["t"][0] == utc("2025-05-02T15:51:15.692Z")
    assert samples["t"][-1] == utc("2025-05-02T16:34:05Z")
    assert run.sport == "running"
    assert run.name == "Friday Evening Run"
    assert not run.warnings


def test_mapsource_tracks_on_three_days_are_three_activities(realdata):
    runs = parse_gpx((realdata / "gpx/mapsource_3-tracks_multi-day.gpx").read_bytes())
    facts = [
        (run.index_in_file, run.name, run.samples.height, run.samples["t"][0], run.samples["t"][-1])
        for run in runs
    ]
    assert facts == [
        (0, "Tag 1", 38, utc("2008-07-12T09:58:23Z"), utc("2008-07-12T10:05:33Z")),
        (1, "Tag 2", 65, utc("2008-07-13T07:57:31Z"), utc("2008-07-13T08:13:33Z")),
        (2, "Tag 3", 14, utc("2008-07-14T07:08:19Z"), utc("2008-07-14T07:09:43Z")),
    ]
    assert all(run.samples["seg"].n_unique() == 1 for run in runs)


def test_gpsbabel_file_keeps_only_its_five_timed_points(realdata):
    (run,) = parse_gpx((realdata / "gpx/gpsbabel_8-tracks_mostly-no-timestamps.gpx").read_bytes())
    assert run.samples.height == 5
    assert run.samples["t"][0] == utc("2010-08-05T16:22:52Z")
    assert run.samples["t"][-1] == utc("2010-08-05T16:23:49Z")
    assert "291 points without a time were dropped" in run.warnings  # 296 points, 5 timed
    assert run.name == "ACTIVE LOG #8"


def test_opentracks_local_times_become_utc_and_unknown_type_is_left_to_infer(realdata):
    (walk,) = parse_gpx((realdata / "gpx/opentracks_walk_hr_utc-offset.gpx").read_bytes())
    assert walk.samples.height == 141
    assert walk.samples["t"][0] == utc("2025-08-30T10:27:48.17+02:00")
    assert walk.samples["t"][0] == datetime(2025, 8, 30, 8, 27, 48, 170000, tzinfo=UTC)
    assert walk.samples["t"][-1] == utc("2025-08-30T11:01:20.984+02:00")
    assert walk.sport is None
    assert walk.metadata["type_in_file"] == "unknown"
    # Every one of its 141 <gpxtpx:hr> (v2 namespace) elements says 0: no sensor, so no readings.
    summary, samples = summarize(walk, "UTC")
    assert samples["hr"].count() == 0 and summary["avg_hr"] is None
    assert NO_HR_READING.format(141) in summary["warnings"]
    # OpenTracks' own TrackStatsExtension totals.
    assert walk.device_distance_m == pytest.approx(1295.8912353515625)
    assert walk.device_timer_s == 2015
    assert walk.device_elapsed_s is None  # OpenTracks writes no TotalElapsedTime


@pytest.mark.parametrize(
    ("name", "sport"),
    [
        ("garmin-connect_run_hr.gpx", "running"),  # upstream file name run.gpx
        ("opentracks_walk_hr_utc-offset.gpx", "walking"),  # upstream folder Spaziergang (a walk)
    ],
)
def test_real_files_without_a_type_get_the_sport_of_their_speeds(realdata, name, sport):
    (activity,) = parse_gpx((realdata / "gpx" / name).read_bytes())
    summary, _ = summarize(activity, "Europe/London")
    assert summary["sport"] == sport
    said = [w for w in summary["warnings"] if w.startswith("no activity type in the file")]
    assert len(said) == 1 and said[0].startswith(
        f"no activity type in the file: taken as {sport} from its speeds (median moving "
    )


def test_opentracks_totals_are_the_recorders_and_timer_stays_within_elapsed(realdata):
    (walk,) = parse_gpx((realdata / "gpx/opentracks_walk_hr_utc-offset.gpx").read_bytes())
    summary, _ = summarize(walk, "Europe/London")
    # Its TrackStatsExtension: Distance 1295.8912353515625, TimerTime 2015; points from
    # 10:27:48.17+02:00 to 11:01:20.984+02:00 (2012.8 s)
    assert (summary["distance_m"], summary["distance_source"]) == (
        pytest.approx(1295.89, rel=0.015),
        "device",
    )
    assert summary["timer_s"] == pytest.approx(2015, rel=0.01)
    assert summary["elapsed_s"] >= summary["timer_s"] >= summary["moving_s"]
    assert abs((summary["start_utc"] - utc("2025-08-30T10:27:48.17+02:00")).total_seconds()) <= 2


def test_apple_health_route_export_is_a_recorded_track(realdata):
    (run,) = parse_gpx(
        (realdata / "gpx/apple-health-export_route_speed-accuracy-ext.gpx").read_bytes()
    )
    assert run.samples.height == 44
    assert run.samples["t"][0] == utc("2019-12-15T20:19:55Z")
    assert run.samples["t"][-1] == utc("2019-12-15T20:20:38Z")
    assert run.name == "Route 2019-12-15 3:50pm"


def test_planned_route_without_times_is_not_an_activity(realdata):
    with pytest.raises(ParseError) as error:
        parse_gpx((realdata / "gpx/bikerouter_planned-route_no-timestamps.gpx").read_bytes())
    assert error.value.reason == NOT_AN_ACTIVITY + ": a planned route with no recorded times"
    assert error.value.hint == "export the recorded activity, not the route/course"


def test_every_real_gpx_parses_or_is_rejected_as_the_manifest_predicts(realdata):
    rejected = {"bikerouter_planned-route_no-timestamps.gpx"}
    for path in sorted((realdata / "gpx").glob("*.gpx")):
        if path.name in rejected:
            with pytest.raises(ParseError):
                parse_gpx(path.read_bytes())
        else:
            assert all(run.samples.height > 0 for run in parse_gpx(path.read_bytes())), path.name


def test_a_file_cut_short_keeps_its_complete_points_with_a_warning(realdata):
    data = (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    end_of_100th = 0
    for _ in range(100):
        end_of_100th = data.index(b"</trkpt>", end_of_100th) + len(b"</trkpt>")
    (run,) = parse_gpx(data[: end_of_100th + 40])
    assert run.samples.height == 100
    assert any(w.startswith("the file is cut short (line ") for w in run.warnings)


# ---- rules, on small hand-written files ----


@pytest.mark.parametrize(
    ("type_", "sport"),
    [
        ("running", "running"),
        ("Run", "running"),
        ("9", "running"),  # Strava's numeric type
        ("1", "cycling"),
        ("17", "cycling"),  # Strava numbers seen in real exports (sports.py)
        ("16", "swimming"),
        ("10", "walking"),
        ("4", "hiking"),
        ("Ride", "cycling"),
        ("biking", "cycling"),
        ("walk", "walking"),
        ("hike", "hiking"),
        ("swim", "swimming"),
        ("trail_running", "trail_running"),
        ("treadmill", "treadmill_running"),
    ],
)
def test_track_type_maps_to_our_sports(type_, sport):
    (activity,) = parse_gpx(one_run(point("2026-03-02T07:00:00Z"), type_=type_))
    assert activity.sport == sport
    assert activity.warnings == []


def test_an_unrecognised_type_is_other_with_a_warning():
    (activity,) = parse_gpx(one_run(point("2026-03-02T07:00:00Z"), type_="kitesurfing"))
    assert activity.sport == "other"
    assert activity.warnings == ["activity type 'kitesurfing' is not one we know: taken as other"]


def test_heart_rate_and_cadence_from_both_extension_versions_and_other_vendors():
    v1 = "<extensions><v1:TrackPointExtension><v1:hr>141</v1:hr><v1:cad>88</v1:cad></v1:TrackPointExtension></extensions>"
    v2 = "<extensions><v2:TrackPointExtension><v2:hr>142</v2:hr><v2:cad>89</v2:cad></v2:TrackPointExtension></extensions>"
    other = '<extensions><x:heartrate xmlns:x="urn:other">143</x:heartrate></extensions>'
    (run,) = parse_gpx(
        one_run(
            point("2026-03-02T07:00:00Z", extra=v1),
            point("2026-03-02T07:00:01Z", extra=v2),
            point("2026-03-02T07:00:02Z", extra=other),
        )
    )
    assert run.samples["hr"].to_list() == [141, 142, 143]
    assert run.samples["cad"].to_list() == [88, 89, None]


def test_gpx_1_0_namespace_and_times_without_offset():
    data = gpx(
        track([point("2026-03-02T07:00:00"), point("2026-03-02T07:00:05.5")]),
        namespace="http://www.topografix.com/GPX/1/0",
    )
    (run,) = parse_gpx(data)
    assert run.samples["t"].to_list() == [
        datetime(2026, 3, 2, 7, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 2, 7, 0, 5, 500000, tzinfo=UTC),
    ]
    assert "2 times had no UTC offset: taken as UTC" in run.warnings


def test_tracks_within_three_hours_are_one_activity_with_a_segment_each():
    first = track(["".join(point(f"2026-03-02T07:00:0{s}Z") for s in range(3))], type_="run")
    second = track([point("2026-03-02T08:30:00Z"), point("2026-03-02T08:30:01Z")], name="part 2")
    next_day = track([point("2026-03-03T07:00:00Z")], type_="walk", name="Stroll")
    runs = parse_gpx(gpx(first + second + next_day))
    assert [(r.name, r.sport, r.samples.height) for r in runs] == [
        ("Morning Run", "running", 5),
        ("Stroll", "walking", 1),
    ]
    assert runs[0].samples["seg"].to_list() == [0, 0, 0, 1, 1]
    assert [r.index_in_file for r in runs] == [0, 1]


def test_segments_number_from_zero_and_skip_empty_ones():
    data = gpx(
        track(
            [],
            [point("2026-03-02T07:00:00Z")],
            [point(None)],
            [point("2026-03-02T07:10:00Z"), point("2026-03-02T07:10:01Z")],
        )
    )
    (run,) = parse_gpx(data)
    assert run.samples["seg"].to_list() == [0, 1, 1]
    assert "1 points without a time were dropped" in run.warnings


def test_a_malformed_number_loses_only_that_value_with_one_warning():
    (run,) = parse_gpx(
        one_run(
            point("2026-03-02T07:00:00Z", lat="abc"),
            point("2026-03-02T07:00:01Z", lon="200"),
            point("2026-03-02T07:00:02Z", extra="<extensions><v1:hr>1x0</v1:hr></extensions>"),
        )
    )
    assert run.samples["lat"].to_list() == [None, 51.5, 51.5]
    assert run.samples["lon"].to_list() == [-0.1, None, -0.1]
    assert run.samples["hr"].to_list() == [None, None, None]
    assert run.warnings == ["3 malformed values were ignored (such as lat 'abc')"]


def test_null_island_points_are_left_for_cleaning():
    (run,) = parse_gpx(one_run(point("2026-03-02T07:00:00Z", lat="0", lon="0")))
    assert run.samples.select("lat", "lon").row(0) == (0.0, 0.0)


def test_a_time_stepping_back_keeps_its_point_in_place_at_the_time_reached():
    (run,) = parse_gpx(
        one_run(
            point("2026-03-02T07:00:00Z", lat="51.50"),
            point("2026-03-02T07:00:05Z", lat="51.51"),
            point("2026-03-02T07:00:03Z", lat="51.52"),
            point("2026-03-02T07:00:06Z", lat="51.53"),
        )
    )
    assert run.samples["lat"].to_list() == [51.50, 51.51, 51.52, 51.53]
    assert [t.second for t in run.samples["t"]] == [0, 5, 5, 6]
    assert run.warnings == [
        "1 points had a time earlier than a point before them (clock jitter): "
        "kept in recorded order, each at the latest time before it"
    ]


def test_track_parts_out_of_time_order_are_put_in_order_as_wholes():
    later = [point("2026-03-02T07:10:00Z", lat="51.6"), point("2026-03-02T07:10:01Z", lat="51.7")]
    earlier = [point("2026-03-02T07:00:00Z", lat="51.4"), point("2026-03-02T07:00:01Z", lat="51.5")]
    (run,) = parse_gpx(gpx(track(later, earlier, type_="run")))
    assert run.samples["lat"].to_list() == [51.4, 51.5, 51.6, 51.7]
    assert run.samples["seg"].to_list() == [0, 0, 1, 1]
    assert run.warnings == ["the file's track parts were not in time order: put in time order"]


def test_a_route_only_file_is_not_an_activity():
    data = gpx('<rte><name>Plan</name><rtept lat="1" lon="2"/><rtept lat="1.1" lon="2"/></rte>')
    with pytest.raises(ParseError, match="a planned route with no recorded times"):
        parse_gpx(data)


def test_broken_xml_names_the_line():
    data = b'<?xml version="1.0"?>\n<gpx xmlns="http://www.topografix.com/GPX/1/1">\n<trk><trkseg><trkpt lat="1" lon='
    with pytest.raises(ParseError) as error:
        parse_gpx(data)
    assert error.value.reason.startswith("the file is not valid GPX XML (line 3")
    assert error.value.hint


def test_a_tcx_file_is_not_gpx(realdata):
    with pytest.raises(
        ParseError, match="the file is not GPX: its first element is <TrainingCenterDatabase>"
    ):
        parse_gpx((realdata / "tcx/garmin-fr410_run_hr_3laps.tcx").read_bytes())


def test_samples_match_the_schema_even_without_any_optional_field():
    (run,) = parse_gpx(
        gpx(track(['<trkpt lat="1" lon="2"><time>2026-03-02T07:00:00Z</time></trkpt>']))
    )
    assert run.samples.schema == SAMPLE_SCHEMA
    assert run.samples.select(pl.all().null_count()).row(0, named=True) == {
        "t": 0,
        "lat": 0,
        "lon": 0,
        "ele": 1,
        "dist_m": 1,
        "hr": 1,
        "cad": 1,
        "seg": 0,
    }


def test_external_entities_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("club password")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY leak SYSTEM "file://{secret}">]>'
        f'<gpx xmlns="{GPX11}"><trk><name>&leak;</name><trkseg>{point("2026-03-02T07:00:00Z")}'
        "</trkseg></trk></gpx>"
    ).encode()
    (run,) = parse_gpx(data)
    assert "club password" not in (run.name or "")


def test_utf16_files_are_read():
    data = (
        one_run(point("2026-03-02T07:00:00Z")).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    )
    (run,) = parse_gpx(data)
    assert run.samples.height == 1


# ---- real-world faults (issue 16), on files built here, through summarize ----


def test_times_jittering_back_and_forth_keep_the_travelled_line():
    # 61 points 10 m apart, every 3 s; the exporter wrote the inner times 2 s late (odd points)
    # or 2 s early (even points), so each even point is timed 1 s before the odd one ahead of it.
    # Sorted by time they zig-zag: about twice the distance.
    seconds = [3 * k + (0 if k in (0, 60) else 2 if k % 2 else -2) for k in range(61)]
    (run,) = parse_gpx(gpx(track(northward(seconds, [10.0 * k for k in range(61)]), type_="run")))
    summary, _ = summarize(run, "Europe/London")
    assert summary["distance_m"] == pytest.approx(600.0, rel=0.015)
    assert summary["timer_s"] == pytest.approx(180.0, rel=0.01)  # first to last point: 0 to 180 s
    assert summary["elapsed_s"] >= summary["timer_s"] >= summary["moving_s"]
    assert summary["elapsed_s"] == pytest.approx(180.0, rel=0.01)
    assert abs((summary["start_utc"] - T0).total_seconds()) <= 2
    assert (
        "29 points had a time earlier than a point before them (clock jitter): "  # k = 2, 4, ... 58
        "kept in recorded order, each at the latest time before it"
    ) in summary["warnings"]


# A ride at 1 Hz: ten minutes at 8 m/s, then a minute's descent at 15 m/s (above running's 12 m/s
# spike limit): 4800 + 900 m.
RIDE_METRES = [8.0 * s if s <= 600 else 4800.0 + 15.0 * (s - 600) for s in range(661)]


@pytest.mark.parametrize(
    ("type_", "sport", "warning"),
    [
        ("17", "cycling", None),  # a Strava ride number
        (None, "cycling", "no activity type in the file: taken as cycling from its speeds "
         "(median moving 29 km/h)"),  # 8 m/s = 28.8 km/h
        ("99", "other", "activity type '99' is not one we know: taken as other"),
    ],
)  # fmt: skip
def test_a_ride_without_a_known_type_keeps_its_fast_descent(type_, sport, warning):
    data = gpx(track(northward(list(range(661)), RIDE_METRES), type_=type_, name="Ride"))
    (ride,) = parse_gpx(data)
    summary, _ = summarize(ride, "Europe/London")
    assert summary["sport"] == sport
    assert summary["is_running"] is False
    assert summary["distance_m"] == pytest.approx(5700.0, rel=0.015)
    assert summary["timer_s"] == pytest.approx(660.0, rel=0.01)
    assert not any(w.startswith("removed") for w in summary["warnings"])
    assert [w for w in summary["warnings"] if "type" in w] == ([warning] if warning else [])


def test_the_recorders_own_totals_are_the_activitys():
    # The recorder measured 6400 m and ran its timer 2 s before its first stored point (as
    # OpenTracks: 2015 s against 2012.8 s of points); the stored points, every 30 s and 100 m
    # apart, add up to 6000 m over 1800 s.
    stats = "<trkx:Distance>6400.0</trkx:Distance><trkx:TimerTime>1802</trkx:TimerTime>"
    points = northward([30.0 * k for k in range(61)], [100.0 * k for k in range(61)])
    (run,) = parse_gpx(gpx(track(points, type_="run", stats=stats)))
    summary, _ = summarize(run, "Europe/London")
    assert (summary["distance_m"], summary["distance_source"]) == (
        pytest.approx(6400.0, rel=0.015),
        "device",
    )
    assert summary["timer_s"] == pytest.approx(1802.0, rel=0.01)
    assert summary["elapsed_s"] >= summary["timer_s"] >= summary["moving_s"]
    assert abs((summary["start_utc"] - T0).total_seconds()) <= 2


def test_a_recorders_stated_elapsed_time_is_used():
    stats = (
        "<trkx:Distance>600.0</trkx:Distance><trkx:TimerTime>170</trkx:TimerTime>"
        "<trkx:TotalElapsedTime>200</trkx:TotalElapsedTime>"
    )
    points = northward([3.0 * k for k in range(61)], [10.0 * k for k in range(61)])
    (run,) = parse_gpx(gpx(track(points, type_="run", stats=stats)))
    summary, _ = summarize(run, "Europe/London")
    assert (summary["elapsed_s"], summary["timer_s"]) == (200.0, 170.0)
