"""parse_fit on the real FIT files (MANIFEST facts, fitparse's oracle values, damaged files) and on
small FIT files built here to show one fault each."""

from __future__ import annotations

import csv
import random
import statistics
import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.activity.summarize import summarize
from pipelines.demo.fit_encoding import FIT_EPOCH_UNIX, Message, fit_file
from pipelines.parsers.activity.fit import CRC_WARNING, NO_DATE, TOTALS_ONLY, parse_fit
from pipelines.parsers.schemas import NOT_AN_ACTIVITY, SAMPLE_SCHEMA, ParseError
from tests.conftest import REALDATA


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _fit(realdata: Path, name: str) -> bytes:
    return (realdata / "fit" / name).read_bytes()


# MANIFEST facts: sport, session start, records (with HR, with GPS), first/last record time,
# session total distance, timer, elapsed, average HR.
SINGLE_ACTIVITY_FILES = {
    "garmin-fenix5_run_hr_short.fit": (
        "running", "2017-06-11 14:34:09", 21, 21, 21, "2017-06-11 14:35:06",
        157.56, 56.887, 56.887, 90,
    ),
    "garmin-fr110_run_hr_5laps.fit": (
        "running", "2013-02-06 12:11:14", 590, 590, 583, "2013-02-06 12:54:58",
        4835.38, 2625.14, 2625.14, 147,
    ),
    "garmin-venusq_run_hr_landal-park.fit": (
        "running", "2022-05-29 15:53:35", 326, 326, 326, "2022-05-29 16:17:23",
        3322.95, 1428.038, 1428.038, 136,
    ),
    "stryd_run_developer-fields.fit": (
        "running", "2017-01-17 17:06:47", 3424, 3424, 3424, "2017-01-17 18:03:50",
        6753.99, 3424.0, 3424.0, None,
    ),
    "wahoo-elemnt_ride_hr_many-pauses.fit": (
        "cycling", "2019-02-17 06:26:44", 13471, 13402, 13348, "2019-02-17 12:59:55",
        78940.55, 13471.0, 23595.0, 124,
    ),
    "garmin-vivoactivehr_indoor-rowing_no-gps.fit": (
        "rowing", "2017-05-18 16:37:30", 1641, 1641, 0, "2017-05-18 17:05:59",
        0.0, 1707.308, 1707.308, 132,
    ),
    "corrupt_crc-mismatch.fit": (
        "running", "2012-04-09 21:22:26", 14, 0, 14, "2012-04-09 21:22:39",
        5.73, 13.749, 13.749, None,
    ),
    "sigma_ride_unterminated_no-session.fit": (
        "cycling", "2020-09-12 12:23:38", 14391, 14391, 14391, "2020-09-12 17:02:21",
        None, None, None, None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", SINGLE_ACTIVITY_FILES)
def test_manifest_facts(realdata: Path, name: str) -> None:
    sport, start, n, with_hr, with_gps, last, distance, timer, elapsed, avg_hr = (
        SINGLE_ACTIVITY_FILES[name]
    )
    (activity,) = parse_fit(_fit(realdata, name))
    samples = activity.samples
    assert samples.schema == pl.Schema(SAMPLE_SCHEMA)
    assert (activity.source_format, activity.sport, activity.index_in_file) == ("fit", sport, 0)
    assert activity.start_utc == _utc(start)
    assert samples.height == n
    assert samples["hr"].count() == with_hr
    assert samples["lat"].count() == samples["lon"].count() == with_gps
    assert samples["t"].min() == _utc(start)
    assert samples["t"].max() == _utc(last)
    assert samples["t"].is_sorted()
    assert activity.device_distance_m == distance
    assert activity.device_timer_s == timer
    assert activity.device_elapsed_s == elapsed
    assert activity.device_avg_hr == avg_hr


def test_fr110_distance_stream_reaches_the_session_total(realdata: Path) -> None:
    (activity,) = parse_fit(_fit(realdata, "garmin-fr110_run_hr_5laps.fit"))
    assert activity.samples["dist_m"][-1] == pytest.approx(4835.38, rel=0.015)
    assert activity.warnings == []


def _pacific(text: str) -> datetime:
    """fitparse's oracle writes times like "Sun Jun 11 07:34:09 PDT 2017" (PDT = UTC-7)."""
    local = datetime.strptime(text.replace(" PDT", ""), "%a %b %d %H:%M:%S %Y")
    return (local + timedelta(hours=7)).replace(tzinfo=UTC)


def test_fenix5_matches_fitparse_oracle(realdata: Path) -> None:
    with (realdata / "fit/garmin-fenix5_run_hr_short.records.csv").open() as handle:
        oracle = list(csv.DictReader(handle))
    (activity,) = parse_fit(_fit(realdata, "garmin-fenix5_run_hr_short.fit"))
    samples = activity.samples.to_dicts()
    assert len(oracle) == len(samples) == 21
    for expected, got in zip(oracle, samples, strict=True):
        assert got["t"] == _pacific(expected["timestamp"])
        assert got["hr"] == float(expected["heart_rate"])
        assert got["cad"] == float(expected["cadence"])
        assert got["dist_m"] == pytest.approx(float(expected["distance"]), abs=1e-9)
        assert got["lat"] == pytest.approx(int(expected["position_lat"]) * 180 / 2**31, abs=1e-12)
        assert got["lon"] == pytest.approx(int(expected["position_long"]) * 180 / 2**31, abs=1e-12)
        assert got["ele"] == pytest.approx(float(expected["altitude"]), abs=1e-9)
    assert samples[-1]["lat"] == pytest.approx(38.23, abs=0.01)  # 456084072 semicircles


def test_fr70_footpod_run_matches_fitparse_oracle(realdata: Path) -> None:
    with (realdata / "fit/garmin-fr70_run_footpod-no-gps_system-time.records.csv").open() as f:
        oracle = list(csv.reader(f))[1:]
    (activity,) = parse_fit(_fit(realdata, "garmin-fr70_run_footpod-no-gps_system-time.fit"))
    samples = activity.samples
    # the oracle skips the first record, which holds nothing but a time
    assert samples.height == len(oracle) + 1 == 755
    assert samples.row(0, named=True)["hr"] is None
    assert samples["hr"][1:].to_list() == [float(row[1]) for row in oracle]
    assert samples["dist_m"][1:].to_list() == [float(row[3]) for row in oracle]
    seconds = (samples["t"][1:] - samples["t"][0]).dt.total_seconds().to_list()
    assert seconds == [int(row[0]) - 17217864 for row in oracle]


def test_fr70_without_gps_or_utc_time_is_kept_on_its_local_clock(realdata: Path) -> None:
    (activity,) = parse_fit(_fit(realdata, "garmin-fr70_run_footpod-no-gps_system-time.fit"))
    # Record times count seconds since power-on; the only date in the file is the activity
    # message's local_timestamp, 2012-02-13 12:21:03 local time at system time 17221751.
    # The session starts at system time 17217864, 3887 s earlier: 11:16:16 local.
    assert activity.start_utc == _utc("2012-02-13 11:16:16")
    assert activity.samples["lat"].null_count() == 755
    assert activity.samples["seg"].max() == 1  # one stop_all ... start pause
    assert (activity.device_distance_m, activity.device_avg_hr) == (10248.67, 170)
    assert any("local clock time" in warning for warning in activity.warnings)


def test_fr70_without_its_local_timestamp_has_no_date(realdata: Path) -> None:
    data = _fit(realdata, "garmin-fr70_run_footpod-no-gps_system-time.fit")
    local = int((datetime(2012, 2, 13, 12, 21, 3) - datetime(1989, 12, 31)).total_seconds())
    assert data.count(local.to_bytes(4, "little")) == 1
    with pytest.raises(ParseError) as error:
        parse_fit(data.replace(local.to_bytes(4, "little"), b"\xff\xff\xff\xff"))
    assert error.value.reason == NO_DATE
    assert "app" in error.value.hint


def test_triathlon_chained_file_gives_one_activity_per_session(realdata: Path) -> None:
    activities = parse_fit(_fit(realdata, "garmin-fr920xt_triathlon_multisport_chained-fit.fit"))
    expected = [  # MANIFEST: sport, start, total distance, timer (= elapsed), average HR
        ("swimming", "2018-05-27 07:33:01", 1644.71, 1987.521, 165),
        ("other", "2018-05-27 08:06:08", 141.7, 170.269, 176),
        ("cycling", "2018-05-27 08:08:58", 40909.42, 4422.14, 172),
        ("other", "2018-05-27 09:22:40", 31.93, 60.724, 164),
        ("running", "2018-05-27 09:23:41", 9805.92, 2850.694, 176),
    ]
    assert len(activities) == 5
    for index, (activity, facts) in enumerate(zip(activities, expected, strict=True)):
        sport, start, distance, timer, avg_hr = facts
        assert activity.index_in_file == index
        assert (activity.sport, activity.start_utc) == (sport, _utc(start))
        assert (activity.device_distance_m, activity.device_timer_s) == (distance, timer)
        assert (activity.device_elapsed_s, activity.device_avg_hr) == (timer, avg_hr)
        # FIT start times are whole seconds: the last record may fall within a second after the end
        end = _utc(start) + timedelta(seconds=timer + 1)
        assert activity.samples["t"].min() >= _utc(start)
        assert activity.samples["t"].max() <= end
        # each leg's distance stream counts from the leg's start, near the device total
        assert activity.samples["dist_m"].max() == pytest.approx(distance, rel=0.04)
    assert sum(a.samples.height for a in activities) == 1773  # MANIFEST: every record, once
    assert activities[-1].samples["dist_m"].max() == pytest.approx(9805.92, rel=0.01)


def test_triathlon_cut_mid_ride_keeps_the_unsummed_leg(realdata: Path) -> None:
    data = _fit(realdata, "garmin-fr920xt_triathlon_multisport_chained-fit.fit")
    # Byte 20000 falls among the ride's records: after the T1 session message (byte 8994) and the
    # ride's sport message (9500), before the ride's session message (32051).
    swim, t1, ride = parse_fit(data[:20000])
    assert [a.sport for a in (swim, t1, ride)] == ["swimming", "other", "cycling"]
    assert (swim.device_distance_m, t1.device_distance_m, ride.device_distance_m) == (
        1644.71,
        141.7,
        None,
    )
    assert ride.start_utc > _utc("2018-05-27 08:08:58")  # the ride's records, no summary
    assert swim.warnings == t1.warnings == ride.warnings
    assert swim.warnings[0].startswith("truncated: salvaged")


def test_timer_pauses_become_segments(realdata: Path) -> None:
    (ride,) = parse_fit(_fit(realdata, "wahoo-elemnt_ride_hr_many-pauses.fit"))
    # MANIFEST: 56 timer starts (the first opens the ride), 56 stops and a final stop_all
    assert ride.samples["seg"].n_unique() == 56
    spans = ride.samples.group_by("seg").agg(
        (pl.col("t").max() - pl.col("t").min()).dt.total_seconds()
    )
    # 1 s recording: the segments cover the timer time, less at most a second per pause
    assert 13471 - 56 <= spans["t"].sum() <= 13471
    (sigma,) = parse_fit(_fit(realdata, "sigma_ride_unterminated_no-session.fit"))
    assert sigma.samples["seg"].n_unique() == 9  # MANIFEST: 9 timer starts, 8 stops


def test_crc_mismatch_is_read_with_a_warning(realdata: Path) -> None:
    (activity,) = parse_fit(_fit(realdata, "corrupt_crc-mismatch.fit"))
    assert activity.warnings == [CRC_WARNING]
    (clean,) = parse_fit(_fit(realdata, "garmin-fenix5_run_hr_short.fit"))
    assert CRC_WARNING not in clean.warnings


def test_unterminated_sigma_file_is_salvaged(realdata: Path) -> None:
    (activity,) = parse_fit(_fit(realdata, "sigma_ride_unterminated_no-session.fit"))
    # the last message runs past the end of the file: every record before it is complete
    assert activity.warnings == ["truncated: salvaged 14391 records"]
    assert activity.sport == "cycling"  # from the sport message: the file has no session


def _raw_records(data: bytes) -> tuple[list[dict], dict]:
    """An independent reading of a one-file, little-endian FIT file without compressed headers:
    its field_description messages (number -> raw bytes) and the raw record values by field number
    (developer fields by ("dev", number)), each a list of bytes."""
    descriptions, records = [], {}
    definitions, pos, end = {}, data[0], data[0] + struct.unpack("<I", data[4:8])[0]
    while pos < end:
        header = data[pos]
        if header & 0x40:
            (number,), count = struct.unpack("<H", data[pos + 3 : pos + 5]), data[pos + 5]
            fields = [tuple(data[pos + 6 + 3 * i : pos + 9 + 3 * i]) for i in range(count)]
            pos += 6 + 3 * count
            extra = []
            if header & 0x20:
                extra = [tuple(data[pos + 1 + 3 * i : pos + 4 + 3 * i]) for i in range(data[pos])]
                pos += 1 + 3 * data[pos]
            definitions[header & 0x0F] = (number, fields, extra)
            continue
        number, fields, extra = definitions[header & 0x0F]
        pos += 1
        values = {}
        for field, size, _ in fields:
            values[field] = data[pos : pos + size]
            pos += size
        for field, size, _ in extra:
            values["dev", field] = data[pos : pos + size]
            pos += size
        if number == 206:
            descriptions.append(values)
        elif number == 20:
            for key, value in values.items():
                records.setdefault(key, []).append(value)
    return descriptions, records


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    """Median, p25 and p75 with linear interpolation between the sorted values."""
    p25, median, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return median, p25, p75


def test_stryd_running_dynamics_and_developer_fields(realdata: Path) -> None:
    data = _fit(realdata, "stryd_run_developer-fields.fit")
    descriptions, raw = _raw_records(data)
    (activity,) = parse_fit(data)
    # names and units as the field_description messages state them, with their base types
    named = {
        d[1][0]: (d[3].rstrip(b"\0").decode(), d[8].rstrip(b"\0").decode()) for d in descriptions
    }
    assert named == {
        8: ("Form Power", "Watts"),
        9: ("Leg Spring Stiffness", "KN/m"),
        5: ("Speed", "M/S"),
        6: ("Distance", "Meters"),
    }
    fields = {f.field_number: f for f in activity.developer_fields}
    assert {n: (f.name, f.units) for n, f in fields.items()} == named
    form_power = [struct.unpack("<H", v)[0] for v in raw["dev", 8]]  # uint16 (base type 0x84)
    stiffness = [struct.unpack("<f", v)[0] for v in raw["dev", 9]]  # float32 (0x88)
    assert (fields[8].records, fields[9].records) == (3424, 3424)
    assert (fields[8].median, fields[8].p25, fields[8].p75) == pytest.approx(_quartiles(form_power))
    assert (fields[9].median, fields[9].p25, fields[9].p75) == pytest.approx(_quartiles(stiffness))
    dynamics = activity.dynamics
    assert (
        dynamics["form_power_w_median"],
        dynamics["leg_spring_stiffness_kn_m_median"],
    ) == pytest.approx((statistics.median(form_power), statistics.median(stiffness)))

    # native fields, zeros (the pod before its first step) left out: cadence strides/min x 2,
    # stance time and vertical oscillation stored x 10, power in W
    def native(number: int, scale: float) -> list[float]:
        values = [struct.unpack("<B" if len(v) == 1 else "<H", v)[0] for v in raw[number]]
        return [value / scale for value in values if value]

    for column, number, scale in (
        ("cadence_spm", 4, 0.5), ("gct_ms", 41, 10), ("vo_mm", 39, 10), ("power_w", 7, 1)
    ):  # fmt: skip
        expected = _quartiles(native(number, scale))
        got = tuple(dynamics[f"{column}_{statistic}"] for statistic in ("median", "p25", "p75"))
        assert got == pytest.approx(expected), column
    # what the file does not hold stays empty: no balance, ground contact %, ratio or step length
    for column in ("gct_balance_left_pct", "gct_pct", "vertical_ratio_pct", "step_length_mm"):
        assert f"{column}_median" not in dynamics
    assert activity.watch_rpe is None and activity.watch_feel is None
    assert activity.warnings == []
    assert activity.samples["cad"].count() == 3424


def test_course_file_is_not_an_activity(realdata: Path) -> None:
    with pytest.raises(ParseError) as error:
        parse_fit(_fit(realdata, "bikerouter_course-file_not-an-activity.fit"))
    assert error.value.reason == f"{NOT_AN_ACTIVITY}: a course or planned route"
    assert error.value.hint == "export the recorded activity, not the course"


def test_file_cut_before_its_first_record_is_refused(realdata: Path) -> None:
    data = _fit(realdata, "garmin-fr110_run_hr_5laps.fit")
    with pytest.raises(ParseError) as error:
        parse_fit(data[:373])  # the first record message starts at byte 373
    assert error.value.reason == "the file is truncated before its first recorded point"


@pytest.mark.parametrize("data", [b"", b"hello", b"<?xml version='1.0'?><gpx/>", bytes(64)])
def test_bytes_that_are_not_fit_are_refused(data: bytes) -> None:
    with pytest.raises(ParseError) as error:
        parse_fit(data)
    assert error.value.reason.startswith("not a FIT file")


def _activities_or_parse_error(data: bytes) -> list:
    try:
        return parse_fit(data)
    except ParseError as error:
        assert error.reason
        return []


@pytest.mark.timeout(120)
def test_cutting_fr110_anywhere_salvages_or_refuses(realdata: Path) -> None:
    data = _fit(realdata, "garmin-fr110_run_hr_5laps.fit")
    for cut in random.Random(3).sample(range(1, len(data) - 2), 20):
        for activity in _activities_or_parse_error(data[:cut]):
            (warning,) = [w for w in activity.warnings if w.startswith("truncated")]
            salvaged = int(warning.split()[2])
            assert 0 < salvaged <= 590
            assert activity.samples.height == salvaged


FUZZ_SEED = (
    (REALDATA / "fit/garmin-fenix5_run_hr_short.fit").read_bytes() if REALDATA.is_dir() else b""
)


@pytest.mark.timeout(300)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, max(len(FUZZ_SEED) - 1, 0)), st.integers(0, 255)), max_size=8
    ),
    cut=st.integers(0, len(FUZZ_SEED)),
)
def test_damaged_bytes_give_activities_or_a_parse_error(edits: list, cut: int) -> None:
    if not FUZZ_SEED:
        pytest.skip("real-data folder absent")
    data = bytearray(FUZZ_SEED[:cut])
    for at, value in edits:
        if at < len(data):
            data[at] = value
    _activities_or_parse_error(bytes(data))


