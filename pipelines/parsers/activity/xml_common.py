"""What the GPX and TCX parsers share: safe XML reading, the per-point text loop and typed sample columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
import polars as pl
from lxml import etree

from pipelines.parsers.activity.xml_runs import (
    RUN_TARGET,
    PointPattern,
    PointRuns,
    find_runs,
    run_points,
)
from pipelines.parsers.schemas import ENGINE, SAMPLE_SCHEMA, ParsedActivity, ParseError

# Text columns read from each point, in this order; `t` is the time text.
FIELDS = ("t", "lat", "lon", "ele", "dist_m", "hr", "cad")
T, LAT, LON, ELE, DIST, HR, CAD = range(len(FIELDS))
POINT_ATTRIBUTES = {LAT: "lat", LON: "lon"}  # read from the point element itself (GPX)

# Heart rate and cadence live in vendor extensions (Garmin TrackPointExtension v1/v2, cluetrust gpxdata,
# Garmin ActivityExtension): matched by local name so any namespace version works.
EXTENSION_FIELDS = {
    "hr": HR,
    "heartrate": HR,
    "heart_rate": HR,
    "cad": CAD,
    "cadence": CAD,
    "runcadence": CAD,
}

UTF8_BOM = b"\xef\xbb\xbf"
CLOSING_TAG_SEARCH_BYTES = 64 * 1024
DAMAGED_HINT = "the file looks damaged or cut short: export the activity again from your watch app"


def _xml_parser(recover: bool) -> etree.XMLParser:
    # No entity expansion and no network: an uploaded file must not reach other files or hosts.
    return etree.XMLParser(huge_tree=True, recover=recover, resolve_entities=False, no_network=True)


FieldOfTag = Callable[[str], int | None]  # a point element's tag -> its field, None for no field


@dataclass(frozen=True)
class PointFormat:
    """How a format writes its points: the point element's local name and, for the document's
    namespace, which field each tag inside a point carries."""

    point: str
    fields: Callable[[str], FieldOfTag]
    # Elements the parser looks for at any depth: a point holding one is read by lxml.
    searched: tuple[str, ...] = ()


@dataclass
class XmlDocument:
    """A parsed file: its root, the root's `{namespace}` prefix, and what was wrong if it was salvaged."""

    root: etree._Element
    namespace: str
    field_of_tag: FieldOfTag
    damage: str | None = None
    cut_short: bool = False  # salvaged and its closing root tag is missing: the end was lost
    # Points read by pattern (xml_runs), each run standing in `root` as an instruction, and per
    # run the expressions that turn its values into FIELDS.
    runs: PointRuns | None = None
    run_fields: list[tuple[pl.Expr, ...]] = field(default_factory=list)

    @property
    def damage_warning(self) -> str | None:
        """What salvaging the file means for the member, or None for a well-formed file."""
        if self.damage is None:
            return None
        if self.cut_short:
            return f"the file is cut short ({self.damage}): only its readable part was used"
        return f"the file breaks XML rules ({self.damage}): it was read leniently, to its end"


def local_name(tag: str) -> str:
    """The tag without its `{namespace}` prefix."""
    return tag.rpartition("}")[2]


def broken_xml_error(label: str, damage: str) -> ParseError:
    """The error for a file whose XML cannot be read."""
    return ParseError(f"the file is not valid {label} XML ({damage})", DAMAGED_HINT)


