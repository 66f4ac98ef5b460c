"""Any activity file a member hands in (GPX, TCX, FIT, each maybe gzipped) to activities, by its content."""

from __future__ import annotations

import re
import zlib

from pipelines.parsers.activity.gpx import parse_gpx
from pipelines.parsers.activity.tcx import parse_tcx
from pipelines.parsers.schemas import ParsedActivity, ParseError
from pipelines.settings import Thresholds

MB = 1024 * 1024
DEFAULT_MAX_BYTES = Thresholds.max_unzipped_mb * MB
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 64 * 1024
EXPORT_HINT = "export the activity from your watch app as GPX, TCX or FIT"

# The first element after the XML declaration, comments, processing instructions and DOCTYPE.
_ROOT_ELEMENT = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)",
    re.DOTALL,
)
_XML_FORMATS = {b"gpx": "gpx", b"TrainingCenterDatabase": "tcx"}


def _gunzip(data: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
    """The decompressed bytes of every gzip member, refusing to expand beyond `max_bytes`."""
    out, warnings = bytearray(), []
    while data.startswith(GZIP_MAGIC):
        stream = zlib.decompressobj(wbits=31)
        try:
            out += stream.decompress(data, max_bytes + 1 - len(out))
        except zlib.error as error:
            raise ParseError(
                "the compressed (.gz) file is damaged", "compress or export the file again"
            ) from error
        if len(out) > max_bytes:
            raise ParseError(
                f"the compressed file expands beyond {max_bytes / MB:.3g} MB",
                "one activity file is far smaller than that: check that this is the right file",
            )
        if not stream.eof:
            # A cut-short download: what came through is a readable prefix the parsers may salvage.
            warnings.append("the compressed file is cut short: only its readable part was used")
            break
        data = stream.unused_data
    return bytes(out), warnings


def _decompressed(data: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
    return _gunzip(data, max_bytes) if data.startswith(GZIP_MAGIC) else (data, [])


def _head_as_utf8(head: bytes) -> bytes:
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace").encode()
    return head.removeprefix(b"\xef\xbb\xbf")


def _is_csv(head: bytes) -> bool:
    first_line = head.split(b"\n", 1)[0]
    try:
        text = first_line.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "," in text and "<" not in text


def _format_of(head: bytes) -> str:
    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    root = _ROOT_ELEMENT.match(_head_as_utf8(head))
    if root:
        return _XML_FORMATS.get(root.group(1), "unknown")
    return "csv" if _is_csv(head) else "unknown"


def _head(data: bytes) -> bytes:
    """The first SNIFF_BYTES of the content, decompressing only that much of a gzip file."""
    if not data.startswith(GZIP_MAGIC):
        return data[:SNIFF_BYTES]
    try:
        return zlib.decompressobj(wbits=31).decompress(data, SNIFF_BYTES)
    except zlib.error:
        return b""


def sniff_format(name: str, data: bytes) -> str:
    """What a file is by its content, after gunzip: 'gpx', 'tcx', 'fit', 'zip', 'csv' or 'unknown'.

    `name` is not trusted: members rename files and apps mislabel them.
    """
    return _format_of(_head(data))


def parse_activity_file(
    name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[ParsedActivity]:
    """Every activity in one GPX, TCX or FIT file (gzipped or not), whatever its name says."""
    if not data:
        raise ParseError("the file is empty", "export the activity again from your watch app")
    data, warnings = _decompressed(data, max_bytes)
    if not data:
        raise ParseError("the file is empty", "export the activity again from your watch app")
    kind = _format_of(data[:SNIFF_BYTES])
    if kind == "gpx":
        activities = parse_gpx(data)
    elif kind == "tcx":
        activities = parse_tcx(data)
    elif kind == "fit":
        from pipelines.parsers.activity.fit import (
            parse_fit,  # written separately; imported only when needed
        )

        activities = parse_fit(data)
    else:
        raise ParseError("this is not a GPX, TCX or FIT activity file", EXPORT_HINT)
    for activity in activities:
        activity.warnings[:0] = warnings
    return activities