@pytest.mark.timeout(300)
@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=400))
def test_random_bodies_behind_a_fit_header_never_crash(body: bytes) -> None:
    header = bytes([12, 16, 0, 0]) + len(body).to_bytes(4, "little") + b".FIT"
    _activities_or_parse_error(header + body)


# Small FIT files for one fault each, written with the demo club's encoder (FIT profile numbers).
T0 = datetime(2024, 3, 2, 9, 0, tzinfo=UTC)
START = T0.timestamp()
TIMER, START_EVENT, STOP, STOP_ALL = 0, 0, 1, 4  # event, event_type
RUNNING, WALKING, SWIMMING, LAP_SWIMMING = 1, 11, 5, 17  # sport, sub_sport
TOTALS = ("total_elapsed_time", "total_timer_time", "total_distance")
FILE_ID = Message(0, "file_id", ("type", "time_created"))
EVENT = Message(1, "event", ("timestamp", "event", "event_type"))
RECORD = Message(2, "record", ("timestamp", "distance", "heart_rate"))
SESSION_FIELDS = ("start_time", "sport", "sub_sport", *TOTALS)
SESSION = Message(3, "session", SESSION_FIELDS)
UNDATED_SESSION = Message(4, "session", ("sport", *TOTALS))
LAP = Message(5, "lap", ("start_time", *TOTALS))


