"""The FIT CRC-16 against its catalogue check value and a bit-by-bit reference, for every length."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipelines.parsers.activity.fit_crc import BLOCK_WORDS, SMALL_WORDS, crc16


def bitwise_crc(data: bytes) -> int:
    """CRC-16/ARC the slow way: reflected polynomial 0x8005 (0xA001), zero start, one bit a step."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_catalogue_check_value() -> None:
    assert crc16(b"123456789") == 0xBB3D  # CRC-16/ARC in the CRC RevEng catalogue


@pytest.mark.parametrize(
    "length",
    [0, 1, 2, 3, 12, 2 * SMALL_WORDS - 1, 2 * SMALL_WORDS, 2 * SMALL_WORDS + 3, 20_001, 86_000],
)
def test_matches_the_bitwise_reference(length: int) -> None:
    data = random.Random(length).randbytes(length)
    assert crc16(data) == bitwise_crc(data)
    assert crc16(memoryview(data)[1:]) == bitwise_crc(data[1:])


def test_blocks_that_do_not_divide_the_file_evenly() -> None:
    data = random.Random(7).randbytes(2 * (SMALL_WORDS + BLOCK_WORDS // 2) + 1)
    assert crc16(data) == bitwise_crc(data)


def test_a_whole_fit_file_with_its_footer_checks_to_zero(realdata: Path) -> None:
    data = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    assert len(data) > 2 * SMALL_WORDS
    assert crc16(data) == 0
