"""A fast, lenient FIT decoder that reads only the messages an activity needs.

One `struct.Struct` is compiled per distinct definition message and unpacks just the wanted fields;
records are gathered as tuples and become one polars frame at the end. It reads chained FIT files,
compressed-timestamp headers and compressed speed/distance, keeps what it read when a CRC is wrong,
and salvages every complete message of a truncated file. A chained file identical to one read
before (the same recording stored twice) is counted, not read again. Developer fields of records
are kept as raw bytes and decoded at the end, a column at a time, with the type, scale and units
their field_description messages give; those of other messages are skipped.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from functools import lru_cache

from pipelines.parsers.activity.fit_crc import crc16
from pipelines.parsers.activity.fit_messages import (
    HEADER_TIME_FIELD,
    SPEED_DISTANCE_FIELDS,
    DeveloperSpec,
    FieldSpec,
    FitMessages,
    MessageRows,
    developer_column,
    message_dicts,
    records_frame,
)
from pipelines.parsers.schemas import ParseError

FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z, the zero of FIT date_time values, in Unix seconds
SYSTEM_TIME_LIMIT = 0x10000000  # date_time values below this count seconds since device power-on
NOT_FIT_HINT = "upload the .fit file exactly as the watch or its app exported it"

# FIT base type byte -> (struct code, invalid value); floats (None here) are invalid when NaN.
_BASE_TYPES: dict[int, tuple[str, int | None]] = {
    0x00: ("B", 0xFF),
    0x01: ("b", 0x7F),
    0x02: ("B", 0xFF),
    0x83: ("h", 0x7FFF),
    0x84: ("H", 0xFFFF),
    0x85: ("i", 0x7FFFFFFF),
    0x86: ("I", 0xFFFFFFFF),
    0x88: ("f", None),
    0x89: ("d", None),
    0x0A: ("B", 0),
    0x8B: ("H", 0),
    0x8C: ("I", 0),
    0x8E: ("q", 0x7FFFFFFFFFFFFFFF),
    0x8F: ("Q", 0xFFFFFFFFFFFFFFFF),
    0x90: ("Q", 0),
}
_KINDS = {"f": "float", "d": "float", "Q": "uint64"}
_STRING = 0x07
_TIMESTAMP = 253
_RECORD = 20
_SPEED_DISTANCE = 8  # record.compressed_speed_distance: 12-bit speed, 12-bit rolling distance

# global message number -> FitMessages attribute, and the fields kept: number -> (name, scale, offset)
_MESSAGES = {0: "file_ids", 12: "sports", 18: "sessions", 19: "laps", 20: "records", 21: "events"}
_MESSAGES |= {34: "activities", 206: "field_descriptions"}
_TOTALS = {
    2: ("start_time", 0, 0),
    7: ("total_elapsed_time", 1000, 0),
    8: ("total_timer_time", 1000, 0),
    9: ("total_distance", 100, 0),
}
_WANTED: dict[int, dict[int, tuple[str, int, int]]] = {
    0: {
        0: ("type", 0, 0),
        1: ("manufacturer", 0, 0),
        2: ("product", 0, 0),
        4: ("time_created", 0, 0),
        8: ("product_name", 0, 0),
    },
    12: {0: ("sport", 0, 0), 1: ("sub_sport", 0, 0)},
    18: _TOTALS
    | {
        5: ("sport", 0, 0),
        6: ("sub_sport", 0, 0),
        16: ("avg_heart_rate", 0, 0),
        25: ("first_lap_index", 0, 0),
        26: ("num_laps", 0, 0),
        192: ("workout_feel", 0, 0),  # 0-100, how the athlete felt
        193: ("workout_rpe", 0, 0),  # Borg CR-10 x 10
    },
    19: dict(_TOTALS),
    _RECORD: {
        0: ("position_lat", 0, 0),
        1: ("position_long", 0, 0),
        2: ("altitude", 5, 500),
        3: ("heart_rate", 0, 0),
        4: ("cadence", 0, 0),
        5: ("distance", 100, 0),
        6: ("speed", 1000, 0),
        7: ("power", 0, 0),  # W
        _SPEED_DISTANCE: ("compressed_speed_distance", 0, 0),
        39: ("vertical_oscillation", 10, 0),  # mm
        40: ("stance_time_percent", 100, 0),  # % of the step
        41: ("stance_time", 10, 0),  # ms
        53: ("fractional_cadence", 128, 0),  # strides/min
        73: ("enhanced_speed", 1000, 0),
        78: ("enhanced_altitude", 5, 500),
        83: ("vertical_ratio", 100, 0),  # %
        84: ("stance_time_balance", 100, 0),  # % left
        85: ("step_length", 10, 0),  # mm
    },
    21: {0: ("event", 0, 0), 1: ("event_type", 0, 0)},
    34: {5: ("local_timestamp", 0, 0)},
    206: {
        0: ("developer_data_index", 0, 0),
        1: ("field_definition_number", 0, 0),
        2: ("fit_base_type_id", 0, 0),
        3: ("field_name", 0, 0),
        6: ("scale", 0, 0),
        7: ("offset", 0, 0),
        8: ("units", 0, 0),
    },
}
for _fields in _WANTED.values():
    _fields[_TIMESTAMP] = ("timestamp", 0, 0)


@dataclass(eq=False)
class _Layout:
    """One compiled definition message: how long its data messages are and how to unpack them."""

    message: str | None  # the FitMessages attribute its messages go to; None: not kept
    size: int
    unpack: object  # Struct.unpack_from, or None when nothing in the message is wanted
    fields: tuple[FieldSpec, ...]  # what a stored row holds: unpacked and computed values
    timestamp_at: int  # where `unpack` puts the timestamp, -1 if nowhere
    timestamp_invalid: int | None
    speed_distance_at: int  # where `unpack` puts compressed_speed_distance, -1 if nowhere


@lru_cache(maxsize=4096)
def _layout(definition: bytes, developer: bool) -> _Layout:
    """Compile a definition message (without its header byte) into a layout."""
    endian = ">" if definition[1] else "<"
    (global_num,) = struct.unpack(endian + "H", definition[2:4])
    count = definition[4]
    wanted = _WANTED.get(global_num, {})
    message = _MESSAGES.get(global_num)
    codes, fields = [endian], []
    timestamp_at, timestamp_invalid, speed_distance_at = -1, None, -1
    for i in range(5, 5 + 3 * count, 3):
        number, width, base = definition[i], definition[i + 1], definition[i + 2]
        name, scale, offset = wanted.get(number, ("", 0, 0))
        code, invalid = _BASE_TYPES.get(base, ("", None))
        scalar = code != "" and struct.calcsize(code) == width
        is_time = number == _TIMESTAMP and scalar and code not in "fd"
        if not name or not (message or is_time):  # unkept messages only feed compressed times
            codes.append(f"{width}x")
            continue
        if is_time:
            timestamp_at, timestamp_invalid = len(fields), invalid
        if number == _SPEED_DISTANCE and global_num == _RECORD and not scalar:
            speed_distance_at = len(fields)
        codes.append(code if scalar else f"{width}s")
        kind = _KINDS.get(code, "int") if scalar else "string" if base == _STRING else "bytes"
        fields.append(FieldSpec(name, kind, invalid, scale, offset))
    if developer:
        at = 5 + 3 * count
        for i in range(at + 1, at + 1 + 3 * definition[at], 3):
            number, width, index = definition[i], definition[i + 1], definition[i + 2]
            if global_num != _RECORD:  # only records' developer fields are read: skip the others
                codes.append(f"{width}x")
                continue
            codes.append(f"{width}s")
            fields.append(
                FieldSpec(developer_column(index, number), "developer", big=endian == ">")
            )
    layout = struct.Struct("".join(codes))
    computed = SPEED_DISTANCE_FIELDS if speed_distance_at >= 0 else ()
    return _Layout(
        message, layout.size, layout.unpack_from if fields or message else None,
        tuple(fields) + computed, timestamp_at, timestamp_invalid, speed_distance_at,
    )  # fmt: skip


def _speed_distance(raw: bytes, distance: int) -> tuple[float | None, float | None, int]:
    """Speed (m/s), distance (m) and the new rolling distance count of one compressed field."""
    if raw.count(0xFF) == len(raw):
        return None, None, distance
    packed = int.from_bytes(raw, "little")
    speed = (packed & 0xFFF) / 100
    if len(raw) < 2:
        return speed, None, distance
    step = (packed >> 12) & 0xFFF
    distance = step + (distance & ~0xFFF) + (0x1000 if step < (distance & 0xFFF) else 0)
    return speed, distance / 16, distance


def _read_body(data: bytes, pos: int, end: int, groups: dict) -> str | None:
    """Read the messages of one FIT file's body into `groups`; say why it stopped early, if it did."""
    layouts: list[_Layout | None] = [None] * 16
    targets: list[MessageRows | None] = [None] * 16
    last_timestamp = 0
    distance = 0
    while pos < end:
        header = data[pos]
        if header & 0xC0 == 0x40:  # definition message
            stop = pos + 6 + 3 * data[pos + 5] if pos + 6 <= end else end + 1
            if header & 0x20:
                stop = stop + 1 + 3 * data[stop] if stop < end else end + 1
            if stop > end:
                return "truncated"
            layout = _layout(data[pos + 1 : stop], bool(header & 0x20))
            layouts[header & 0x0F] = layout
            if layout.message and (layout, False) not in groups:
                groups[layout, False] = MessageRows(layout.message, layout.fields)
            targets[header & 0x0F] = groups.get((layout, False))
            if layout.speed_distance_at >= 0:
                distance = 0  # each record definition restarts the rolling count, as the SDK does
            pos = stop
            continue
        local = (header >> 5) & 0x03 if header & 0x80 else header & 0x0F
        layout = layouts[local]
        if layout is None:
            return f"damaged at byte {pos}"
        stop = pos + 1 + layout.size
        if stop > end:
            return "truncated"
        target = targets[local]
        row: tuple = ()
        if layout.unpack is not None:
            row = layout.unpack(data, pos + 1)  # type: ignore[operator]
            at = layout.timestamp_at
            if at >= 0 and row[at] != layout.timestamp_invalid:
                last_timestamp = row[at]
            if layout.speed_distance_at >= 0:
                speed, metres, distance = _speed_distance(row[layout.speed_distance_at], distance)
                row += (speed, metres)
        if header & 0x80:  # compressed timestamp header: the 5 low bits of the time, rolling over
            offset = header & 0x1F
            rolled = 0x20 if offset < (last_timestamp & 0x1F) else 0
            last_timestamp = (last_timestamp & ~0x1F) + offset + rolled
            if layout.message and layout.timestamp_at < 0:
                if (layout, True) not in groups:
                    fields = layout.fields + (HEADER_TIME_FIELD,)
                    groups[layout, True] = MessageRows(layout.message, fields)
                target = groups[layout, True]
                row += (last_timestamp,)
        if target is not None:
            target.rows.append(row)
            target.seqs.append(pos)
        pos = stop
    return None