def _fit_file(*messages: Message, body: bytes) -> bytes:
    """A FIT activity file: the definitions, a file_id message, then `body`."""
    definitions = b"".join(message.definition for message in (FILE_ID, *messages))
    return fit_file(definitions + FILE_ID.pack(type=4, time_created=START) + body)


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_timer_events_written_before_the_records_place_pauses_by_time() -> None:
    # An app that writes every timer event first: start at 0 s, stop at 599 s, start again at
    # 900 s, stop_all at 1499 s. Then a record a second at 3 m/s while the timer runs, the session.
    seconds = np.r_[np.arange(600), np.arange(900, 1500)]
    events = EVENT.pack(
        timestamp=START + np.array([0, 599, 900, 1499]),
        event=TIMER,
        event_type=[START_EVENT, STOP, START_EVENT, STOP_ALL],
    )
    records = RECORD.pack(timestamp=START + seconds, distance=np.arange(1200) * 3.0, heart_rate=140)
    # by hand: 599 s + 599 s on the timer, 1499 s from start to end, 1199 steps of 3 m
    session = SESSION.pack(
        start_time=START, sport=RUNNING, sub_sport=0,
        total_elapsed_time=1499, total_timer_time=1198, total_distance=3597,
    )  # fmt: skip
    (run,) = parse_fit(_fit_file(EVENT, RECORD, SESSION, body=events + records + session))
    segments = run.samples.group_by("seg", maintain_order=True).agg(
        first=pl.col("t").min(), last=pl.col("t").max()
    )
    assert segments.rows() == [(0, _at(0), _at(599)), (1, _at(900), _at(1499))]
    # the samples alone give the device's figures: timer below elapsed, moving not above timer
    summary, _ = summarize(replace(run, device_timer_s=None, device_elapsed_s=None), "UTC")
    assert summary["timer_s"] == pytest.approx(1198, rel=0.01)
    assert summary["elapsed_s"] == 1499
    assert summary["moving_s"] <= summary["timer_s"]
    assert summary["distance_m"] == pytest.approx(3597, rel=0.015)


