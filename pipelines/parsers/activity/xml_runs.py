"""Runs of alike track points read by pattern: the fast path past lxml for GPX and TCX points.

Nearly every file writes all its points the same way (Garmin Connect: the same elements, in the
same order, with numbers and times as values). A run is a stretch of such points, whitespace
between them, that match one pattern built from the first of them: its tags verbatim, values
restricted to printable ASCII without markup characters (no entities, CDATA, comments or quotes)
and whitespace between tags. Each run is cut out of the document and replaced by a processing
instruction; lxml parses what is left (strictly: any error and the whole file is read the usual
way) and so checks everything outside the runs, while the runs' values are split out column-wise
in polars. A point that fits no pattern stays in the document and is read by the lxml loop.

Why this is exact: a run is well-formed XML by construction (one pattern, tags checked to balance,
no attribute twice, no namespace declarations), so the file is well-formed exactly when what is left
is and each run's instruction lands inside the root element (an instruction inside a comment or
CDATA section is not a node, and one outside the root is reported: both fall back). Its prefixes
are resolved where its instruction lands. Measured on the benchmark's files: lxml's parse and
element loop cost 5.2 us a GPX point; finding and splitting runs ~1 us (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl
from lxml import etree

RUN_TARGET = "strongstride-points"  # the instruction that stands for a run in what lxml parses
NAME = rb"[A-Za-z_][A-Za-z0-9._-]*"
QNAME = NAME + rb"(?::" + NAME + rb")?"
SPACE = rb"[ \t\r\n]"
# Values: printable ASCII and tab/newline, without < > & " ' (lxml would read these differently:
# entities, markup, a carriage return normalised). Attribute values also lose tab and newline,
# which XML turns into spaces.
VALUE_CHARS = rb"[\t\n !#-%(-;=?-~]"
ATTRIBUTE_CHARS = rb"[ !#-%(-;=?-~]"
TAG = re.compile(
    rb"<(?P<end>/)?(?P<name>" + QNAME + rb")"
    rb"(?P<attributes>(?:" + SPACE + rb"+" + NAME + SPACE + rb"*=" + SPACE + rb"*"
    rb"(?:\""
    + ATTRIBUTE_CHARS
    + rb"*\"|'"
    + ATTRIBUTE_CHARS
    + rb"*'))*)"
    + SPACE
    + rb"*(?P<empty>/)?>"
)
ATTRIBUTE = re.compile(
    SPACE + rb"+(?P<name>" + NAME + rb")" + SPACE + rb"*=" + SPACE + rb"*(?P<quote>[\"'])"
)
TEXT = re.compile(rb"[^<]*")
BLANK = re.compile(SPACE + rb"*\Z")
VALUE = re.compile(VALUE_CHARS + rb"*\Z")
DECLARED_ENCODING = re.compile(
    rb"<\?xml[^>]*?encoding" + SPACE + rb"*=" + SPACE + rb"*[\"']([^\"']*)"
)
# Encodings in which these ASCII bytes are these characters wherever they occur.
ASCII_SAFE = re.compile(r"(?i)utf-?8|(?:us-)?ascii|iso[-_]?8859-\d+|latin-?1|(?:windows|cp)-?125\d")
MAX_UNREAD_POINTS = 8  # points that fit no pattern before the search gives up on the file

MIN_POINTS_PER_RUN = 16  # shorter runs on average (points of alternating shapes): lxml is quicker
FEW_RUNS = 8  # up to this many runs are read by pattern whatever their length

# A piece of a pattern is literal bytes or one of these slots.
BLANK_SLOT = 0  # whitespace between tags
VALUE_SLOT = 1  # an element's text
ATTRIBUTE_SLOT = 2  # an attribute value of the point element
SLOT_REGEX = {
    BLANK_SLOT: SPACE + rb"*",
    VALUE_SLOT: VALUE_CHARS + rb"*",
    ATTRIBUTE_SLOT: ATTRIBUTE_CHARS + rb"*",
}


@dataclass(frozen=True)
class Element:
    """One element of a pattern: its qualified name and the index of its text among the values."""

    qname: str
    value: int | None  # None: no text of its own (self-closing, or a container)
    container: bool  # holds elements (its text would be the whitespace before the first)


@dataclass(frozen=True)
class PointPattern:
    """The shape of one point element, and how its values are split out of a run of such points."""

    runs: re.Pattern[bytes]  # one or more such points, whitespace after each
    elements: tuple[Element, ...]  # in document order, the point element first
    attributes: tuple[tuple[str, int], ...]  # the point element's attributes: (name, value index)
    tags: int  # '<' in one point
    delimiters: int  # '<' and attribute quotes in one point: tokens per point when split at them
    quotes: tuple[str, ...]  # the quote characters its attributes use
    values: tuple[tuple[int, int], ...]  # per value: (token within a point, characters before it)


def _start_tag(tag: re.Match[bytes], values: int) -> tuple[list, list[tuple[str, int]]]:
    """The pieces of the point's start tag (attribute values as slots) and its attributes."""
    pieces, attributes, text, at = [], [], tag[0], 0
    for attribute in ATTRIBUTE.finditer(tag["attributes"]):
        begin = tag.start("attributes") - tag.start() + attribute.end()
        end = text.index(attribute["quote"], begin)
        pieces += [text[at:begin], ATTRIBUTE_SLOT]
        attributes.append((attribute["name"].decode(), values + len(attributes)))
        at = end
    return [*pieces, text[at:]], attributes


