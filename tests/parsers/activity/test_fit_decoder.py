"""The fast FIT decoder against fitdecode (the reference reader) on every real FIT file."""

from __future__ import annotations

import gzip
import warnings
from datetime import datetime
from pathlib import Path

import fitdecode
import pytest

from pipelines.parsers.activity.fit_decoder import FIT_EPOCH_S, crc16, decode_fit
from tests.conftest import REALDATA

REAL_FIT_FILES = sorted(
    [*REALDATA.glob("fit/*.fit"), *REALDATA.glob("strava_export/activities/*.fit.gz")]
)
RECORD_FIELDS = {
    "timestamp": ("timestamp",),
    "position_lat": ("position_lat",),
    "position_long": ("position_long",),
    "altitude": ("enhanced_altitude", "altitude"),
    "heart_rate": ("heart_rate",),
    "cadence": ("cadence",),
    "distance": ("distance",),
    "speed": ("enhanced_speed", "speed"),
    **{
        name: (name,)
        for name in (
            "fractional_cadence",
            "stance_time",
            "stance_time_percent",
            "stance_time_balance",
            "vertical_oscillation",
            "vertical_ratio",
            "step_length",
            "power",
        )
    },  # fmt: skip
}
SESSION_FIELDS = (
    "start_time",
    "sport",
    "sub_sport",
    "total_elapsed_time",
    "total_timer_time",
    "total_distance",
    "avg_heart_rate",
)


def _fit_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _first_valid(frame: fitdecode.FitDataMessage, names: tuple[str, ...]) -> object:
    for name in names:
        for value in frame.get_values(name):
            if value is not None:
                return value
    return None


def _raw_time(value: object) -> object:
    """fitdecode turns UTC times into datetimes; the decoder keeps FIT seconds."""
    if isinstance(value, datetime):
        return round(value.timestamp()) - FIT_EPOCH_S
    return value


def _developer_values(frame: fitdecode.FitDataMessage, described: dict) -> dict:
    """The record's developer fields by decoder column, noting each one's name and units."""
    values = {}
    for found in frame.fields:
        if isinstance(found.field_def, fitdecode.types.DevFieldDefinition):
            column = f"dev_{found.field_def.dev_data_index}_{found.field.def_num}"
            values[column] = found.value
            described[column] = (found.name, found.field.units)
    return values


def _fitdecode_view(data: bytes) -> tuple[list[dict], list[dict], dict]:
    """Records and sessions as fitdecode reads them, keeping what it read before any error."""
    records, sessions, described = [], [], {}
    reader = fitdecode.FitReader(
        data,
        check_crc=fitdecode.CrcCheck.DISABLED,
        error_handling=fitdecode.ErrorHandling.WARN,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "record":
                    row = {key: _first_valid(frame, names) for key, names in RECORD_FIELDS.items()}
                    row |= {"timestamp": _raw_time(row["timestamp"])}
                    records.append(row | _developer_values(frame, described))
                elif frame.name == "session":
                    sessions.append(
                        {
                            name: _raw_time(frame.get_value(name, fallback=None, raw_value=True))
                            if name in ("start_time", "sport", "sub_sport")
                            else frame.get_value(name, fallback=None)
                            for name in SESSION_FIELDS
                        }
                    )
        except fitdecode.FitError:
            pass  # a truncated file: fitdecode stops where we salvage; compare what it read
    return records, sessions, described


@pytest.mark.parametrize("path", REAL_FIT_FILES, ids=lambda path: path.name)
def test_records_and_sessions_match_fitdecode(realdata: Path, path: Path) -> None:
    data = _fit_bytes(path)
    expected_records, expected_sessions, developer_fields = _fitdecode_view(data)
    decoded = decode_fit(data)
    described = {c: (f.name, f.units) for c, f in decoded.developer_fields.items()}
    assert described == developer_fields
    records = decoded.records.drop("seq").to_dicts()
    assert len(records) == len(expected_records)
    for index, (got, expected) in enumerate(zip(records, expected_records, strict=True)):
        assert got == expected, f"record {index}"
    sessions = [{name: s.get(name) for name in SESSION_FIELDS} for s in decoded.sessions]
    assert sessions == expected_sessions


def test_every_real_fit_file_is_compared(realdata: Path) -> None:
    assert len(REAL_FIT_FILES) == 12  # 11 in fit/ and the Strava export's gzipped copy


def test_crc_of_a_whole_file_is_zero_and_matches_the_manifest(realdata: Path) -> None:
    # A FIT file's CRC footer makes the CRC of the whole file zero.
    assert crc16((realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()) == 0
    # MANIFEST: the corrupt file's footer reads 0xB1D5 where its contents give 0xA1D5.
    corrupt = (realdata / "fit/corrupt_crc-mismatch.fit").read_bytes()
    assert crc16(corrupt[:-2]) == 0xA1D5
    assert int.from_bytes(corrupt[-2:], "little") == 0xB1D5


def test_chained_files_are_all_read(realdata: Path) -> None:
    decoded = decode_fit(
        (realdata / "fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit").read_bytes()
    )
    assert decoded.fit_files == 4  # MANIFEST: ".FIT" at 4 offsets
    assert len(decoded.sessions) == 5
    assert not decoded.crc_mismatch


def test_compressed_timestamps_and_speed_distance(realdata: Path) -> None:
    decoded = decode_fit(
        (realdata / "fit/garmin-fr70_run_footpod-no-gps_system-time.fit").read_bytes()
    )
    # MANIFEST: system-time records from 17217864 to 17221744, no GPS, 755 records.
    assert decoded.records.height == 755
    assert decoded.records["timestamp"].min() == 17217864
    assert decoded.records["timestamp"].max() == 17221744
    assert decoded.records["position_lat"].null_count() == 755
    # fitparse's oracle, second row: 17217874, 104 bpm, 3.55 m/s, 14.25 m
    second = decoded.records.row(2, named=True)
    assert (second["timestamp"], second["heart_rate"]) == (17217874, 104)
    assert (second["speed"], second["distance"]) == (3.55, 14.25)


def test_a_chained_copy_of_the_recording_is_counted_not_read_again(realdata: Path) -> None:
    data = (realdata / "fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit").read_bytes()
    decoded = decode_fit(data + data)
    assert (decoded.fit_files, decoded.repeated_files) == (8, 4)
    assert len(decoded.sessions) == 5  # MANIFEST: 5 sessions, 1773 records
    assert decoded.records.height == 1773
