"""A minimal FIT encoder: definition and data messages packed with numpy, file header and CRC.

Field numbers, base types, scales and offsets come from garmin-fit-sdk's Profile. The SDK's own
Encoder writes ~39k messages/s, which alone would take most of the demo club's time budget, so rows
are packed as numpy structured arrays instead (one array per run of records).
"""

from __future__ import annotations

import struct

import numpy as np
from garmin_fit_sdk import Profile

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


def fit_file(body: bytes) -> bytes:
    """Header, messages and file CRC: a complete FIT file around `body`."""
    profile_version = Profile["version"]["major"] * 1000 + Profile["version"]["minor"]
    header = struct.pack("<BBHI4s", 14, 0x20, profile_version, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + body
    return data + struct.pack("<H", fit_crc(data))