def _shape_at(data: bytes, start: int) -> tuple | None:
    """The pieces, elements and attributes of the point element at `start`; None when it is not
    plain: markup other than elements, text that is not a plain value, attributes below the point."""
    pieces: list = []
    elements: list[list] = []
    attributes: list[tuple[str, int]] = []
    open_names: list[bytes] = []
    open_elements: list[int] = []
    values = 0
    at = start
    while True:
        tag = TAG.match(data, at)
        if tag is None:
            return None
        name = tag["name"]
        if tag["end"]:
            if tag["attributes"] or tag["empty"] or open_names.pop() != name:
                return None
            open_elements.pop()
            pieces.append(tag[0])
        elif tag["attributes"] and elements:
            return None
        else:
            if open_elements:
                elements[open_elements[-1]][2] = True
            elements.append([name.decode(), None, False])
            if tag["attributes"]:
                tag_pieces, attributes = _start_tag(tag, values)
                names = [attribute for attribute, _ in attributes]
                if len(set(names)) < len(names) or "xmlns" in names:
                    return None
                pieces += tag_pieces
                values += len(attributes)
            else:
                pieces.append(tag[0])
            if not tag["empty"]:
                open_names.append(name)
                open_elements.append(len(elements) - 1)
        at = tag.end()
        if not open_names:
            break
        text = TEXT.match(data, at)[0]
        after = TAG.match(data, at + len(text))
        is_value = (
            not tag["end"]
            and not tag["empty"]
            and after is not None
            and after["end"] is not None
            and after["name"] == name
        )
        if is_value:
            if VALUE.match(text) is None:
                return None
            elements[-1][1] = values
            values += 1
            pieces.append(VALUE_SLOT)
        elif BLANK.match(text) is None:
            return None
        else:
            pieces.append(BLANK_SLOT)
        at += len(text)
    shape_elements = tuple(Element(qname, value, container) for qname, value, container in elements)
    return tuple(pieces), shape_elements, tuple(attributes)


@lru_cache(maxsize=64)
def _pattern(pieces: tuple, elements: tuple[Element, ...], attributes: tuple) -> PointPattern:
    """The compiled pattern of a point shape (shared by every file written the same way)."""
    regex = b"".join(SLOT_REGEX[p] if isinstance(p, int) else re.escape(p) for p in pieces)
    literal = b"".join(p for p in pieces if isinstance(p, bytes))
    quotes = tuple(q for q in "\"'" if q.encode() in literal)
    delimiters, since, values = 0, 0, []
    for piece in pieces:
        if isinstance(piece, bytes):
            for char in piece.decode("ascii"):
                if char == "<" or char in quotes:
                    delimiters, since = delimiters + 1, 0
                else:
                    since += 1
        elif piece != BLANK_SLOT:
            values.append((delimiters, since))
    return PointPattern(
        runs=re.compile(b"(?:" + regex + SPACE + b"*)+"),
        elements=elements,
        attributes=attributes,
        tags=literal.count(b"<"),
        delimiters=delimiters,
        quotes=quotes,
        values=tuple(values),
    )


@lru_cache(maxsize=8)
def _point_starts(point: str) -> re.Pattern[bytes]:
    return re.compile(rb"<(?:" + NAME + rb":)?" + re.escape(point.encode()) + rb"(?=[ \t\r\n/>])")


