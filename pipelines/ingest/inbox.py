"""Find what arrived in the inbox and club folders, and archive each file unchanged by content hash."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import duckdb
import polars as pl

from pipelines.ingest.registry import register_received
from pipelines.ingest.tables import ensure_staging_tables
from pipelines.settings import ENTRY_SUFFIX, FORMS_FOLDER, Settings
from pipelines.warehouse import append_rows, replace_table, table_exists, transaction

# in the order they are read: enrolments need the roster and programs, programs the catalog,
# assessments the roster and the assessment tests
CLUB_FILES = (
    "roster.csv",
    "exercises.yaml",
    "programs.yaml",
    "ostrc_areas.yaml",
    "enrolments.csv",
    "injuries.csv",
    "ostrc.csv",
    "assessment_tests.yaml",
    "assessments.csv",
)
ACTIVITY_SUFFIXES = (".gpx", ".tcx", ".fit")
IGNORED_PREFIXES = (".", "~")
ARCHIVE_CHUNK = 16_384  # files archived and recorded per transaction
# A backlog this large is hashed and archived by worker processes (starting them costs a second or
# two; below it, one process is done first).
ARCHIVE_POOL_MIN_FILES = 8_192
KEEP_BYTES = 1 << 20  # a file up to this size is read once, for its hash and its archive copy
INCOMING = ".incoming"  # the raw archive's folder of copies being written


def raw_path(settings: Settings, sha256: str) -> Path:
    """Where the raw archive keeps a file with this content hash."""
    return settings.raw / sha256[:2] / sha256


def classify(path: Path) -> str:
    """The kind of file, from its name; content sniffing refines it when parsed."""
    return classify_name(path.name)


def classify_name(file_name: str, folder: str = "") -> str:
    """The kind of file with this name in this folder (see `classify`): a .json in a member's
    forms folder is an app entry (`form`)."""
    name = file_name.lower().removesuffix(".gz")
    if name.endswith(ENTRY_SUFFIX) and os.path.basename(folder) == FORMS_FOLDER:
        return "form"
    if name.endswith(".zip"):
        return "strava_export"
    if name.endswith(".csv"):
        return "strength"
    if name.endswith(ACTIVITY_SUFFIXES):
        return "activity"
    return "unknown"


def _read_and_hash(path: str) -> tuple[str, bytes | None]:
    """A file's content hash, and its bytes when small enough to keep for the archive copy: a
    history of one-point-a-minute runs is a million files of ~13 KB, each then read once, not twice.

    The inbox file is not read again, so the kernel is told its pages may go (`_forget`).
    """
    with open(path, "rb") as fh:
        data = fh.read(KEEP_BYTES + 1)
        digest = hashlib.sha256(data)
        kept = len(data) <= KEEP_BYTES
        if not kept:  # the rest, streamed: it is copied from the file, not from memory
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _forget(fh)
    return digest.hexdigest(), data if kept else None


def _forget(fh: BinaryIO) -> None:
    """Let the page cache drop a file just read for the archive.

    The next step parses the archive copies; a first import reads 15 GB of inbox and writes 15 GB
    of copies, more than the cache holds, and the inbox pages, never read again, evicted the copies
    first written: parsing 4,096 small copies read from disk took 1.3-1.45 ms of CPU a file on
    the benchmark machine's virtual disk, from the cache 0.8-0.95 ms. Only a hint: where the call
    is missing or refused, the cache decides alone.
    """
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _listing(folder: str | Path) -> tuple[list[os.DirEntry], list[str]]:
    """The files (hidden and temporary names skipped) and sub-folders directly in `folder`.

    Symbolic links are never followed: one could pull any file on the machine (accounts.json)
    into the archive. os.scandir knows each entry's type without a system call per file.
    """
    with os.scandir(folder) as listed:
        entries = [entry for entry in listed if not entry.is_symlink()]
    folders = sorted(entry.path for entry in entries if entry.is_dir(follow_symlinks=False))
    files = [
        entry
        for entry in entries
        if entry.is_file(follow_symlinks=False) and not entry.name.startswith(IGNORED_PREFIXES)
    ]
    return files, folders


def _lstat(entry: os.DirEntry) -> os.stat_result | None:
    """An entry's own status (a link's, not its target's), or None when it was removed since."""
    try:
        return entry.stat(follow_symlinks=False)
    except FileNotFoundError:
        return None


