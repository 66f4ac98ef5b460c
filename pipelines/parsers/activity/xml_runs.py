"""Runs of alike track points read by pattern: the fast path past lxml for GPX and TCX points.

Nearly every file writes all its points the same way (Garmin Connect: the same elements, in the
same order, indented alike, with numbers and times as values). A run is a stretch of such points,
whitespace between them, that match one pattern built from the first of them: its tags and the
whitespace inside it verbatim, values restricted to printable ASCII without markup characters (no
entities, CDATA, comments or quotes). Each run is cut out of the document and replaced by a
processing instruction; lxml parses what is left (strictly: any error and the whole file is read the
usual way) and so checks everything outside the runs, while the runs' values are split out
column-wise in polars. A point that fits no pattern stays in the document for the lxml loop.

Why this is exact: a run is well-formed XML by construction (one pattern, tags checked to balance,
no attribute twice, no namespace declarations), so the file is well-formed exactly when what is left
is and each run's instruction lands inside the root element (an instruction inside a comment or
CDATA section is not a node, and one outside the root is reported: both fall back). Its prefixes
are resolved where its instruction lands. A run the parser does not read (the TCX parser also
searches the whole tree for Activity elements) sends the file to lxml alone. The gain is measured in
benchmarks/RESULTS.md ("Points read by pattern").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from lxml import etree

from pipelines.parsers.schemas import ENGINE

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

# Patterns of the files read last in this process, tried before one is built from a file's first
# point: a backlog's files come from a few writers, and building a pattern cost ~0.1 ms a file.
_RECENT_PATTERNS: list[PointPattern] = []
KEEP_RECENT = 4

MIN_POINTS_PER_RUN = 16  # shorter runs on average (points of alternating shapes): lxml is quicker
FEW_RUNS = 8  # up to this many runs are read by pattern whatever their length

# A piece of a pattern is literal bytes (tags, and the whitespace between them: files indent every
# point alike, and literal whitespace matches ~30% quicker than a class) or one of these slots.
VALUE_SLOT = 1  # an element's text
ATTRIBUTE_SLOT = 2  # an attribute value of the point element
SLOT_REGEX = {VALUE_SLOT: VALUE_CHARS + rb"*+", ATTRIBUTE_SLOT: ATTRIBUTE_CHARS + rb"*+"}


@dataclass(frozen=True)
class Element:
    """One element of a pattern: its qualified name and the index of its text among the values."""

    qname: str
    value: int | None  # None: no text of its own (self-closing, or a container)
    container: bool  # holds elements (its text would be the whitespace before the first)


@dataclass(frozen=True)
class PointPattern:
    """The shape of one point element, and how its values are split out of a run of such points.

    A run splits at '<' into the same number of tokens per point (`tags`); an element's text is
    the end of one token after its tag's name, the attributes are in the point's first token.
    """

    runs: re.Pattern[bytes]  # one or more such points, whitespace after each
    elements: tuple[Element, ...]  # in document order, the point element first
    attributes: tuple[tuple[str, int], ...]  # the point element's attributes: (name, value index)
    tags: int  # '<' in one point
    quote: str  # the quote character of its attributes
    values: tuple[tuple[int, int], ...]  # per value: (token within a point, characters before it)

    def value(self, index: int) -> pl.Expr:
        """Value `index` as text, from the token columns of `PointRuns.tokens`."""
        token, skip = self.values[index]
        if index >= len(self.attributes):
            return pl.col(f"t{token}").str.slice(skip)
        # After splitting the start tag at its quotes, attribute k's value is part 2k + 1.
        parts = pl.col(f"t{token}").str.split_exact(self.quote, 2 * len(self.attributes))
        return parts.struct.field(f"field_{2 * index + 1}")


def _start_tag(tag: re.Match[bytes]) -> tuple[list, list[tuple[str, int]], set[bytes]]:
    """The pieces of the point's start tag (attribute values as slots), its attributes (name,
    value index) and the quote characters they use."""
    pieces, attributes, quotes, text, at = [], [], set(), tag[0], 0
    for attribute in ATTRIBUTE.finditer(tag["attributes"]):
        begin = tag.start("attributes") - tag.start() + attribute.end()
        end = text.index(attribute["quote"], begin)
        pieces += [text[at:begin], ATTRIBUTE_SLOT]
        attributes.append((attribute["name"].decode(), len(attributes)))
        quotes.add(attribute["quote"])
        at = end
    return [*pieces, text[at:]], attributes, quotes


def _shape_at(data: bytes, start: int) -> tuple | None:
    """The pieces, elements, attributes and quote of the point element at `start`; None when it is
    not plain: markup other than elements, text that is not a plain value, attributes below the
    point, an attribute twice or a namespace declaration, two kinds of quotes."""
    pieces: list = []
    elements: list[list] = []
    attributes: list[tuple[str, int]] = []
    quotes: set[bytes] = set()
    open_names: list[bytes] = []
    open_elements: list[int] = []
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
                tag_pieces, attributes, quotes = _start_tag(tag)
                names = [attribute for attribute, _ in attributes]
                if len(set(names)) < len(names) or "xmlns" in names or len(quotes) > 1:
                    return None
                pieces += tag_pieces
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
            elements[-1][1] = len(attributes) + sum(piece == VALUE_SLOT for piece in pieces)
            pieces.append(VALUE_SLOT)
        elif BLANK.match(text) is None:
            return None
        else:
            pieces.append(text)
        at += len(text)
    shape_elements = tuple(Element(qname, value, container) for qname, value, container in elements)
    quote = quotes.pop().decode() if quotes else '"'
    return _merged(pieces), shape_elements, tuple(attributes), quote


def _merged(pieces: list) -> tuple:
    """Adjacent literal pieces joined (a shorter cache key, fewer regex pieces)."""
    merged: list = []
    for piece in pieces:
        if isinstance(piece, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += piece
        else:
            merged.append(piece)
    return tuple(merged)


@lru_cache(maxsize=64)
def _pattern(
    pieces: tuple, elements: tuple[Element, ...], attributes: tuple, quote: str
) -> PointPattern:
    """The compiled pattern of a point shape (shared by every file written the same way)."""
    regex = b"".join(SLOT_REGEX[p] if isinstance(p, int) else re.escape(p) for p in pieces)
    tags, since, values = 0, 0, []
    for piece in pieces:
        if isinstance(piece, int):
            values.append((tags, since))
            continue
        for char in piece.decode("ascii"):
            tags, since = (tags + 1, 0) if char == "<" else (tags, since + 1)
    return PointPattern(
        runs=re.compile(b"(?:" + regex + SPACE + b"*+)++"),
        elements=elements,
        attributes=attributes,
        tags=tags,
        quote=quote,
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


RunToRead = tuple[PointRuns, int, tuple[pl.Expr, ...]]  # a document's runs, a run, its columns


def run_points(runs: list[RunToRead]) -> tuple[list[pl.DataFrame], list[int]]:
    """The points of `runs` (of any documents) as their columns (expressions of their pattern's
    values, named alike): frames, and the row where each run's points start in them, one after
    another. One query
    per pattern and columns, for all the runs read with them: their text back to back, split at
    '<', one column per token (`t<index>`), a row per point."""
    alike: dict[tuple[PointPattern, int], list[int]] = {}
    for number, (runs_of, index, columns) in enumerate(runs):
        alike.setdefault((runs_of.spans[index][0], id(columns)), []).append(number)
    frames, starts, row = [], [0] * len(runs), 0
    for (pattern, _), numbers in alike.items():
        spans = [runs[number][0].spans[runs[number][1]] for number in numbers]
        text = b"".join(
            runs[number][0].data[start:end]
            for number, (_, start, end) in zip(numbers, spans, strict=True)
        )
        frames.append(
            pl.DataFrame([pl.Series("text", [text], pl.Binary)])
            .lazy()
            .select(_token_columns(pattern))
            .select(runs[numbers[0]][2])
            .collect(engine=ENGINE)
        )
        for number in numbers:
            runs_of, index, _ = runs[number]
            starts[number] = row
            row += runs_of.sizes[index]
    return frames, starts


@lru_cache(maxsize=64)
def _token_columns(pattern: PointPattern) -> tuple[pl.Expr, ...]:
    """The token columns from a pattern's runs (built once per pattern, as `_pattern` is)."""
    # Runs are ASCII: the bytes are their own UTF-8, no decoding copy needed.
    tokens = pl.col("text").cast(pl.String).str.split("<").explode()
    return tuple(
        tokens.gather_every(pattern.tags, offset=token).alias(f"t{token}")
        for token in sorted({token for token, _ in pattern.values})
    )


def find_runs(data: bytes, point: str) -> PointRuns | None:
    """The runs of alike `point` elements in a document; None when there are none worth reading
    by pattern or the file's encoding is not one where ASCII bytes are ASCII characters."""
    if not _ascii_safe(data):
        return None
    starts = _point_starts(point)
    patterns = list(_RECENT_PATTERNS)
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
    used = list(dict.fromkeys(pattern for pattern, _, _ in spans))
    _RECENT_PATTERNS[:] = [*used, *(p for p in _RECENT_PATTERNS if p not in used)][:KEEP_RECENT]
    return PointRuns(data, spans, sizes)
