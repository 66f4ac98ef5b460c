"""The activities row and cleaned samples for one parsed activity, on hand-made and real files."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines.activity.summarize import summarize
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.schemas import SAMPLE_SCHEMA, ParsedActivity, ParseError

T0 = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)  # Sunday afternoon in UTC, Monday morning in Sydney
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180  # haversine along a meridian: R * dphi

# docs/DATA_MODEL.md `activities`, without the keys the pipeline adds (activity_id, athlete_id,
# file_sha256, source, duplicate_of), plus trimp
SUMMARY_COLUMNS = [
    "source_format",
    "name",
    "sport",
    "is_running",
    "start_utc",
    "time_zone",
    "time_zone_source",
    "start_local",
    "local_date",
    "iso_year",
    "iso_week",
    "week_start",
    "distance_m",
    "distance_source",
    "elapsed_s",
    "timer_s",
    "moving_s",
    "elev_gain_m",
    "avg_hr",
    "max_hr",
    "avg_cadence",
    "n_points",
    "has_hr",
    "pace_s_per_km",
    "gap_s_per_km",
    "best_1k_s",
    "best_5k_s",
    "best_10k_s",
    "ef",
    "decoupling_pct",
    "is_steady",
    "trimp",
    "warnings",
]
SAMPLE_COLUMNS = ["t", "elapsed_s", "lat", "lon", "ele", "ele_smooth", "dist_m", "hr", "cad", "seg"]


def sydney_jog(sport: str | None = "running", points: int = 601) -> ParsedActivity:
    """Ten minutes at 3 m/s northwards from Sydney Harbour, HR 150, cadence 170, 1 Hz."""
    seconds = range(points)
    frame = pl.DataFrame(
        {
            "t": [T0 + timedelta(seconds=s) for s in seconds],
            "lat": [-33.8688 + 3 * s / METRES_PER_DEGREE for s in seconds],
            "lon": [151.2093] * points,
            "ele": [None] * points,
            "dist_m": [None] * points,
            "hr": [150.0] * points,
            "cad": [170.0] * points,
            "seg": [0] * points,
        },
        schema=SAMPLE_SCHEMA,
    )
    return ParsedActivity(
        source_format="gpx",
        sport=sport,
        samples=frame,
        name="Harbour jog",
        warnings=["parser says"],
    )


def test_summary_has_exactly_the_activity_columns_and_hand_values():
    summary, samples = summarize(sydney_jog(), "Europe/London", hr_rest=50, hr_max=190, sex="F")
    assert list(summary) == SUMMARY_COLUMNS
    assert samples.columns == SAMPLE_COLUMNS
    assert summary["start_utc"] == T0
    assert (summary["time_zone"], summary["time_zone_source"]) == ("Australia/Sydney", "gps")
    # 14:30 UTC Sunday is 01:30 AEDT Monday: a new ISO week in Sydney
    assert summary["start_local"] == datetime(2026, 3, 2, 1, 30)
    assert (summary["local_date"], summary["iso_week"], summary["week_start"]) == (
        date(2026, 3, 2),
        10,
        date(2026, 3, 2),
    )
    assert summary["distance_source"] == "gps"
    assert summary["distance_m"] == pytest.approx(1800.0)
    assert (summary["elapsed_s"], summary["timer_s"], summary["moving_s"]) == (600.0, 600.0, 600.0)
    assert summary["pace_s_per_km"] == pytest.approx(1000 / 3)
    assert summary["gap_s_per_km"] == pytest.approx(1000 / 3)  # no elevation: flat
    assert summary["best_1k_s"] == pytest.approx(1000 / 3)
    assert summary["best_5k_s"] is None
    assert (summary["avg_hr"], summary["max_hr"], summary["avg_cadence"]) == (150.0, 150.0, 170.0)
    assert (summary["n_points"], summary["has_hr"], summary["elev_gain_m"]) == (601, True, None)
    d = 100 / 140
    assert summary["trimp"] == pytest.approx(10 * d * 0.86 * math.exp(1.67 * d))
    assert summary["warnings"] == ["parser says"]


def test_other_sports_get_durations_and_load_but_no_pace_figures():
    summary, _ = summarize(sydney_jog("cycling"), "Europe/London", hr_rest=50, hr_max=190)
    assert summary["is_running"] is False
    assert summary["distance_m"] == pytest.approx(1800.0)
    assert summary["moving_s"] == 600.0
    assert summary["trimp"] is not None
    not_for_cycling = ["pace_s_per_km", "gap_s_per_km", "best_1k_s", "ef", "decoupling_pct"]
    assert [summary[name] for name in not_for_cycling] == [None] * 5
    assert summary["is_steady"] is False


def test_without_positions_the_roster_zone_is_used_and_cleaning_warnings_are_added():
    jog = sydney_jog()
    no_fix = jog.samples.with_columns(
        lat=pl.lit(0.0), lon=pl.lit(0.0), dist_m=pl.int_range(0, 601).cast(pl.Float64) * 3
    )
    summary, samples = summarize(replace(jog, samples=no_fix), "America/New_York")
    assert (summary["time_zone"], summary["time_zone_source"]) == ("America/New_York", "roster")
    assert summary["start_local"] == datetime(2026, 3, 1, 9, 30)
    assert summary["distance_source"] == "device"
    assert summary["warnings"] == ["parser says", "removed 601 points at 0,0"]
    assert samples["lat"].null_count() == 601


def test_device_totals_win_and_moving_never_exceeds_timer():
    jog = sydney_jog()
    with_stream = jog.samples.with_columns(dist_m=pl.int_range(0, 601).cast(pl.Float64) * 2.99)
    stated = {"device_distance_m": 1795.0, "device_timer_s": 590.0, "device_avg_hr": 149}
    summary, _ = summarize(replace(jog, samples=with_stream, **stated), "Europe/London")
    assert (summary["distance_m"], summary["distance_source"]) == (1795.0, "device")
    # a stated total wins over the GPS distance too (a GPX recorder's TrackStatsExtension)
    gps, _ = summarize(replace(jog, device_distance_m=1795.0), "Europe/London")
    assert (gps["distance_m"], gps["distance_source"]) == (1795.0, "device")
    assert (summary["timer_s"], summary["moving_s"]) == (590.0, 590.0)
    assert summary["avg_hr"] == 149.0


@pytest.mark.parametrize(
    ("metres_per_second", "sport", "median_kmh"),
    [(1.2, "walking", "4"), (3.0, "running", "11"), (8.0, "cycling", "29")],  # x 3.6
)
def test_without_a_stated_sport_the_speeds_decide(metres_per_second, sport, median_kmh):
    jog = sydney_jog(sport=None)
    steady = jog.samples.with_columns(
        lat=-33.8688 + metres_per_second * pl.int_range(0, 601) / METRES_PER_DEGREE
    )
    summary, _ = summarize(replace(jog, samples=steady), "Europe/London")
    assert summary["sport"] == sport
    assert summary["warnings"] == [
        "parser says",
        f"no activity type in the file: taken as {sport} from its speeds "
        f"(median moving {median_kmh} km/h)",
    ]


def test_without_a_stated_sport_or_any_distance_the_activity_is_other():
    jog = sydney_jog(sport=None)
    indoors = jog.samples.with_columns(lat=pl.lit(None, dtype=pl.Float64), lon=pl.lit(None))
    summary, _ = summarize(replace(jog, samples=indoors), "Europe/London")
    assert (summary["sport"], summary["is_running"]) == ("other", False)
    assert summary["warnings"] == [
        "parser says",
        "no activity type in the file and no speeds to judge it by: taken as other",
    ]


def test_an_activity_without_any_time_is_refused_readably():
    untimed = sydney_jog().samples.with_columns(t=pl.lit(None, dtype=SAMPLE_SCHEMA["t"]))
    with pytest.raises(ParseError, match="no start time"):
        summarize(replace(sydney_jog(), samples=untimed), "Europe/London")


# MANIFEST.md device totals: (file, activity index, total_distance_m, total_timer_time_s); for TCX the
# sum over laps, identical laps once (the null-island file writes its one lap twice).
MANIFEST_TOTALS = [
    ("fit/garmin-fenix5_run_hr_short.fit", 0, 157.56, 56.887),
    ("fit/garmin-fr110_run_hr_5laps.fit", 0, 4835.38, 2625.14),
    ("fit/garmin-venusq_run_hr_landal-park.fit", 0, 3322.95, 1428.038),
    ("fit/stryd_run_developer-fields.fit", 0, 6753.99, 3424.0),
    ("fit/garmin-fr70_run_footpod-no-gps_system-time.fit", 0, 10248.67, 3772.75),
    ("fit/wahoo-elemnt_ride_hr_many-pauses.fit", 0, 78940.55, 13471.0),
    ("fit/garmin-vivoactivehr_indoor-rowing_no-gps.fit", 0, 0.0, 1707.308),
    ("fit/corrupt_crc-mismatch.fit", 0, 5.73, 13.749),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 0, 1644.71, 1987.521),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 1, 141.7, 170.269),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 2, 40909.42, 4422.14),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 3, 31.93, 60.724),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 4, 9805.92, 2850.694),
    ("strava_export/activities/12866632127.fit.gz", 0, 3322.95, 1428.038),
    ("tcx/garmin-fr410_run_hr_3laps.tcx", 0, 4689.243, 1992.78),
    ("tcx/garmin_run_scrubbed-gps-hr.tcx.gz", 0, 5030.68, 2014.0),
    ("tcx/garmin-vivoactivehr_xc-ski_sport-other_hr.tcx", 0, 5692.01, 2401.26),
    # points covering only part of the laps: the laps are the record
    ("tcx/garmin-fr305_run_1lap-3tracks_points-without-position.tcx", 0, 8348.504, 2325.02),
    ("tcx/fitbit-versa_ride_hr_utc-offset.tcx", 0, 6839.97, 2283.0),
    ("tcx/fitbit_ride_null-island-positions.tcx", 0, 6839.97, 2283.0),
]
# Files long enough, and with real positions, for GPS distance and sample timer to be judged alone
# (the 57 s Fenix run, 13 s CRC file and transitions are too short for 1.5%; FR70 and rowing have
# no GPS; the scrubbed TCX has every position at 1,-1).
GPS_JUDGED = {
    ("fit/garmin-fr110_run_hr_5laps.fit", 0),
    ("fit/garmin-venusq_run_hr_landal-park.fit", 0),
    ("fit/stryd_run_developer-fields.fit", 0),
    ("fit/wahoo-elemnt_ride_hr_many-pauses.fit", 0),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 0),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 2),
    ("fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit", 4),
    ("tcx/garmin-fr410_run_hr_3laps.tcx", 0),
    ("tcx/garmin-vivoactivehr_xc-ski_sport-other_hr.tcx", 0),
}


def parsed(realdata: Path, name: str, index: int) -> ParsedActivity:
    """Activity `index` of a real file, through the project's own parser."""
    return parse_activity_file(name, (realdata / name).read_bytes())[index]


