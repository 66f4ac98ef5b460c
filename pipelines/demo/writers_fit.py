"""Recordings as FIT activity files like a Garmin watch writes them.

Field numbers, base types, scales and offsets come from garmin-fit-sdk's Profile; the bytes are packed
with numpy (one structured array per run of records) because the SDK's Encoder, at ~39k messages/s,
would take most of the demo club's time budget on its own.
"""

from __future__ import annotations

import struct
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
from garmin_fit_sdk import Profile

from pipelines.demo.laps import lap_of
from pipelines.demo.runs import Recording

FIT_EPOCH_UNIX = 631065600  # 1989-12-31T00:00:00Z
SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
# FIT base type: (code in a definition message, numpy type)
BASE_TYPES = {
    "enum": (0x00, "u1"),
    "uint8": (0x02, "u1"),
    "uint16": (0x84, "<u2"),
    "sint32": (0x85, "<i4"),
    "uint32": (0x86, "<u4"),
    "uint32z": (0x8C, "<u4"),
    "uint16z": (0x8B, "<u2"),
}
GARMIN, ACTIVITY_FILE = 1, 4
TIMER, LAP, ACTIVITY = 0, 9, 26  # event
START, STOP, STOP_ALL = 0, 1, 4  # event_type
SPORT = {"running": 1, "cycling": 2}
PRODUCTS = {"fenix5": 2697, "fr255": 3992}


def _crc_tables() -> tuple[list[int], np.ndarray]:
    """CRC-16 (FIT's polynomial) per byte, and the word-step map raised to powers of two.

    Feeding one little-endian 16-bit word w to state s gives T[s ^ w] = T[s] ^ T[w] (T is linear
    over GF(2)), so a file's CRC is the XOR of T**(K - k) applied to each word k: a few vectorised
    passes (one per bit of K) instead of a Python step per word.
    """
    byte_table = []
    for value in range(256):
        crc = value
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        byte_table.append(crc)
    table = np.array(byte_table, dtype=np.uint16)
    words = np.arange(65536, dtype=np.uint16)
    first = table[words & 0xFF]
    step = (first >> 8) ^ table[(first ^ (words >> 8)) & 0xFF]
    powers = [step]
    for _ in range(31):
        powers.append(powers[-1][powers[-1]])
    return byte_table, np.stack(powers)


BYTE_CRC, WORD_STEP_POWERS = _crc_tables()