def folder_mtimes(inbox: str | Path) -> Iterator[tuple[str, int]]:
    """Every folder of the inbox (itself included) with its modification time in ns.

    A folder's time changes whenever a name in it is added, removed or replaced, whatever times
    the files themselves carry (rsync and `cp -p` keep old ones), so this is how to notice new
    uploads without a system call per file of the club's history.
    """
    if not os.path.isdir(inbox):
        return
    yield str(inbox), os.stat(inbox).st_mtime_ns
    for sub in _listing(inbox)[1]:
        yield from folder_mtimes(sub)


@dataclass(frozen=True, slots=True)
class SweepStats:
    """What one sweep of the inbox looked at, and how many new contents it registered."""

    full: bool
    folders: int
    folders_listed: int
    files_listed: int
    new_contents: int = 0


# A folder changed this recently may still change within the same tick of the file system's
# clock without its time moving, so its time is not trusted until the next sweep.
UNTRUSTED_RECENT_NS = 2_000_000_000
FOLDERS_SCHEMA = {"path": pl.String, "parent": pl.String, "mtime_ns": pl.Int64}
CANDIDATES_SCHEMA = {
    "path": pl.String,
    "athlete_id": pl.String,
    "kind": pl.String,
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
}
# What `scan_and_archive` returns, a row per new or changed file: a candidate and its content hash.
RECEIVED_SCHEMA = CANDIDATES_SCHEMA | {"sha256": pl.String}


def _sweep(
    settings: Settings, known: dict[str, int], children: dict[str, list[str]], full: bool
) -> tuple[pl.DataFrame, pl.DataFrame, SweepStats]:
    """The files of every inbox folder, and of the coach's records folder, whose modification time
    changed (all folders when `full`), and the folder table to record for the next sweep."""
    trusted_before = time.time_ns() - UNTRUSTED_RECENT_NS
    # a frame per folder, not a Python list of every file: a first import lists over a million
    frames: list[pl.DataFrame] = [pl.DataFrame(schema=CANDIDATES_SCHEMA)]
    folders: dict[str, list] = {name: [] for name in FOLDERS_SCHEMA}
    listed = 0

    def look(folder: str, parent: str | None) -> tuple[list[os.DirEntry], list[str]] | None:
        """The folder's files (none when its time is as recorded) and sub-folders; None when it is
        gone. Records its time for the next sweep."""
        nonlocal listed
        try:
            mtime = os.stat(folder).st_mtime_ns  # sub-folders are never links; the inbox may be one
            unchanged = not full and known.get(folder) == mtime
            entries, subfolders = ([], children.get(folder, [])) if unchanged else _listing(folder)
        except FileNotFoundError:  # removed while the sweep ran: nothing left to take from it
            return None
        listed += not unchanged
        folders["path"].append(folder)
        folders["parent"].append(parent)
        folders["mtime_ns"].append(mtime if mtime < trusted_before else -1)
        return entries, subfolders

    def gather(
        folder: str, entries: list[os.DirEntry], athlete_id: str | None, kind: str | None = None
    ) -> None:
        # in name order, so of two copies of the same contents the same one is registered
        entries.sort(key=lambda entry: entry.name)
        found = [(e, info) for e in entries if (info := _lstat(e)) is not None]
        frames.append(
            pl.DataFrame(
                {
                    "path": [e.path for e, _ in found],
                    "athlete_id": [athlete_id] * len(found),
                    "kind": [kind or classify_name(e.name, folder) for e, _ in found],
                    "size": [info.st_size for _, info in found],
                    "mtime_ns": [info.st_mtime_ns for _, info in found],
                },
                schema=CANDIDATES_SCHEMA,
            )
        )

    def visit(folder: str, parent: str | None, athlete_id: str | None) -> None:
        looked = look(folder, parent)
        if looked is None:
            return
        entries, subfolders = looked
        if athlete_id is not None and entries:  # files loose in the inbox belong to nobody
            gather(folder, entries, athlete_id)
        for sub in subfolders:
            visit(sub, folder, athlete_id or os.path.basename(sub))

    if settings.inbox.is_dir():
        visit(str(settings.inbox), None, None)
    # the coach's app entries: new documents, each written whole under a new name, so the folder's
    # time tells when one came (3,501 in the benchmark club, not looked at one by one each run)
    looked = look(str(settings.records), None) if settings.records.is_dir() else None
    records = [entry for entry in looked[0] if entry.name.endswith(ENTRY_SUFFIX)] if looked else []
    if records:
        gather(str(settings.records), records, None, "record")
    frame = pl.concat(frames, rechunk=True)
    stats = SweepStats(full, len(folders["path"]), listed, frame.height)
    return frame, pl.DataFrame(folders, schema=FOLDERS_SCHEMA), stats