def _developer_specs(descriptions: list[dict]) -> dict[str, DeveloperSpec]:
    """How to decode each described developer field of numeric type, by its records column.

    A field described twice keeps its first description (chained files may repeat them).
    """
    specs: dict[str, DeveloperSpec] = {}
    for found in descriptions:
        index, number = found.get("developer_data_index"), found.get("field_definition_number")
        code, invalid = _BASE_TYPES.get(found.get("fit_base_type_id"), ("", None))  # type: ignore[arg-type]
        column = developer_column(index, number)  # type: ignore[arg-type]
        if index is None or number is None or not code or column in specs:
            continue
        specs[column] = DeveloperSpec(
            developer_data_index=index,  # type: ignore[arg-type]
            field_number=number,  # type: ignore[arg-type]
            name=found.get("field_name") or f"developer field {index}:{number}",
            units=found.get("units"),
            code=code,
            kind=_KINDS.get(code, "int"),
            invalid=invalid,
            scale=found.get("scale") or 0,  # 0 and 1: none
            offset=found.get("offset") or 0,
        )
    return specs


def _crc_ok(data: bytes, start: int, header_size: int, crc_end: int) -> bool:
    header_crc = int.from_bytes(data[start + 12 : start + 14], "little") if header_size >= 14 else 0
    if header_crc and crc16(data[start : start + 12]) != header_crc:  # 0: header CRC not computed
        return False
    return crc16(memoryview(data)[start:crc_end]) == 0