def test_pool_swim_whose_records_have_no_time_keeps_the_session_totals() -> None:
    # A watch's pool swim: 3 laps of 20 lengths of 25 m, 25 s a length and 100 s of rest after
    # each lap; laps, lengths and session are dated, the 60 records hold heart rate and no time.
    length = Message(6, "length", ("start_time", "total_elapsed_time", "total_timer_time"))
    record = Message(7, "record", ("heart_rate",))
    session = Message(
        8, "session", ("start_time", "sport", "sub_sport", *TOTALS, "first_lap_index", "num_laps")
    )
    lap_starts = START + np.array([0, 600, 1200])
    body = length.pack(
        start_time=np.repeat(lap_starts, 20) + np.tile(np.arange(20) * 25, 3),
        total_elapsed_time=25,
        total_timer_time=25,
    )
    body += record.pack(heart_rate=np.linspace(120, 150, 60).round())
    body += LAP.pack(
        start_time=lap_starts, total_elapsed_time=600, total_timer_time=500, total_distance=500
    )
    # by hand: 3 x 500 m and 3 x 500 s on the timer; 1800 s from the first length to the end
    body += session.pack(
        start_time=START, sport=SWIMMING, sub_sport=LAP_SWIMMING,
        total_elapsed_time=1800, total_timer_time=1500, total_distance=1500,
        first_lap_index=0, num_laps=3,
    )  # fmt: skip
    (swim,) = parse_fit(_fit_file(LAP, length, record, session, body=body))
    assert (swim.sport, swim.start_utc, swim.samples.height) == ("swimming", T0, 0)
    assert swim.warnings == ["60 points had no clock time and were left out", TOTALS_ONLY]
    summary, _ = summarize(swim, "UTC")
    assert summary["start_utc"] == T0
    assert summary["distance_m"] == pytest.approx(1500, rel=0.015)
    assert summary["timer_s"] == pytest.approx(1500, rel=0.01)
    assert summary["elapsed_s"] == 1800


