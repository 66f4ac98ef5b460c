"""Any activity file a member hands in (GPX, TCX, FIT, each maybe gzipped) to activities, by its content."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from pipelines.parsers.activity.gpx import read_gpx
from pipelines.parsers.activity.tcx import read_tcx
from pipelines.parsers.activity.xml_common import Points, PointsRead
from pipelines.parsers.schemas import ParsedActivity, ParseError
from pipelines.settings import Thresholds

MB = 1024 * 1024
DEFAULT_MAX_BYTES = Thresholds.max_unzipped_mb * MB
GZIP_MAGIC = b"\x1f\x8b"
MAX_GZIP_LAYERS = 3
GZIP_CUT = "the compressed file ends without its gzip checksum: its content was read as it came"
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 64 * 1024
EXPORT_HINT = "export the activity from your watch app as GPX, TCX or FIT"
POINT_READERS = {"gpx": read_gpx, "tcx": read_tcx}
# Files of up to this many points have theirs typed with a batch's; a larger one on its own at once,
# so that its document is not held while the batch is read (and its typing's cost is per point).
BATCHED_POINTS = 4096

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
            # No gzip trailer: maybe a cut-short download, maybe only the checksum is missing. The
            # format's own parser says whether the content itself was cut short.
            warnings.append(GZIP_CUT)
            break
        data = stream.unused_data
    return bytes(out), warnings


def _decompressed(data: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
    """The content of a file gzipped once, twice (some upload tools compress what is already
    compressed) or up to MAX_GZIP_LAYERS times."""
    warnings: list[str] = []
    for _ in range(MAX_GZIP_LAYERS):
        if not data.startswith(GZIP_MAGIC):
            return data, warnings
        data, layer_warnings = _gunzip(data, max_bytes)
        warnings += layer_warnings
    if data.startswith(GZIP_MAGIC):
        raise ParseError(
            f"the file is compressed more than {MAX_GZIP_LAYERS} times over",
            "upload the activity file itself, or compressed once (.gz)",
        )
    return data, warnings


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
    """The first SNIFF_BYTES of the content, decompressing only that much of each gzip layer."""
    for _ in range(MAX_GZIP_LAYERS):
        if not data.startswith(GZIP_MAGIC):
            break
        try:
            data = zlib.decompressobj(wbits=31).decompress(data, SNIFF_BYTES)
        except zlib.error:
            return b""
    return data[:SNIFF_BYTES]


def sniff_format(name: str, data: bytes) -> str:
    """What a file is by its content, after gunzip: 'gpx', 'tcx', 'fit', 'zip', 'csv' or 'unknown'.

    `name` is not trusted: members rename files and apps mislabel them.
    """
    return _format_of(_head(data))


@dataclass
class ActivityFile:
    """A file read as far as it can be on its own: its activities, or (a GPX or TCX file of up to
    BATCHED_POINTS points) its points awaiting their typing with other files' (`points`)."""

    activities: list[ParsedActivity]
    points: PointsRead | None
    warnings: list[str]  # the file's own (gzip), before its activities'

    def finish(self, typed: Points | None = None) -> list[ParsedActivity]:
        """The file's activities, of its points `typed` with a batch's (`samples_from_points`),
        or typed on their own when not given."""
        if self.points is None:
            activities = self.activities
        elif typed is None:
            activities = self.points.alone()
        else:
            activities = self.points.activities(*typed)
        for activity in activities:
            activity.warnings[:0] = self.warnings
        return activities


def parse_activity_file(
    name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[ParsedActivity]:
    """Every activity in one GPX, TCX or FIT file (gzipped or not), whatever its name says."""
    return read_activity_file(name, data, max_bytes).finish()


def read_activity_file(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ActivityFile:
    """One GPX, TCX or FIT file (gzipped or not), whatever its name says, read as far as it can
    be on its own (see `ActivityFile`)."""
    if not data:
        raise ParseError("the file is empty", "export the activity again from your watch app")
    data, warnings = _decompressed(data, max_bytes)
    if not data:
        raise ParseError("the file is empty", "export the activity again from your watch app")
    kind = _format_of(data[:SNIFF_BYTES])
    if kind in POINT_READERS:
        points = POINT_READERS[kind](data)
        if points.reader.points <= BATCHED_POINTS:
            return ActivityFile([], points, warnings)
        activities = points.alone()  # typed now: its document need not wait for the batch
    elif kind == "fit":
        from pipelines.parsers.activity.fit import (
            parse_fit,  # written separately; imported only when needed
        )

        activities = parse_fit(data)
    else:
        raise ParseError("this is not a GPX, TCX or FIT activity file", EXPORT_HINT)
    return ActivityFile(activities, None, warnings)