@pytest.mark.parametrize(("name", "index", "distance_m", "timer_s"), MANIFEST_TOTALS)
def test_real_file_totals_match_the_device(realdata, name, index, distance_m, timer_s):
    summary, samples = summarize(parsed(realdata, name, index), "Europe/London")
    assert summary["distance_m"] == pytest.approx(distance_m, rel=0.015, abs=1.0)
    assert summary["timer_s"] == pytest.approx(timer_s, rel=0.01)
    assert summary["moving_s"] <= summary["timer_s"]
    assert samples.height == summary["n_points"]


@pytest.mark.parametrize(
    ("name", "index", "distance_m", "timer_s"),
    [row for row in MANIFEST_TOTALS if row[:2] in GPS_JUDGED],
)
def test_gps_distance_and_sample_timer_alone_match_the_device(
    realdata, name, index, distance_m, timer_s
):
    activity = parsed(realdata, name, index)
    gps_only = replace(
        activity,
        samples=activity.samples.with_columns(dist_m=pl.lit(None, dtype=pl.Float64)),
        device_distance_m=None,
        device_timer_s=None,
        device_elapsed_s=None,
    )
    summary, _ = summarize(gps_only, "Europe/London")
    assert summary["distance_source"] == "gps"
    assert summary["distance_m"] == pytest.approx(distance_m, rel=0.015)
    assert summary["timer_s"] == pytest.approx(timer_s, rel=0.01)
    assert summary["moving_s"] <= summary["timer_s"]


def test_strava_agrees_on_the_moving_time_of_its_copy(realdata):
    # activities.csv of the Strava export: Moving Time = 1411.0 s for this run
    summary, _ = summarize(
        parsed(realdata, "strava_export/activities/12866632127.fit.gz", 0), "Europe/London"
    )
    assert summary["moving_s"] == pytest.approx(1411.0, rel=0.01)
    assert (summary["time_zone"], summary["local_date"]) == ("Europe/Berlin", date(2022, 5, 29))