@pytest.mark.parametrize(("laps", "start"), [(True, 0), (False, 2)])
def test_session_without_a_start_time_starts_with_its_laps_or_records(
    laps: bool, start: int
) -> None:
    # A session with its totals but no start_time: 30 min at 2.8 m/s whose first record came 2 s
    # after the lap started (the watch found GPS late), with or without that lap.
    seconds = np.arange(2, 1801)
    records = RECORD.pack(timestamp=START + seconds, distance=(seconds - 2) * 2.8, heart_rate=150)
    # by hand: 1800 s from the lap's start, 1798 steps of 2.8 m
    totals = {"total_elapsed_time": 1800, "total_timer_time": 1800, "total_distance": 5034.4}
    body = records + (LAP.pack(start_time=START, **totals) if laps else b"")
    body += UNDATED_SESSION.pack(sport=RUNNING, **totals)
    (run,) = parse_fit(_fit_file(RECORD, LAP, UNDATED_SESSION, body=body))
    assert (run.sport, run.start_utc, run.samples.height) == ("running", _at(start), 1799)
    summary, _ = summarize(run, "UTC")
    assert summary["distance_m"] == pytest.approx(5034.4, rel=0.015)
    assert summary["timer_s"] == pytest.approx(1800, rel=0.01)


def test_session_stating_only_its_sport_takes_start_and_totals_from_its_laps() -> None:
    # Two 15-minute laps of 2500 m, each with 20 s stopped at a crossing; the session says only
    # that it was a run.
    seconds = np.arange(1800)
    records = RECORD.pack(timestamp=START + seconds, distance=seconds * 5000 / 1799, heart_rate=150)
    laps = LAP.pack(
        start_time=START + np.array([0, 900]),
        total_elapsed_time=900,
        total_timer_time=880,
        total_distance=2500,
    )
    bare = Message(6, "session", ("sport",))
    body = records + laps + bare.pack(sport=RUNNING)
    (run,) = parse_fit(_fit_file(RECORD, LAP, bare, body=body))
    assert (run.sport, run.start_utc, run.samples.height) == ("running", T0, 1800)
    # by hand: 2 x 2500 m, 2 x 880 s on the timer, 2 x 900 s in all
    assert (run.device_distance_m, run.device_timer_s, run.device_elapsed_s) == (5000, 1760, 1800)


