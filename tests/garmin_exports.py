"""Garmin Connect account exports built in tests, in the real layout: the originals in zips under
DI_CONNECT/DI-Connect-Uploaded-Files/, summaries and a device backup beside them."""

from __future__ import annotations

import io
import struct
import zipfile

from pipelines.parsers.activity.fit_crc import crc16

USER = "runner@example.com"  # Garmin names the originals `<account e-mail>_<number>.<format>`
UPLOADS = "DI_CONNECT/DI-Connect-Uploaded-Files"
PART1 = f"{UPLOADS}/UploadedFiles_0-_Part1.zip"
PART2 = f"{UPLOADS}/UploadedFiles_0-_Part2.zip"
SUMMARIES = f"DI_CONNECT/DI-Connect-Fitness/{USER}_0_summarizedActivities.json"
BACKUP = f"DI_CONNECT/DI-Connect-Fitness/{USER}_PrimaryTrainingBackup_Part1.zip"


def zipped(members: dict[str, bytes] | list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip of these members (a ZipInfo keeps its attributes, e.g. a symbolic link's mode)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items() if isinstance(members, dict) else members:
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def health_fit() -> bytes:
    """A FIT file as watches upload their all-day health data: file_id says monitoring_b (32)."""
    definition = bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 1) + bytes([0, 1, 0x00])
    body = definition + bytes([0x00, 32])
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    data = header + struct.pack("<H", crc16(header)) + body
    return data + struct.pack("<H", crc16(data))


def garmin_export(
    uploads: dict[str, dict[str, bytes]], backup: bytes, top: str = "", customer: str = "runner"
) -> bytes:
    """An account export: each part of `uploads` zipped, and a device backup zip holding `backup`
    (an activity file that must not be read from there) beside the summaries and the customer."""
    members = {top + part: zipped(files) for part, files in uploads.items()} | {
        top + SUMMARIES: b'[{"summarizedActivitiesExport": [{"activityId": 9100000001}]}]',
        top + BACKUP: zipped({"backup.fit": backup}),
        top + "customer_data/customer.json": f'{{"displayName": "{customer}"}}'.encode(),
    }
    return zipped(members)