def fit_crc(data: bytes) -> int:
    """The FIT CRC of `data`."""
    words = np.frombuffer(data, dtype="<u2", count=len(data) // 2).astype(np.uint16)
    steps_left = np.arange(len(words), 0, -1)
    for bit in range(int(len(words)).bit_length()):
        due = (steps_left >> bit) & 1 == 1
        words = np.where(due, WORD_STEP_POWERS[bit][words], words)
    crc = int(np.bitwise_xor.reduce(words)) if len(words) else 0
    if len(data) % 2:
        crc = (crc >> 8) ^ BYTE_CRC[(crc ^ data[-1]) & 0xFF]
    return crc


class Message:
    """One local message type: its definition bytes and a packer for any number of rows."""

    def __init__(self, local: int, name: str, fields: tuple[str, ...]) -> None:
        number = Profile["mesg_num"][name.upper()]
        profile = {f["name"]: f for f in Profile["messages"][number]["fields"].values()}
        self.local = local
        self.columns, layout, definition = [], [("header", "u1")], bytearray()
        for field in fields:
            spec = profile[field]
            code, dtype = BASE_TYPES[spec["base_type"]]
            layout.append((field, dtype))
            definition += bytes([spec["num"], np.dtype(dtype).itemsize, code])
            self.columns.append((field, spec["scale"][0], spec["offset"][0], spec["type"]))
        self.dtype = np.dtype(layout)
        self.definition = (
            bytes([0x40 | local, 0, 0]) + struct.pack("<HB", number, len(fields)) + definition
        )

    def pack(self, **values) -> bytes:
        """Data messages for the given physical values (arrays or scalars, broadcast to rows)."""
        rows = max(np.size(v) for v in values.values())
        packed = np.zeros(rows, dtype=self.dtype)
        packed["header"] = self.local
        for field, scale, offset, kind in self.columns:
            value = np.asarray(values[field], dtype=np.float64)
            if kind in ("date_time", "local_date_time"):
                value = value - FIT_EPOCH_UNIX
            packed[field] = np.round((value + offset) * scale)
        return packed.tobytes()


@cache
def _messages(style: str, has_hr: bool) -> dict[str, Message]:
    altitude, speed = (
        ("altitude", "speed") if style == "fenix5" else ("enhanced_altitude", "enhanced_speed")
    )
    avg_speed = (
        ("avg_speed", "max_speed")
        if style == "fenix5"
        else ("enhanced_avg_speed", "enhanced_max_speed")
    )
    hr = ("heart_rate",) if has_hr else ()
    summary_hr = ("avg_heart_rate", "max_heart_rate") if has_hr else ()
    lap_fields = (
        "timestamp",
        "start_time",
        "start_position_lat",
        "start_position_long",
        "end_position_lat",
        "end_position_long",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
        "message_index",
        "total_calories",
        *avg_speed,
        "total_ascent",
        "total_descent",
        "event",
        "event_type",
        *summary_hr,
        "avg_cadence",
        "max_cadence",
        "intensity",
        "lap_trigger",
        "sport",
        "sub_sport",
    )
    return {
        "file_id": Message(
            0, "file_id", ("serial_number", "time_created", "manufacturer", "product", "type")
        ),
        "device_info": Message(
            1,
            "device_info",
            (
                "timestamp",
                "serial_number",
                "manufacturer",
                "product",
                "software_version",
                "device_index",
            ),
        ),
        "event": Message(2, "event", ("timestamp", "data", "event", "event_type", "event_group")),
        "record": Message(
            3,
            "record",
            (
                "timestamp",
                "position_lat",
                "position_long",
                "distance",
                altitude,
                speed,
                *hr,
                "cadence",
            ),
        ),
        "lap": Message(4, "lap", lap_fields),
        "session": Message(
            5,
            "session",
            (
                *lap_fields[:9],
                "message_index",
                "total_calories",
                *avg_speed,
                "total_ascent",
                "total_descent",
                "first_lap_index",
                "num_laps",
                "event",
                "event_type",
                *summary_hr,
                "avg_cadence",
                "max_cadence",
                "trigger",
                "sport",
                "sub_sport",
            ),
        ),
        "activity": Message(
            6,
            "activity",
            (
                "timestamp",
                "total_timer_time",
                "local_timestamp",
                "num_sessions",
                "type",
                "event",
                "event_type",
            ),
        ),
    }


def _semicircles(degrees: np.ndarray) -> np.ndarray:
    return np.round(degrees * SEMICIRCLES_PER_DEGREE)


def fit_bytes(rec: Recording, serial: int, style: str = "fr255") -> bytes:
    """One activity as a FIT file: file_id, device, timer events around pauses, records, laps, session."""
    m = _messages(style, rec.hr is not None)
    plan, t = rec.plan, rec.t
    altitude, speed = (
        ("altitude", "speed") if style == "fenix5" else ("enhanced_altitude", "enhanced_speed")
    )
    avg_speed, max_speed = (
        ("avg_speed", "max_speed")
        if style == "fenix5"
        else ("enhanced_avg_speed", "enhanced_max_speed")
    )
    body = bytearray(b"".join(message.definition for message in m.values()))
    body += m["file_id"].pack(
        serial_number=serial,
        time_created=t[0],
        manufacturer=GARMIN,
        product=PRODUCTS[style],
        type=ACTIVITY_FILE,
    )
    body += m["device_info"].pack(
        timestamp=t[0],
        serial_number=serial,
        manufacturer=GARMIN,
        product=PRODUCTS[style],
        software_version=20.26,
        device_index=0,
    )
    body += m["event"].pack(timestamp=t[0], data=0, event=TIMER, event_type=START, event_group=0)
    lat, lon = _semicircles(rec.lat), _semicircles(rec.lon)
    bounds = [0, *(np.flatnonzero(np.diff(rec.seg)) + 1).tolist(), len(t)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a > 0:  # auto-pause: the watch stopped at the last point and restarted at this one
            body += m["event"].pack(
                timestamp=t[a - 1], data=1, event=TIMER, event_type=STOP, event_group=0
            )
            body += m["event"].pack(
                timestamp=t[a], data=1, event=TIMER, event_type=START, event_group=0
            )
        columns = {
            "timestamp": t[a:b],
            "position_lat": lat[a:b],
            "position_long": lon[a:b],
            "distance": rec.dist[a:b],
            altitude: rec.ele[a:b],
            speed: rec.speed[a:b],
            "cadence": rec.cad[a:b],
        }
        if rec.hr is not None:
            columns["heart_rate"] = rec.hr[a:b]
        body += m["record"].pack(**columns)
    end = t[-1]
    body += m["event"].pack(timestamp=end, data=0, event=TIMER, event_type=STOP_ALL, event_group=0)
    laps = lap_of(rec)
    ends = laps.ends
    sport = SPORT[plan.sport]
    calories = np.round(laps.distance_m * (0.065 if plan.sport == "running" else 0.025))
    hr = (
        {}
        if rec.hr is None
        else {"avg_heart_rate": np.round(laps.avg_hr), "max_heart_rate": laps.max_hr}
    )
    body += m["lap"].pack(
        timestamp=t[ends],
        start_time=laps.start_t,
        start_position_lat=lat[laps.starts],
        start_position_long=lon[laps.starts],
        end_position_lat=lat[ends],
        end_position_long=lon[ends],
        total_elapsed_time=laps.elapsed_s,
        total_timer_time=laps.timer_s,
        total_distance=laps.distance_m,
        message_index=np.arange(len(ends)),
        total_calories=calories,
        **{avg_speed: laps.distance_m / np.maximum(laps.timer_s, 1.0), max_speed: laps.max_speed},
        total_ascent=np.round(laps.ascent_m),
        total_descent=np.round(laps.descent_m),
        event=LAP,
        event_type=STOP,
        **hr,
        avg_cadence=np.round(laps.avg_cad),
        max_cadence=laps.max_cad,
        intensity=0,
        lap_trigger=np.where(np.arange(len(ends)) < len(ends) - 1, 2, 7),
        sport=sport,
        sub_sport=0,
    )
    timer = float(laps.timer_s.sum())
    session_hr = (
        {}
        if rec.hr is None
        else {"avg_heart_rate": round(float(rec.hr.mean())), "max_heart_rate": float(rec.hr.max())}
    )
    body += m["session"].pack(
        timestamp=end,
        start_time=t[0],
        start_position_lat=lat[0],
        start_position_long=lon[0],
        end_position_lat=lat[-1],
        end_position_long=lon[-1],
        total_elapsed_time=float(end - t[0]),
        total_timer_time=timer,
        total_distance=rec.distance_m,
        message_index=0,
        total_calories=float(calories.sum()),
        **{avg_speed: rec.distance_m / max(timer, 1.0), max_speed: float(rec.speed.max())},
        total_ascent=float(np.round(laps.ascent_m.sum())),
        total_descent=float(np.round(laps.descent_m.sum())),
        first_lap_index=0,
        num_laps=len(ends),
        event=LAP,
        event_type=STOP,
        **session_hr,
        avg_cadence=round(float(rec.cad.mean())),
        max_cadence=float(rec.cad.max()),
        trigger=0,
        sport=sport,
        sub_sport=0,
    )
    offset = datetime.fromtimestamp(int(end), ZoneInfo(plan.time_zone)).utcoffset()
    body += m["activity"].pack(
        timestamp=end,
        total_timer_time=timer,
        local_timestamp=end + int(offset.total_seconds()),
        num_sessions=1,
        type=0,
        event=ACTIVITY,
        event_type=STOP,
    )
    profile_version = Profile["version"]["major"] * 1000 + Profile["version"]["minor"]
    header = struct.pack("<BBHI4s", 14, 0x20, profile_version, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + bytes(body)
    return data + struct.pack("<H", fit_crc(data))