def test_undated_second_session_takes_the_records_after_the_first() -> None:
    # A run (0-599 s, dated) then a walk whose session states no start (700-1299 s).
    seconds = np.r_[np.arange(600), np.arange(700, 1300)]
    distance = np.r_[np.arange(600) * 3.0, 1797 + np.arange(600) * 1.4]
    body = RECORD.pack(timestamp=START + seconds, distance=distance, heart_rate=130)
    # by hand: 599 steps of 3 m, then 599 steps of 1.4 m
    body += SESSION.pack(
        start_time=START, sport=RUNNING, sub_sport=0,
        total_elapsed_time=599, total_timer_time=599, total_distance=1797,
    )  # fmt: skip
    body += UNDATED_SESSION.pack(
        sport=WALKING, total_elapsed_time=599, total_timer_time=599, total_distance=838.6
    )
    run, walk = parse_fit(_fit_file(RECORD, SESSION, UNDATED_SESSION, body=body))
    assert (run.sport, run.start_utc, run.samples.height) == ("running", T0, 600)
    assert (walk.sport, walk.start_utc, walk.samples.height) == ("walking", _at(700), 600)
    assert walk.samples["dist_m"].max() == pytest.approx(838.6, rel=0.015)


def test_identical_chained_files_are_one_activity_counted_once() -> None:
    # One 30-minute run at 2.8 m/s stored twice: the same FIT file chained to itself.
    seconds = np.arange(1800)
    start = EVENT.pack(timestamp=START, event=TIMER, event_type=START_EVENT)
    stop = EVENT.pack(timestamp=START + 1799, event=TIMER, event_type=STOP_ALL)
    records = RECORD.pack(timestamp=START + seconds, distance=seconds * 2.8, heart_rate=150)
    # by hand: 1799 s from the first record to the last, 1799 steps of 2.8 m
    session = SESSION.pack(
        start_time=START, sport=RUNNING, sub_sport=0,
        total_elapsed_time=1799, total_timer_time=1799, total_distance=5037.2,
    )  # fmt: skip
    once = _fit_file(EVENT, RECORD, SESSION, body=start + records + stop + session)
    (run,) = parse_fit(once + once)
    assert (run.index_in_file, run.sport, run.start_utc) == (0, "running", T0)
    assert run.samples.height == 1800
    assert run.warnings == ["the file holds the same recording twice: it was counted once"]
    summary, _ = summarize(run, "UTC")
    assert summary["distance_m"] == pytest.approx(5037.2, rel=0.015)
    assert summary["timer_s"] == pytest.approx(1799, rel=0.01)
    assert summary["moving_s"] == pytest.approx(1799, rel=0.01)


DYNAMICS = (
    "cadence", "fractional_cadence", "stance_time", "stance_time_percent", "stance_time_balance",
    "vertical_oscillation", "vertical_ratio", "step_length", "power",
)  # fmt: skip
FORM_RECORD = Message(6, "record", ("timestamp", "distance", *DYNAMICS))
RATED_SESSION = Message(7, "session", (*SESSION_FIELDS, "workout_rpe", "workout_feel"))


