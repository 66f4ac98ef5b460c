"""Damaged copies of real files (hypothesis strategies), the fuzz budget, and a per-call time limit."""

from __future__ import annotations

import csv
import gzip
import io
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# CI keeps fuzzing short; a longer hunt: STRONGSTRIDE_FUZZ_EXAMPLES=5000 pytest tests/robustness
FUZZ_EXAMPLES = int(os.environ.get("STRONGSTRIDE_FUZZ_EXAMPLES", "40"))
SECONDS_PER_FILE = 5.0
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,  # the machine is shared: time_limit below is the bound that matters
    database=None,  # no .hypothesis folder in the repository
    print_blob=True,  # a failure prints the blob that replays it (@reproduce_failure)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Bytes that mean something to XML, CSV, gzip, zip or FIT readers: likelier to reach odd paths.
FRAGMENTS = [
    b"<", b">", b"</trkpt>", b"<trkpt lat='1e999' lon='nan'>", b"<Lap StartTime='x'>", b"&foo;",
    b"<!DOCTYPE gpx [<!ENTITY a SYSTEM 'file:///etc/passwd'>]>", b"&a;", b"]]>", b"<![CDATA[",
    b'"', b",", b";", b"\t", b"\r", b"\n", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xff\xfe",
    b"NaN", b"-1e999", b"9" * 40, b"-0", b"1970-01-01T00:00:00Z", b"9999-12-31T23:59:59Z",
    b"\x1f\x8b\x08", b"PK\x03\x04", b"\x0e\x10\x00\x00.FIT", b"'; DROP TABLE files; --",
]  # fmt: skip


class RealFiles(dict[str, bytes]):
    """Real files by name; printed by name only, so a failing example's report stays readable."""

    def __repr__(self) -> str:
        return f"RealFiles({sorted(self)})"


class Damaged:
    """A damaged copy of a real file: what was done to it (for the failure report) and its bytes."""

    def __init__(self, name: str, data: bytes, steps: list[str]) -> None:
        self.name, self.data, self.steps = name, data, steps

    def __repr__(self) -> str:
        return f"Damaged({self.name!r}, {len(self.data)} bytes, steps={self.steps})"


class TookTooLong(Exception):
    """A parser ran past its time limit (a hang, as far as a nightly run is concerned)."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise TookTooLong inside the block after `seconds`, then restore any outer alarm (pytest-timeout)."""

    def expire(_signum: int, _frame: object) -> None:
        raise TookTooLong(f"{what} took longer than {seconds} s")

    previous_handler = signal.signal(signal.SIGALRM, expire)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:
            left = max(outer_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
    elapsed = time.monotonic() - started
    if elapsed > seconds:  # a handler that swallowed the alarm must not hide a hang
        raise TookTooLong(f"{what} took {elapsed:.1f} s, more than {seconds} s")


def _accident(draw: st.DrawFn, data: bytearray) -> str:
    """Apply one byte-level accident to `data` in place; returns what it was."""
    size = len(data)
    at = draw(st.integers(0, size))
    accident = draw(st.sampled_from(["cut", "flip", "insert", "delete", "repeat", "empty"]))
    if accident == "cut":
        del data[at:]
    elif accident == "flip" and size:
        spots = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=8))
        for spot in spots:
            data[spot] ^= draw(st.integers(1, 255))
        return f"flip bytes at {spots}"
    elif accident == "insert":
        garbage = draw(st.one_of(st.sampled_from(FRAGMENTS), st.binary(min_size=1, max_size=64)))
        data[at:at] = garbage
        return f"insert {garbage[:20]!r} at {at}"
    elif accident == "delete":
        length = draw(st.integers(1, 256))
        del data[at : at + length]
        return f"delete {length} bytes at {at}"
    elif accident == "repeat":
        length, times = draw(st.integers(1, 4096)), draw(st.integers(2, 20))
        data[at:at] = data[at : at + length] * times
        return f"repeat {length} bytes at {at} x{times}"
    elif accident == "empty":
        data.clear()
    return f"{accident} at {at}"


@st.composite
def damaged_bytes(draw: st.DrawFn, originals: RealFiles) -> Damaged:
    """A real file after one to four byte-level accidents: cut, flipped, inserted, deleted, repeated."""
    name = draw(st.sampled_from(sorted(originals)))
    data = bytearray(originals[name])
    steps = [_accident(draw, data) for _ in range(draw(st.integers(1, 4)))]
    return Damaged(name, bytes(data), steps)


@st.composite
def damaged_activity_file(draw: st.DrawFn, originals: RealFiles) -> Damaged:
    """A real activity file damaged, maybe gzipped before or after, under a name that may lie."""
    name = draw(st.sampled_from(sorted(originals)))
    data, steps = bytearray(originals[name]), []
    if draw(st.booleans()) and not data.startswith(b"\x1f\x8b"):
        data, steps = bytearray(gzip.compress(data, mtime=0)), ["gzip"]  # damage the stream
    steps += [_accident(draw, data) for _ in range(draw(st.integers(1, 4)))]
    if draw(st.integers(0, 4)) == 0:
        data, steps = bytearray(gzip.compress(data, mtime=0)), [*steps, "gzip"]
    given = draw(st.sampled_from([name, "run.gpx", "run.tcx", "run.fit", "run.csv", "x", ""]))
    return Damaged(given, bytes(data), [f"from {name}", *steps])


def _drop_column(text: str, index: int) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([row[:index] + row[index + 1 :] for row in rows])
    return out.getvalue()


@st.composite
def damaged_csv(draw: st.DrawFn, originals: RealFiles) -> Damaged:
    """A real CSV as spreadsheets and people mangle it: encodings, delimiters, columns, bytes."""
    name = draw(st.sampled_from(sorted(originals)))
    text = originals[name].decode("utf-8-sig")
    mangling = draw(
        st.sampled_from(["encoding", "delimiter", "drop_column", "line_ends", "header", "bytes"])
    )
    if mangling == "encoding":
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1"]))
        return Damaged(name, text.encode(encoding, errors="replace"), [f"saved as {encoding}"])
    if mangling == "delimiter":
        delimiter = draw(st.sampled_from([";", "\t", "|", " ", ""]))
        return Damaged(name, text.replace(",", delimiter).encode(), [f"delimiter {delimiter!r}"])
    if mangling == "drop_column":
        at = draw(st.integers(0, len(text.splitlines()[0].split(",")) - 1))
        return Damaged(name, _drop_column(text, at).encode(), [f"column {at} removed"])
    if mangling == "line_ends":
        ending = draw(st.sampled_from(["\r\n", "\r", "\n\n", "\u2028"]))
        return Damaged(name, text.replace("\n", ending).encode(), [f"lines end {ending!r}"])
    if mangling == "header":
        header, _, body = text.partition("\n")
        cells = header.split(",")
        at = draw(st.integers(0, len(cells) - 1))
        cells[at] = draw(st.sampled_from(["", cells[0], cells[at].upper(), '"' + cells[at]]))
        return Damaged(name, (",".join(cells) + "\n" + body).encode(), [f"header {cells[at]!r}"])
    return draw(damaged_bytes(RealFiles({name: originals[name]})))