def club_candidates(settings: Settings) -> pl.DataFrame:
    """The club's own files: its strength CSVs and the reference files (roster, programs...). Few,
    and a coach may edit one in place (its folder's time stays), so always looked at one by one,
    without following links or taking temporary names (`_listing`)."""
    folder = settings.club / "strength"
    entries = _listing(folder)[0] if folder.is_dir() else []
    rows = []
    for entry in sorted((e for e in entries if e.name.endswith(".csv")), key=lambda e: e.name):
        info = entry.stat(follow_symlinks=False)
        rows.append((entry.path, None, "strength", info.st_size, info.st_mtime_ns))
    for name in CLUB_FILES:
        if (path := settings.club / name).is_file():
            info = path.stat()
            rows.append((str(path), None, "club", info.st_size, info.st_mtime_ns))
    return pl.DataFrame(rows, schema=CANDIDATES_SCHEMA, orient="row")


def _recorded_folders(
    con: duckdb.DuckDBPyConnection,
) -> tuple[dict[str, int], dict[str, list[str]], datetime | None]:
    """The folder times and sub-folders the last sweep recorded, and when the last full sweep ran."""
    if not table_exists(con, "inbox_folders"):
        return {}, {}, None
    frame = con.sql("select path, parent, mtime_ns from inbox_folders order by path").pl()
    children: dict[str, list[str]] = {}
    for path, parent in zip(frame["path"], frame["parent"], strict=True):
        if parent is not None:
            children.setdefault(parent, []).append(path)
    last_full = con.sql("select max(swept_at) from inbox_sweeps where full_sweep").fetchall()[0][0]
    return dict(zip(frame["path"], frame["mtime_ns"], strict=True)), children, last_full


def scan_and_archive(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    full: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pl.DataFrame, SweepStats]:
    """Hash the files not seen before (by path, size and mtime), copy new contents into the archive
    and register them in `files` (`pending`).

    Only the inbox folders and the coach's records folder whose modification time changed since
    the last sweep are listed, so the nightly cost grows with new files and entries, not with the
    club's history (the strength CSVs and reference files are few and looked at each time,
    `club_candidates`). A file rewritten in place under the same name leaves its folder's time
    alone: the full sweep, which lists every folder, catches it; it runs when `full` is True, and
    by default when the last one is older than `settings.full_sweep_days` days.

    Files are archived and recorded `ARCHIVE_CHUNK` at a time, each chunk in its own transaction
    (seen together with its registry rows): DuckDB holds a transaction's rows in memory, which for
    a first import of a million files was gigabytes. A run killed in between lists the rest again
    next time, as the folder times are recorded last. `progress(done, total)` is told after each
    chunk. Returns the new or changed files (`RECEIVED_SCHEMA`) in the order they were listed, and
    what the sweep looked at and found.
    """
    ensure_staging_tables(con)
    known, children, last_full = _recorded_folders(con)
    now = datetime.now(UTC)
    if full is None:
        full = last_full is None or now - last_full > timedelta(days=settings.full_sweep_days)
    found, folders, stats = _sweep(settings, known, children, full)
    candidates = pl.concat([found, club_candidates(settings)]).with_row_index("listed")
    if table_exists(con, "inbox_seen"):
        # the comparison with every file seen before runs inside DuckDB: no Python object per
        # file of the history
        con.register("_candidates", candidates)
        try:
            candidates = con.sql(
                "select c.* from _candidates c anti join inbox_seen s "
                "on c.path = s.path and c.size = s.size and c.mtime_ns = s.mtime_ns "
                "order by c.listed"
            ).pl()
        finally:
            con.unregister("_candidates")
    received, new = [pl.DataFrame(schema=RECEIVED_SCHEMA)], 0
    with _archiver(settings, candidates.height) as archive:
        for start in range(0, candidates.height, ARCHIVE_CHUNK):
            chunk = candidates.slice(start, ARCHIVE_CHUNK).drop("listed")
            hashes = archive(chunk.get_column("path").to_list())
            chunk = chunk.with_columns(sha256=pl.Series("sha256", hashes, pl.String))
            with transaction(con):
                append_rows(
                    con,
                    "inbox_seen",
                    chunk.select(
                        "path", "size", "mtime_ns", "sha256", pl.lit(now).alias("seen_at")
                    ),
                )
                new += register_received(con, chunk)
            received.append(chunk)
            if progress:
                progress(start + chunk.height, candidates.height)
    with transaction(con):
        replace_table(con, "inbox_folders", folders)
        append_rows(
            con,
            "inbox_sweeps",
            pl.DataFrame(
                [
                    {
                        "swept_at": now,
                        "full_sweep": stats.full,
                        "folders": stats.folders,
                        "folders_listed": stats.folders_listed,
                        "files_listed": stats.files_listed,
                        "files_new": candidates.height,
                    }
                ]
            ),
        )
    return pl.concat(received, rechunk=True), replace(stats, new_contents=new)