def _form_run(**dynamics: list[float]) -> bytes:
    """A 6-record run at 3 m/s holding the given running dynamics (physical values, per record)."""
    seconds = np.arange(6)
    records = FORM_RECORD.pack(timestamp=START + seconds, distance=seconds * 3.0, **dynamics)
    session = RATED_SESSION.pack(
        start_time=START, sport=RUNNING, sub_sport=0, total_elapsed_time=5,
        total_timer_time=5, total_distance=15, workout_rpe=70, workout_feel=75,
    )  # fmt: skip
    return _fit_file(FORM_RECORD, RATED_SESSION, body=records + session)


# Six records: the first, standing still, holds zeros (no step measured); the five others, in a
# shuffled order, hold every field at known values.
FORM = {
    "cadence": [0, 86, 84, 88, 85, 87],  # strides/min
    "fractional_cadence": [0, 0.5, 0.5, 0.5, 0.5, 0.5],  # strides/min, stored x 128
    "stance_time": [0, 250, 240, 260, 245, 255],  # ms, stored x 10
    "stance_time_percent": [0, 34.0, 33.0, 35.0, 33.5, 34.5],  # %, stored x 100
    "stance_time_balance": [0, 50.2, 49.0, 51.0, 49.5, 50.5],  # % left, stored x 100
    "vertical_oscillation": [0, 85.0, 80.0, 90.0, 82.5, 87.5],  # mm, stored x 10
    "vertical_ratio": [0, 8.0, 7.0, 9.0, 7.5, 8.5],  # %, stored x 100
    "step_length": [0, 1100, 1000, 1200, 1050, 1150],  # mm, stored x 10
    "power": [0, 220, 200, 240, 210, 230],  # W
}


def test_every_running_dynamics_field_is_summarised_in_its_documented_unit() -> None:
    (run,) = parse_fit(_form_run(**FORM))
    # by hand, zeros left out: five values each, the median the 3rd, p25 the 2nd, p75 the 4th;
    # cadence in steps/min = 2 x (strides + 0.5): 169, 171, 173, 175, 177
    assert run.dynamics == pytest.approx({
        "cadence_spm_median": 173.0, "cadence_spm_p25": 171.0, "cadence_spm_p75": 175.0,
        "gct_ms_median": 250.0, "gct_ms_p25": 245.0, "gct_ms_p75": 255.0,
        "gct_pct_median": 34.0, "gct_pct_p25": 33.5, "gct_pct_p75": 34.5,
        "gct_balance_left_pct_median": 50.2, "gct_balance_left_pct_p25": 49.5,
        "gct_balance_left_pct_p75": 50.5,
        "vo_mm_median": 85.0, "vo_mm_p25": 82.5, "vo_mm_p75": 87.5,
        "vertical_ratio_pct_median": 8.0, "vertical_ratio_pct_p25": 7.5,
        "vertical_ratio_pct_p75": 8.5,
        "step_length_mm_median": 1100.0, "step_length_mm_p25": 1050.0,
        "step_length_mm_p75": 1150.0,
        "power_w_median": 220.0, "power_w_p25": 210.0, "power_w_p75": 230.0,
    })  # fmt: skip
    # workout_rpe is the CR-10 rating x 10, workout_feel 0-100 as stored
    assert (run.watch_rpe, run.watch_feel) == (7.0, 75.0)
    assert run.developer_fields == []


@pytest.mark.parametrize(
    "balance",
    [[0] * 6, [655.35] * 6],  # the watch's zeros, the FIT invalid value 0xFFFF (stored x 100)
    ids=["zeros", "invalid"],
)
def test_wrist_only_run_has_an_empty_balance_never_zero(balance: list[float]) -> None:
    (run,) = parse_fit(_form_run(**(FORM | {"stance_time_balance": balance})))
    assert "gct_balance_left_pct_median" not in run.dynamics
    assert run.dynamics["gct_ms_median"] == 250.0


def test_a_ride_has_no_running_dynamics() -> None:
    # the same records under a cycling session: cadence is pedal revolutions, not strides
    seconds = np.arange(6)
    records = FORM_RECORD.pack(timestamp=START + seconds, distance=seconds * 8.0, **FORM)
    session = SESSION.pack(
        start_time=START, sport=2, sub_sport=0,
        total_elapsed_time=5, total_timer_time=5, total_distance=40,
    )  # fmt: skip
    (ride,) = parse_fit(_fit_file(FORM_RECORD, SESSION, body=records + session))
    assert (ride.sport, ride.dynamics, ride.watch_rpe) == ("cycling", {}, None)


def _description(index: int, number: int, base_type: int, name: str, units: str) -> bytes:
    """A field_description data message (local type 8, defined in `_developer_run`)."""
    text = name.encode().ljust(24, b"\0") + units.encode().ljust(12, b"\0")
    return bytes([8, index, number, base_type]) + text