def read_xml(
    data: bytes, root_name: str, label: str, points: PointFormat, read_runs: bool = True
) -> XmlDocument:
    """Parse strictly; if that fails, salvage with lxml's recover mode and record the damage.

    Runs of alike points are read by pattern (xml_runs) unless `read_runs` is False; the result
    is the same either way (tested on every real file), only quicker.
    """
    # Some exporters write whitespace (or a BOM) before `<?xml`, which strict parsers refuse.
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.removeprefix(UTF8_BOM).lstrip()
    if not data:
        raise ParseError("the file is empty", "export the activity again from your watch app")
    if read_runs and (doc := _read_with_runs(data, root_name, points)) is not None:
        return doc
    damage = None
    try:
        root = etree.fromstring(data, _xml_parser(recover=False))
    except etree.XMLSyntaxError as error:
        damage = f"line {error.lineno}: {error.msg}"
        try:
            root = etree.fromstring(data, _xml_parser(recover=True))
        except etree.LxmlError:
            root = None
    except (etree.LxmlError, ValueError) as error:
        raise broken_xml_error(label, str(error)) from error
    if root is None or not isinstance(root.tag, str):
        raise broken_xml_error(label, damage or "no root element")
    if local_name(root.tag) != root_name:
        raise ParseError(
            f"the file is not {label}: its first element is <{local_name(root.tag)}>",
            "export the activity from your watch app as GPX, TCX or FIT",
        )
    namespace = _namespace(root)
    cut_short = damage is not None and not _closes_root(data, root_name)
    return XmlDocument(root, namespace, points.fields(namespace), damage, cut_short)


def _namespace(root: etree._Element) -> str:
    return root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""


def _read_with_runs(data: bytes, root_name: str, points: PointFormat) -> XmlDocument | None:
    """The document with its runs of alike points cut out before lxml parses it; None when it has
    none, or when anything is not plain (a parse error, a run out of place): then lxml reads it all."""
    runs = find_runs(data, points.point)
    if runs is None:
        return None
    try:
        root = etree.fromstring(runs.remainder, _xml_parser(recover=False))
    except (etree.LxmlError, ValueError):
        return None
    parents = runs.parents(root) if isinstance(root.tag, str) else None
    if parents is None or local_name(root.tag) != root_name:
        return None
    namespace = _namespace(root)
    run_fields = []
    for (pattern, _, _), parent in zip(runs.spans, parents, strict=True):
        fields = _run_fields(pattern, frozenset(parent.nsmap.items()), namespace, points)
        if fields is None:
            return None
        run_fields.append(fields)
    return XmlDocument(root, namespace, points.fields(namespace), runs=runs, run_fields=run_fields)


def _clark(qname: str, nsmap: dict[str | None, str]) -> str | None:
    """A qualified name as lxml's `{namespace}local` tag where it stands; None for an unknown prefix."""
    prefix, _, local = qname.rpartition(":")
    namespace = nsmap.get(prefix or None)
    if prefix and namespace is None:
        return None
    return f"{{{namespace}}}{local}" if namespace else local


@lru_cache(maxsize=64)
def _run_fields(
    pattern: PointPattern,
    namespaces: frozenset[tuple[str | None, str]],
    namespace: str,
    points: PointFormat,
) -> tuple[pl.Expr, ...] | None:
    """The FIELDS of a run's points from its pattern's values, as the lxml loop reads them (the
    lat/lon attributes first, then the first element with text wins); None if it reads differently.
    `namespaces` are the prefixes declared where the run is. Built once for files written alike."""
    nsmap = dict(namespaces)
    field_of_tag = points.fields(namespace)
    tags = [_clark(element.qname, nsmap) for element in pattern.elements]
    searched = {namespace + name for name in points.searched}
    if tags[0] != namespace + points.point or None in tags or searched.intersection(tags):
        return None
    given: dict[int, list[pl.Expr]] = {index: [] for index in range(len(FIELDS))}
    for element, tag in zip(pattern.elements, tags, strict=True):
        index = field_of_tag(tag)
        if index is not None and element.container:
            return None
        if index is not None and element.value is not None:
            value = pattern.value(element.value)
            given[index].append(value)
    attributes = dict(pattern.attributes)
    columns = []
    for index, name in enumerate(FIELDS):
        attribute = POINT_ATTRIBUTES.get(index)
        if attribute in attributes:
            column = pattern.value(attributes[attribute])
        elif len(given[index]) == 1:
            # An empty text is lxml's None; samples_from_points reads "" and None alike.
            column = given[index][0]
        elif given[index]:
            column = pl.coalesce(
                [pl.when(text.str.len_bytes() > 0).then(text) for text in given[index]]
            )
        else:
            column = pl.lit(None, dtype=pl.String)
        columns.append(column.alias(name))
    return tuple(columns)