@contextmanager
def _archiver(settings: Settings, files: int) -> Iterator[Callable[[list[str]], list[str]]]:
    """A function that hashes and archives a list of files (see `hash_and_archive`) and returns
    their hashes in order: in this process, or for a backlog of `ARCHIVE_POOL_MIN_FILES` or more in
    `settings.parse_workers` processes, each taking a slice of the list.

    Hashing and copying a ~13 KB file is a few system calls around little work, bound by one core:
    threads contending for the GIL on each call saved nothing, processes divide it. Two of them may
    meet the same content (the same file uploaded twice), and then each writes its own temporary
    copy and renames it into place, so the archive copy is always whole.
    """
    workers = settings.parse_workers
    if workers < 2 or files < ARCHIVE_POOL_MIN_FILES:
        made: set[str] = set()
        yield lambda paths: hash_and_archive(paths, settings, made)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:

        def in_slices(paths: list[str]) -> list[str]:
            size = -(-len(paths) // workers)
            slices = [paths[start : start + size] for start in range(0, len(paths), size)]
            done = pool.map(hash_and_archive, slices, [settings] * len(slices))
            return [sha for part in done for sha in part]

        yield in_slices


def hash_and_archive(
    paths: list[str], settings: Settings, made: set[str] | None = None
) -> list[str]:
    """Each file's content hash; its content copied into the archive unless already there (`made`:
    the archive folders known to exist, so each is made once). One file after the other: runs in
    this process or in an archive worker (see `_archiver`)."""
    made = set() if made is None else made
    hashes = []
    for path in paths:
        sha, data = _read_and_hash(path)
        _archive(path, data, str(raw_path(settings, sha)), made)
        hashes.append(sha)
    return hashes


def _archive(path: str, data: bytes | None, target: str, made: set[str]) -> None:
    """Write a file into the raw archive, read-only, unless that content is already there: its
    bytes when the hashing kept them, else a copy of the file."""
    if os.path.exists(target):
        return
    folder = os.path.dirname(target)
    # written beside the archive's folders, then renamed into its own: in a folder of thousands of
    # copies (a big club's) making and renaming a name there took 0.36-0.82 ms a file, this way
    # 0.23-0.39 ms; the same file system, so the rename is still atomic
    incoming = os.path.join(os.path.dirname(folder), INCOMING)
    for needed in (folder, incoming):
        if needed not in made:
            os.makedirs(needed, exist_ok=True)
            made.add(needed)
    # this process's own name: another may write the same content
    tmp = os.path.join(incoming, f"{os.path.basename(target)}.{os.getpid()}.part")
    try:  # created read-only; the descriptor may still write
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:  # a half copy left by a killed run of a process of the same number
        os.unlink(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "wb") as out:
        if data is None:
            with open(path, "rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
        else:
            out.write(data)
    os.replace(tmp, target)