def _developer_run(ground_ms: list[int], air_w: list[float]) -> bytes:
    """A run whose big-endian records carry two developer fields of app 0: Ground Time (uint16,
    ms) and Air Power (float32, W), one record a second at 3 m/s."""
    describe = bytes([0x48, 0, 0]) + struct.pack("<HB", 206, 5)
    describe += bytes([0, 1, 0x02, 1, 1, 0x02, 2, 1, 0x02, 3, 24, 0x07, 8, 12, 0x07])
    record = bytes([0x69, 0, 1]) + struct.pack(">HB", 20, 2) + bytes([253, 4, 0x86, 5, 4, 0x86])
    record += bytes([2, 0, 2, 0, 1, 4, 0])  # developer fields: number, size, developer_data_index
    body = describe + _description(0, 0, 0x84, "Ground Time", "ms")
    body += _description(0, 1, 0x88, "Air Power", "Watts") + record
    for second, (ground, air) in enumerate(zip(ground_ms, air_w, strict=True)):
        timestamp = int(START) - FIT_EPOCH_UNIX + second
        body += bytes([9]) + struct.pack(">IIHf", timestamp, second * 300, ground, air)
    session = RATED_SESSION.pack(
        start_time=START, sport=RUNNING, sub_sport=0, total_elapsed_time=len(air_w) - 1,
        total_timer_time=len(air_w) - 1, total_distance=3 * (len(air_w) - 1), workout_rpe=255,
        workout_feel=255,
    )  # fmt: skip
    return _fit_file(RATED_SESSION, body=body + session)


def test_developer_fields_are_named_decoded_in_their_byte_order_and_mapped() -> None:
    (run,) = parse_fit(_developer_run([250, 240, 260, 245, 255], [10.0, 8.0, 12.0, 9.0, 11.0]))
    fields = {f.name: (f.units, f.records, f.median, f.p25, f.p75) for f in run.developer_fields}
    # by hand: five values each, the median the 3rd of the sorted values, p25 the 2nd, p75 the 4th
    assert fields == {
        "Ground Time": ("ms", 5, 250.0, 245.0, 255.0),
        "Air Power": ("Watts", 5, 10.0, 9.0, 11.0),
    }
    assert run.dynamics == {
        "stryd_ground_time_ms_median": 250.0, "stryd_ground_time_ms_p25": 245.0,
        "stryd_ground_time_ms_p75": 255.0, "air_power_w_median": 10.0, "air_power_w_p25": 9.0,
        "air_power_w_p75": 11.0,
    }  # fmt: skip
    # the watch's "no rating" (0xFF) is no rating
    assert (run.watch_rpe, run.watch_feel) == (None, None)


# MANIFEST.md's "device=" of each real file (manufacturer and product as the FIT profile names them)
DEVICES = {
    "garmin-fenix5_run_hr_short.fit": "garmin fenix5",
    "garmin-fr110_run_hr_5laps.fit": "garmin fr110",
    "garmin-venusq_run_hr_landal-park.fit": "garmin venusq",
    "stryd_run_developer-fields.fit": "stryd",
    "wahoo-elemnt_ride_hr_many-pauses.fit": "wahoo_fitness 28",
    "garmin-vivoactivehr_indoor-rowing_no-gps.fit": "garmin vivo_active_hr",
    "corrupt_crc-mismatch.fit": "dynastream hrm1",
    "sigma_ride_unterminated_no-session.fit": "sigmasport 46",
}


@pytest.mark.parametrize("name", DEVICES)
def test_the_recording_device_is_named_as_the_manifest_says(realdata: Path, name: str) -> None:
    (activity,) = parse_fit(_fit(realdata, name))
    assert activity.device == DEVICES[name]


DEVICE_FILE_ID = Message(0, "file_id", ("type", "time_created", "manufacturer", "product"))


@pytest.mark.parametrize(
    ("manufacturer", "product", "device"),
    [(1, 4315, "garmin fr965"), (32, 28, "wahoo_fitness 28"), (255, 7, "development 7")],
    ids=["garmin-named", "numbered", "development"],
)
def test_a_written_file_id_names_its_device(manufacturer: int, product: int, device: str) -> None:
    # garmin_product 4315 is the Forerunner 965 in the FIT profile; Wahoo's products are unnamed
    file_id = DEVICE_FILE_ID.pack(
        type=4, time_created=START, manufacturer=manufacturer, product=product
    )
    seconds = np.arange(6)
    records = FORM_RECORD.pack(timestamp=START + seconds, distance=seconds * 3.0, **FORM)
    session = RATED_SESSION.pack(
        start_time=START, sport=RUNNING, sub_sport=0, total_elapsed_time=5,
        total_timer_time=5, total_distance=15, workout_rpe=70, workout_feel=75,
    )  # fmt: skip
    definitions = DEVICE_FILE_ID.definition + FORM_RECORD.definition + RATED_SESSION.definition
    (run,) = parse_fit(fit_file(definitions + file_id + records + session))
    assert run.device == device
    assert run.dynamics["gct_balance_left_pct_median"] == 50.2


def test_a_file_id_without_a_manufacturer_names_no_device() -> None:
    (run,) = parse_fit(_form_run(**FORM))
    assert run.device is None