def _closes_root(data: bytes, root_name: str) -> bool:
    """Whether the closing tag of the root is among the file's last bytes (then it was not cut)."""
    closing = rb"</(?:[\w.-]+:)?" + re.escape(root_name.encode()) + rb"\s*>"
    return re.search(closing, data[-CLOSING_TAG_SEARCH_BYTES:]) is not None


@dataclass
class PointReader:
    """Collects the text of every sample field of the points: runs by pattern, the rest by lxml."""

    doc: XmlDocument
    # Field texts of the points lxml reads, back to back (len(FIELDS) per point): cheaper than a
    # list per point.
    texts: list[str | None] = field(default_factory=list)
    # What was read, in order: (run index or None for lxml's points, first point, points, segment, group)
    pieces: list[tuple[int | None, int, int, int, int]] = field(default_factory=list)
    _fields: dict[str, int | None] = field(default_factory=dict)
    _segment: int = -1

    @property
    def points(self) -> int:
        """How many points were read."""
        return sum(piece[2] for piece in self.pieces)

    @property
    def runs_unread(self) -> bool:
        """Whether a run lies where the parser did not look for points (then its elements could
        matter elsewhere, as in a track's extensions: the file must be read by lxml alone)."""
        read = {piece[0] for piece in self.pieces if piece[0] is not None}
        return self.doc.runs is not None and len(read) < len(self.doc.runs.spans)

    def read(self, container: etree._Element, point_tag: str, group: int) -> None:
        """Append one segment's points (a GPX trkseg, a TCX Track) to the activity group `group`."""
        self._segment += 1
        if self.doc.runs is None:
            self._read_elements(container.iterchildren(point_tag), group)
            return
        points = []
        for child in container.iterchildren(point_tag, etree.PI):
            if child.tag is not etree.PI:
                points.append(child)
            elif child.target == RUN_TARGET:
                self._read_elements(points, group)
                points = []
                run = int(child.text)
                self.pieces.append((run, 0, self.doc.runs.sizes[run], self._segment, group))
        self._read_elements(points, group)

    def _read_elements(self, points: Iterable[etree._Element], group: int) -> None:
        fields = self._fields
        field_of_tag = self.doc.field_of_tag
        texts = self.texts
        start = len(texts)
        lat, lon = POINT_ATTRIBUTES[LAT], POINT_ATTRIBUTES[LON]
        # The hot loop: one pass over each point's descendants; the first value of a field wins.
        for point in points:
            values = [None, point.get(lat), point.get(lon), None, None, None, None]
            for element in point.iter(etree.Element):
                tag = element.tag
                index = fields.get(tag, -1)
                if index == -1:
                    index = fields[tag] = field_of_tag(tag)
                if index is not None and values[index] is None:
                    values[index] = element.text
            texts.extend(values)
        added = (len(texts) - start) // len(FIELDS)
        if added:
            self.pieces.append((None, start // len(FIELDS), added, self._segment, group))


def point_texts(readers: list[PointReader]) -> tuple[pl.DataFrame, list[int]]:
    """The text of every field of every point the readers read, reader after reader and each in
    order, with `segment` and `group`; and how many points each read. The same few queries
    however many readers: lxml's points in one frame, the runs' in one per pattern (`run_points`)."""
    width = len(FIELDS)
    texts = [text for reader in readers for text in reader.texts]
    read = pl.DataFrame(
        [pl.Series(name, texts[i::width], dtype=pl.String) for i, name in enumerate(FIELDS)]
    )
    pieces = [(reader, piece) for reader in readers for piece in reader.pieces]
    runs = [
        (reader.doc.runs, run, reader.doc.run_fields[run])
        for reader, (run, *_) in pieces
        if run is not None
    ]
    run_frames, run_starts = run_points(runs) if runs else ([], [])
    starts, texts_before, runs_before = [], 0, iter(run_starts)
    for reader in readers:
        for run, first, _, _, _ in reader.pieces:
            starts.append(texts_before + first if run is None else read.height + next(runs_before))
        texts_before += len(reader.texts) // width
    sizes = np.asarray([piece[2] for _, piece in pieces], np.int64)
    # row of each point: its piece's start in the frames, plus its place in the piece
    rows = np.repeat(np.asarray(starts, np.int64) - (np.cumsum(sizes) - sizes), sizes)
    rows += np.arange(len(rows))
    texts_frame = pl.concat([read, *run_frames])
    if not np.array_equal(rows, np.arange(texts_frame.height)):  # usually in order already
        texts_frame = texts_frame[rows]
    return texts_frame.hstack(
        [
            pl.Series("segment", np.repeat([piece[3] for _, piece in pieces], sizes), pl.Int64),
            pl.Series("group", np.repeat([piece[4] for _, piece in pieces], sizes), pl.Int64),
        ]
    ), [reader.points for reader in readers]


@dataclass
class PointsRead:
    """A GPX or TCX file read but for its points' values: the points' texts (`reader`), and how the
    file's activities are made of their typed samples and the file's warnings (`activities`). The
    points of many files are typed together (`samples_from_points`), a batch at a time."""

    reader: PointReader
    activities: Callable[[pl.DataFrame, list[str]], list[ParsedActivity]]

    def alone(self) -> list[ParsedActivity]:
        """The file's activities, its points typed on their own (a batch of one)."""
        return self.activities(*samples_from_points([self.reader])[0])


def extension_field(tag: str) -> int | None:
    """The sample field a vendor extension tag carries, whatever its namespace."""
    return EXTENSION_FIELDS.get(local_name(tag).lower())


def _iso_text(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars().str.replace(" ", "T", literal=True)


def offset_utc_time(text: pl.Expr) -> pl.Expr:
    """ISO 8601 text with a `Z` or `+02:00` offset to UTC; null for a time without one."""
    return _iso_text(text).str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%#z", time_unit="us", time_zone="UTC", strict=False
    )


def utc_time(text: pl.Expr) -> pl.Expr:
    """ISO 8601 text to UTC: `Z` or `+02:00` offsets, any fraction; times without an offset taken as UTC."""
    return pl.coalesce(
        offset_utc_time(text),
        _iso_text(text)
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", time_unit="us", strict=False)
        .dt.replace_time_zone("UTC"),
    )


UTC_TIME = utc_time(pl.col("t"))


def parse_times(texts: list[str | None]) -> list[datetime | None]:
    """ISO 8601 times (lap starts, an activity id) as UTC, None where unreadable: one query."""
    return pl.DataFrame([pl.Series("t", texts, pl.String)]).select(UTC_TIME).to_series().to_list()


def parse_number(text: str | None) -> float | None:
    """One summary number (a lap total) or None when absent or malformed."""
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and abs(value) < float("inf") else None


def _number(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars().cast(pl.Float64, strict=False)


def _valid(name: str, value: pl.Expr) -> pl.Expr:
    """Whether a value is usable: finite, and a real coordinate for lat/lon."""
    limit = {"lat": 90.0, "lon": 180.0}.get(name)
    finite = value.is_finite()
    return finite & (value.abs() <= limit) if limit else finite


def _given(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars().fill_null("") != ""


NUMERIC = FIELDS[1:]
OFFSET_SUFFIX = r"(?:[zZ]|[+-]\d\d:?\d\d)\s*$"
SAMPLE_COLUMNS = ("t", *NUMERIC, "seg", "segment", "group")


def _malformed(name: str) -> pl.Expr:
    return _given(pl.col(name)) & ~_valid(name, pl.col(f"{name}_value")).fill_null(False)


def _typed(time: Callable[[pl.Expr], pl.Expr]) -> tuple[pl.Expr, ...]:
    return (
        pl.col("t").alias("t_text"),
        time(pl.col("t")).alias("t"),
        *(_number(pl.col(name)).alias(f"{name}_value") for name in NUMERIC),
    )


def _samples() -> tuple[pl.Expr | str, ...]:
    """The typed samples of every point, untimed ones too, from `_typed` columns."""
    return (
        "t",
        # "No reading" marks (a heart rate of 0 or 255) are cleaning's to drop, as for every format.
        *(
            pl.when(_valid(name, pl.col(f"{name}_value"))).then(pl.col(f"{name}_value")).alias(name)
            for name in NUMERIC
        ),
        pl.lit(0, dtype=pl.Int32).alias("seg"),
        "segment",
        "group",
    )


def _checks() -> tuple[pl.Expr, ...]:
    """What is wrong with the points, counted from `_typed` columns (broadcast beside the samples)."""
    given_time = _given(pl.col("t_text"))
    return (
        (~given_time).sum().alias("untimed"),
        (given_time & pl.col("t").is_null()).sum().alias("bad_times"),
        pl.col("t_text")
        .filter(given_time & pl.col("t").is_null())
        .first()
        .alias("bad_time_example"),
        (given_time & pl.col("t").is_not_null() & ~pl.col("t_text").str.contains(OFFSET_SUFFIX))
        .sum()
        .alias("naive_times"),
        *(_malformed(name).sum().alias(f"bad_{name}") for name in NUMERIC),
    )


# Built once: building them costs about as much as a query on ~50 points.
OFFSET_TYPED, UTC_TYPED = _typed(offset_utc_time), _typed(utc_time)
SAMPLES, CHECKS = _samples(), _checks()
CHECK_NAMES = tuple(check.meta.output_name() for check in CHECKS)
# Per point, for the files whose every point was read (`_all_read`): the one check left.
NAIVE_TIME = (~pl.col("t_text").str.contains(OFFSET_SUFFIX)).fill_null(False).alias("naive_time")


def _all_read(text: pl.DataFrame, samples: pl.DataFrame) -> bool:
    """Whether every point has a time with an offset, and every value given is valid: a sample is
    null only where its text is (a text that is blank or malformed, or a value out of range, gives
    a null sample)."""
    return samples.get_column("t").null_count() == 0 and all(
        samples.get_column(name).null_count() == text.get_column(name).null_count()
        for name in NUMERIC
    )


Points = tuple[pl.DataFrame, list[str]]  # a file's typed samples and its warnings


def samples_from_points(readers: list[PointReader]) -> list[Points]:
    """Each reader's typed samples (SAMPLE_SCHEMA plus `group` and raw `segment`) of its timed
    points, and its file's warnings. One query for all the readers' points (every point of nearly
    every file is read cleanly); a file with a point that was not is checked on its own: its checks
    counted, and times without an offset read in a second pass."""
    text, sizes = point_texts(readers)
    read = (
        text.lazy().with_columns(OFFSET_TYPED).select(*SAMPLES, NAIVE_TIME).collect(engine=ENGINE)
    )
    naive = np.bincount(
        np.repeat(np.arange(len(readers)), sizes),
        read.get_column("naive_time").to_numpy(),
        len(readers),
    ).astype(np.int64)
    samples = pl.DataFrame([read.get_column(name) for name in SAMPLE_COLUMNS])
    every_point_read = _all_read(text, read)
    found, start = [], 0
    for size, naive_times in zip(sizes, naive, strict=True):
        file_text, file_samples = text.slice(start, size), samples.slice(start, size)
        if every_point_read or _all_read(file_text, file_samples):
            checks = dict.fromkeys(CHECK_NAMES, 0) | {"naive_times": int(naive_times)}
            found.append((file_samples, _point_warnings(checks)))
        else:
            found.append(_checked_samples(file_text))
        start += size
    return found


def _checked_samples(text: pl.DataFrame) -> Points:
    """One file's samples and warnings, its checks counted (some point was not read cleanly)."""
    typed = text.lazy().with_columns(OFFSET_TYPED)
    read = typed.select(*SAMPLES, *CHECKS).collect(engine=ENGINE)
    if read.item(0, "bad_times"):
        typed = text.lazy().with_columns(UTC_TYPED)
        read = typed.select(*SAMPLES, *CHECKS).collect(engine=ENGINE)
    checks = read.row(0, named=True)
    bad = next((name for name in NUMERIC if checks[f"bad_{name}"]), None)
    if bad is not None:
        checks["bad_value_example"] = (
            bad,
            typed.filter(_malformed(bad)).select(bad).collect(engine=ENGINE).item(0, 0),
        )
    if checks["untimed"] or checks["bad_times"]:
        read = read.filter(pl.col("t").is_not_null())
    return pl.DataFrame([read.get_column(name) for name in SAMPLE_COLUMNS]), _point_warnings(checks)


def _point_warnings(checks: dict) -> list[str]:
    warnings = []
    if checks["untimed"]:
        warnings.append(f"{checks['untimed']} points without a time were dropped")
    if checks["bad_times"]:
        warnings.append(
            f"{checks['bad_times']} points with an unreadable time "
            f"(such as {checks['bad_time_example']!r}) were dropped"
        )
    if checks["naive_times"]:
        warnings.append(f"{checks['naive_times']} times had no UTC offset: taken as UTC")
    bad = sum(checks[f"bad_{name}"] for name in NUMERIC)
    if bad:
        name, example = checks["bad_value_example"]
        warnings.append(f"{bad} malformed values were ignored (such as {name} {example.strip()!r})")
    return warnings


def in_recorded_order(samples: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """One activity's samples in recorded order, times never stepping back, `seg` numbered from 0.

    Segments (GPX trkseg, TCX Track) are put in time order as wholes; inside one, points keep
    their file order, which is the order they were travelled in. A time earlier than one already
    reached is clock jitter (some exporters write times a few seconds off either way): the point
    keeps its place and takes the time already reached. Sorting such points by time zig-zagged one
    outing into a track 56% too long.

    In numpy: on one activity's few columns it costs a tenth of a polars query's start-up.
    """
    warnings = []
    time = samples.get_column("t").to_numpy().view(np.int64)  # microseconds
    segment = samples.get_column("segment").to_numpy()
    if len(segment) and (segment != segment[0]).any():  # more than one track part
        _, which = np.unique(segment, return_inverse=True)
        start = np.full(which.max(initial=-1) + 1, np.iinfo(np.int64).max)
        np.minimum.at(start, which, time)
        segment_start = start[which]
        if (np.diff(segment_start) < 0).any():
            order = np.argsort(segment_start, kind="stable")
            samples, time, segment = samples[order], time[order], segment[order]
            warnings.append("the file's track parts were not in time order: put in time order")
    reached = np.maximum.accumulate(time)
    stepped_back = int((time[1:] < reached[:-1]).sum())
    if stepped_back:
        warnings.append(
            f"{stepped_back} points had a time earlier than a point before them (clock jitter): "
            "kept in recorded order, each at the latest time before it"
        )
    seg = np.cumsum(np.diff(segment, prepend=segment[:1]) != 0, dtype=np.int32)
    # typed by numpy's int32, which is SAMPLE_SCHEMA's: polars takes ~20 us more when told the type
    columns = {"seg": pl.Series("seg", seg)}
    if stepped_back:  # else the times are the samples' own
        columns["t"] = pl.Series("t", reached, pl.Int64)
    return pl.DataFrame(
        [
            _as(columns[name] if name in columns else samples.get_column(name), dtype)
            for name, dtype in SAMPLE_SCHEMA.items()
        ]
    ), warnings


def _as(column: pl.Series, dtype: pl.DataType) -> pl.Series:
    """The column as `dtype`, not cast when it is already (a cast costs ~10 us even then)."""
    return column if column.dtype == dtype else column.cast(dtype)