def decode_fit(data: bytes) -> FitMessages:
    """Decode every chained FIT file in `data`; ParseError when it is not a FIT file at all."""
    groups: dict[tuple[_Layout, bool], MessageRows] = {}
    found = FitMessages()
    bodies_read: set[bytes] = set()
    pos = 0
    while len(data) - pos >= 12 and data[pos + 8 : pos + 12] == b".FIT" and data[pos] >= 12:
        header_size = data[pos]
        body_end = pos + header_size + int.from_bytes(data[pos + 4 : pos + 8], "little")
        if body_end == pos + header_size:
            body_end = len(data)  # a recording the device never finished: its size left at zero
        found.fit_files += 1
        body = hashlib.sha256(data[pos + header_size : body_end]).digest()
        if body in bodies_read:
            found.repeated_files += 1
            pos = body_end + 2
            continue
        bodies_read.add(body)
        found.damage = _read_body(data, pos + header_size, min(body_end, len(data)), groups)
        if found.damage is None and body_end + 2 > len(data):
            found.damage = "truncated"
        if found.damage:
            break
        found.crc_mismatch |= not _crc_ok(data, pos, header_size, body_end + 2)
        pos = body_end + 2
    if found.fit_files == 0:
        raise ParseError("not a FIT file: it does not start with a FIT header", NOT_FIT_HINT)
    by_message: dict[str, list[MessageRows]] = {}
    for group in groups.values():
        by_message.setdefault(group.message, []).append(group)
    for message, message_groups in by_message.items():
        if message != "records":
            setattr(found, message, message_dicts(message_groups))
    developer = _developer_specs(found.field_descriptions)
    if "records" in by_message:
        found.records = records_frame(by_message["records"], developer)
    found.developer_fields = {
        column: spec for column, spec in developer.items() if column in found.records.columns
    }
    return found
