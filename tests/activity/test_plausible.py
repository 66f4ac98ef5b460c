"""What a file states that cannot be true (issue 16, classes 6, 10 and 11): each fixture is built
here, and each test asserts the figure the file itself gives, or the reason for refusing it."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from pipelines.activity.plausible import consistent_durations
from pipelines.activity.summarize import summarize
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.schemas import SAMPLE_SCHEMA, ParsedActivity, ParseError

GPX = "http://www.topografix.com/GPX/1/1"
TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
STEP_DEG = 0.00003
STEP_M = 3.3358  # 0.00003 degrees of latitude on the IUGG mean-radius sphere


def gpx_run(times: list[str], hr: list[str] | None = None, cad: list[str] | None = None) -> bytes:
    """A running GPX with one point a second due north, the given times and sensor texts."""
    points = []
    for i, time in enumerate(times):
        sensors = ""
        if hr or cad:
            sensors = (
                "<extensions><gpxtpx:TrackPointExtension>"
                + (f"<gpxtpx:hr>{hr[i]}</gpxtpx:hr>" if hr else "")
                + (f"<gpxtpx:cad>{cad[i]}</gpxtpx:cad>" if cad else "")
                + "</gpxtpx:TrackPointExtension></extensions>"
            )
        points.append(
            f'<trkpt lat="{51.5 + i * STEP_DEG:.5f}" lon="-0.1"><time>{time}</time>{sensors}</trkpt>'
        )
    return (
        f'<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="{GPX}" '
        f'xmlns:gpxtpx="{TPX}"><trk><type>running</type><trkseg>{"".join(points)}'
        "</trkseg></trk></gpx>"
    ).encode()


def seconds_after(start: datetime, n: int) -> list[str]:
    return [(start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(n)]


def summary_of(data: bytes, name: str = "run.gpx") -> dict:
    (activity,) = parse_activity_file(name, data)
    summary, _ = summarize(activity, "Europe/London")
    return summary


# ---- class 6: "no reading" values are missing, never readings ----


def test_heart_rate_255_and_0_placeholders_are_not_readings():
    # 10 points: 6 real readings of 150 bpm, two 255s and two 0s written for "no contact"
    hr = ["150", "255", "150", "0", "150", "150", "255", "0", "150", "150"]
    summary = summary_of(gpx_run(seconds_after(T0, 10), hr=hr))
    assert summary["avg_hr"] == pytest.approx(150.0)
    assert summary["max_hr"] == 150.0
    assert (
        "ignored 4 heart-rate values outside 20 to 250 (the sensor's 'no reading' mark)"
        in summary["warnings"]
    )


def test_cadence_255_placeholders_are_not_readings():
    cad = ["85", "85", "255", "85", "255", "85"]
    summary = summary_of(gpx_run(seconds_after(T0, 6), cad=cad))
    assert summary["avg_cadence"] == pytest.approx(85.0)
    assert any(w.startswith("ignored 2 cadence values") for w in summary["warnings"])


def test_a_device_average_heart_rate_of_255_or_0_is_not_used():
    samples = pl.DataFrame(
        {
            "t": [T0 + timedelta(seconds=i) for i in range(5)],
            "lat": [51.5 + i * STEP_DEG for i in range(5)],
            "lon": [-0.1] * 5,
            "hr": [140.0, 150.0, 160.0, 150.0, 140.0],
        }
    ).with_columns(
        ele=pl.lit(None, pl.Float64), dist_m=pl.lit(None, pl.Float64), cad=pl.lit(None, pl.Float64)
    )
    for placeholder in (255.0, 0.0):
        activity = ParsedActivity(
            source_format="tcx",
            sport="running",
            samples=samples.with_columns(seg=pl.lit(0))
            .select(list(SAMPLE_SCHEMA))
            .cast(SAMPLE_SCHEMA),
            device_avg_hr=placeholder,
        )
        summary, _ = summarize(activity, "Europe/London")
        # time-weighted over the four 1-s intervals ending at 150, 160, 150, 140
        assert summary["avg_hr"] == pytest.approx((150 + 160 + 150 + 140) / 4)


def test_altitude_placeholder_is_not_an_elevation():
    data = gpx_run(seconds_after(T0, 4)).replace(b"<time>", b"<ele>-9999</ele><time>")
    summary = summary_of(data)
    assert summary["elev_gain_m"] is None
    assert any(w.startswith("ignored 4 altitude values") for w in summary["warnings"])


# ---- class 10: impossible times ----


def test_a_file_dated_at_the_32_bit_minimum_is_refused_with_the_reason():
    placeholder = datetime(1901, 12, 13, 20, 45, 52, tzinfo=UTC)
    data = gpx_run([placeholder.strftime("%Y-%m-%dT%H:%M:%SZ")] * 30)
    (activity,) = parse_activity_file("junk.gpx", data)
    with pytest.raises(ParseError) as refused:
        summarize(activity, "Europe/London")
    assert refused.value.reason.startswith(
        "every time in the file is impossible (such as 1901-12-13 20:45 UTC)"
    )
    assert refused.value.hint


def test_a_file_dated_far_in_the_future_is_refused():
    data = gpx_run(seconds_after(datetime(2106, 2, 7, 6, 0, tzinfo=UTC), 20))
    (activity,) = parse_activity_file("future.gpx", data)
    with pytest.raises(ParseError, match=r"impossible \(such as 2106-02-07 06:00 UTC\)"):
        summarize(activity, "Europe/London")


def test_a_few_points_at_a_reset_clock_are_left_out_and_the_run_kept():
    # a watch that wrote its first two points before its clock was set (1970, the Unix epoch)
    times = seconds_after(datetime(1970, 1, 1, tzinfo=UTC), 2) + seconds_after(T0, 61)
    summary = summary_of(gpx_run(times))
    assert summary["start_utc"] == T0
    assert summary["elapsed_s"] == pytest.approx(60.0)
    assert summary["n_points"] == 61
    (warning,) = summary["warnings"]
    assert warning.startswith("left out 2 points dated 1970-01-01 00:00 UTC")


def test_positions_that_say_undefined_and_no_reading_are_not_a_run():
    points = "".join(
        f'<trkpt lat="undefined" lon="undefined"><time>{time}</time></trkpt>'
        for time in seconds_after(T0, 30)
    )
    data = f'<gpx version="1.1" xmlns="{GPX}"><trk><trkseg>{points}</trkseg></trk></gpx>'.encode()
    (activity,) = parse_activity_file("junk.gpx", data)
    with pytest.raises(ParseError) as refused:
        summarize(activity, "Europe/London")
    assert refused.value.reason == (
        "the file holds no position, distance, heart rate or other reading, only times: "
        "nothing was recorded"
    )


# ---- class 11: doubly gzipped, self-contradicting totals, complete files read leniently ----


def test_a_doubly_gzipped_file_is_read():
    plain = gpx_run(seconds_after(T0, 61))
    summary = summary_of(gzip.compress(gzip.compress(plain)), "run.gpx.gz")
    assert summary["distance_m"] == pytest.approx(60 * STEP_M, rel=0.015)
    assert summary["timer_s"] == pytest.approx(60.0)
    assert summary["warnings"] == []


def test_a_file_read_to_its_end_does_not_say_only_part_was_used():
    # an undeclared namespace prefix breaks strict XML, yet every point is there
    data = gpx_run(seconds_after(T0, 61)).replace(b"<type>running</type>", b"<x:type>run</x:type>")
    (activity,) = parse_activity_file("run.gpx", data)
    assert activity.samples.height == 61
    (warning,) = [w for w in activity.warnings if "XML" in w or "cut short" in w]
    assert warning.startswith("the file breaks XML rules (line 1: ")
    assert warning.endswith("it was read leniently, to its end")


def test_trailing_bytes_after_a_complete_file_are_not_a_cut():
    data = gpx_run(seconds_after(T0, 61)) + b"\0" * 100
    (activity,) = parse_activity_file("run.gpx", data)
    assert activity.samples.height == 61
    assert not any("only its readable part" in w for w in activity.warnings)


def test_an_elapsed_time_of_weeks_for_two_hours_of_points_is_flagged():
    durations = consistent_durations(
        device_elapsed_s=21 * 86400.0, device_timer_s=7100.0, span_s=7200.0, samples_timer_s=7150.0
    )
    assert (durations.elapsed_s, durations.timer_s) == (7200.0, 7100.0)
    assert durations.warnings == [
        "the device's elapsed time (504.0 h) is far longer than its points (2.0 h): "
        "the points' span is used"
    ]


def test_a_timer_far_above_elapsed_is_flagged_and_never_reported():
    durations = consistent_durations(
        device_elapsed_s=3600.0, device_timer_s=36000.0, span_s=3600.0, samples_timer_s=3500.0
    )
    assert (durations.elapsed_s, durations.timer_s) == (3600.0, 3500.0)
    assert durations.warnings == [
        "the timer time (600.0 min) is above the elapsed time (60.0 min), which cannot be: "
        "58.3 min is used"
    ]


def test_consistent_device_totals_are_kept_as_stated():
    durations = consistent_durations(
        device_elapsed_s=3700.0, device_timer_s=3500.0, span_s=3600.0, samples_timer_s=3480.0
    )
    assert (durations.elapsed_s, durations.timer_s, durations.warnings) == (3700.0, 3500.0, [])