def _ascii_safe(data: bytes) -> bool:
    """Whether the file's bytes are its characters wherever they are ASCII (UTF-8, Latin-1, ...)."""
    if not data.startswith(b"<") or b"<!DOCTYPE" in data or RUN_TARGET.encode() in data:
        return False
    declared = DECLARED_ENCODING.match(data)
    return (
        declared is None or ASCII_SAFE.fullmatch(declared[1].decode("ascii", "replace")) is not None
    )


@dataclass
class PointRuns:
    """A document's runs of alike points, and what is left of it for lxml."""

    data: bytes
    spans: list[tuple[PointPattern, int, int]]  # pattern, start and end in `data`
    sizes: list[int]  # points in each run
    offsets: list[int]  # each run's first point among all the points of its pattern
    _values: dict[PointPattern, pl.DataFrame] = field(default_factory=dict)

    @property
    def remainder(self) -> bytes:
        """The document with each run replaced by an instruction naming its index."""
        pieces, at = [], 0
        for index, (_, start, end) in enumerate(self.spans):
            pieces += [self.data[at:start], b"<?%s %d?>" % (RUN_TARGET.encode(), index)]
            at = end
        return b"".join([*pieces, self.data[at:]])

    def parents(self, root: etree._Element) -> list[etree._Element] | None:
        """The element each run is in; None unless every run's instruction is inside the root."""
        parents: list[etree._Element | None] = [None] * len(self.spans)
        for instruction in root.iter(etree.PI):
            if instruction.target == RUN_TARGET:
                parents[int(instruction.text)] = instruction.getparent()
        return parents if all(parent is not None for parent in parents) else None

    def values(self, index: int) -> pl.DataFrame:
        """Run `index`'s values as text, one column per value of its pattern (`v0`, `v1`, ...)."""
        pattern = self.spans[index][0]
        if pattern not in self._values:
            self._values[pattern] = self._split(pattern)
        return self._values[pattern].slice(self.offsets[index], self.sizes[index])

    def _split(self, pattern: PointPattern) -> pl.DataFrame:
        """Every value of this pattern's points: the runs split at '<' and quotes, one token column
        per value (each point gives the same number of tokens)."""
        text = b"".join(self.data[a:b] for p, a, b in self.spans if p is pattern).decode("ascii")
        series = pl.Series([text], dtype=pl.String)
        for quote in pattern.quotes:
            series = series.str.replace_all(quote, "<", literal=True)
        tokens = series.str.split("<").explode()
        columns = {}
        for number, (token, skip) in enumerate(pattern.values):
            column = tokens.gather_every(pattern.delimiters, offset=token)
            columns[f"v{number}"] = column.str.slice(skip) if skip else column
        return pl.DataFrame(columns)


def find_runs(data: bytes, point: str) -> PointRuns | None:
    """The runs of alike `point` elements in a document; None when there are none worth reading
    by pattern or the file's encoding is not one where ASCII bytes are ASCII characters."""
    if not _ascii_safe(data):
        return None
    starts = _point_starts(point)
    patterns: list[PointPattern] = []
    spans: list[tuple[PointPattern, int, int]] = []
    unread, at = 0, 0
    while (found := starts.search(data, at)) is not None:
        begin = found.start()
        match = next((m for p in patterns if (m := p.runs.match(data, begin))), None)
        if match is None:
            shape = _shape_at(data, begin)
            if shape is not None:
                patterns.append(_pattern(*shape))
                match = patterns[-1].runs.match(data, begin)
        if match is None:
            unread += 1
            if unread > MAX_UNREAD_POINTS:
                return None
            at = found.end()
            continue
        pattern = next(p for p in patterns if p.runs is match.re)
        spans.append((pattern, begin, match.end()))
        at = match.end()
    sizes = [data.count(b"<", start, end) // pattern.tags for pattern, start, end in spans]
    if not spans or (len(spans) > FEW_RUNS and sum(sizes) < MIN_POINTS_PER_RUN * len(spans)):
        return None
    seen: dict[PointPattern, int] = {}
    offsets = []
    for (pattern, _, _), size in zip(spans, sizes, strict=True):
        offsets.append(seen.get(pattern, 0))
        seen[pattern] = offsets[-1] + size
    return PointRuns(data, spans, sizes, offsets)
