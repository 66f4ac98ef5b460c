"""A minimal FIT encoder: definition and data messages packed with numpy, file header and CRC.

Field numbers, base types, scales and offsets come from garmin-fit-sdk's Profile. The SDK's own
Encoder writes ~39k messages/s, which alone would take most of the demo club's time budget, so rows
are packed as numpy structured arrays instead (one array per run of records).
"""

from __future__ import annotations

import struct

import numpy as np
from garmin_fit_sdk import Profile

from pipelines.parsers.activity.fit_crc import crc16

FIT_EPOCH_UNIX = 631065600  # 1989-12-31T00:00:00Z
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


def fit_file(body: bytes) -> bytes:
    """Header, messages and file CRC: a complete FIT file around `body`."""
    profile_version = Profile["version"]["major"] * 1000 + Profile["version"]["minor"]
    header = struct.pack("<BBHI4s", 14, 0x20, profile_version, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    data = header + body
    return data + struct.pack("<H", crc16(data))
