"""Find what arrived in the inbox and club folders, and archive each file unchanged by content hash."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.settings import Settings
from pipelines.warehouse import append_rows, table_exists

CLUB_FILES = (
    "roster.csv",
    "programs.yaml",
    "exercises.yaml",
    "enrolments.csv",
    "injuries.csv",
    "ostrc.csv",
)
ACTIVITY_SUFFIXES = (".gpx", ".tcx", ".fit")
IGNORED_PREFIXES = (".", "~")


@dataclass(frozen=True, slots=True)
class Received:
    """One file seen in the inbox or club folder, with its content hash and archive path."""

    # a string, not a Path, and slots: a nightly scan makes one of these for every file of the
    # club's history, and Path objects and per-instance dicts cost seconds there
    location: str
    athlete_id: str | None
    sha256: str
    size: int
    kind: str  # activity | strength | strava_export | club | unknown

    @property
    def path(self) -> Path:
        return Path(self.location)

    def archived(self, settings: Settings) -> Path:
        return raw_path(settings, self.sha256)


def raw_path(settings: Settings, sha256: str) -> Path:
    """Where the raw archive keeps a file with this content hash."""
    return settings.raw / sha256[:2] / sha256


def classify(path: Path) -> str:
    """The kind of file, from its name; content sniffing refines it when parsed."""
    return classify_name(path.name)


def classify_name(file_name: str) -> str:
    """The kind of file with this name (see `classify`)."""
    name = file_name.lower().removesuffix(".gz")
    if name.endswith(".zip"):
        return "strava_export"
    if name.endswith(".csv"):
        return "strength"
    if name.endswith(ACTIVITY_SUFFIXES):
        return "activity"
    return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inbox_files(folder: str | Path) -> Iterator[os.DirEntry]:
    """Every file a member dropped anywhere below `folder` (hidden and temporary names skipped).

    Symbolic links are never followed: one could pull any file on the machine (accounts.json)
    into the archive. os.scandir knows each entry's type without a system call per file, which
    keeps the nightly scan of a club's whole history (hundreds of thousands of files) short.
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from inbox_files(entry.path)
            elif entry.is_file(follow_symlinks=False) and not entry.name.startswith(
                IGNORED_PREFIXES
            ):
                yield entry


@dataclass(frozen=True, slots=True)
class _Candidate:
    path: str
    athlete_id: str | None
    kind: str
    size: int
    mtime_ns: int


def _candidates(settings: Settings) -> list[_Candidate]:
    found: list[_Candidate] = []
    if settings.inbox.is_dir():
        with os.scandir(settings.inbox) as entries:
            folders = sorted((e.name, e.path) for e in entries if e.is_dir(follow_symlinks=False))
        for athlete_id, folder in folders:
            # the order of sorting Paths part by part (a separator sorts before any character),
            # so of two copies of the same contents the same one is registered as before
            for entry in sorted(inbox_files(folder), key=lambda e: e.path.replace(os.sep, "\0")):
                info = entry.stat(follow_symlinks=False)
                found.append(
                    _Candidate(
                        entry.path,
                        athlete_id,
                        classify_name(entry.name),
                        info.st_size,
                        info.st_mtime_ns,
                    )
                )
    strength_dir = settings.club / "strength"
    club_files = (
        [(p, "strength") for p in sorted(strength_dir.glob("*.csv"))]
        if strength_dir.is_dir()
        else []
    )
    club_files += [(settings.club / n, "club") for n in CLUB_FILES if (settings.club / n).is_file()]
    for path, kind in club_files:
        info = path.stat()
        found.append(_Candidate(str(path), None, kind, info.st_size, info.st_mtime_ns))
    return found


def scan_and_archive(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[Received]:
    """Hash files not seen before (by path, size and mtime), copy new contents into the raw archive.

    Returns every file currently present, so later steps can decide what still needs parsing;
    only changed or new files are read, so the nightly cost grows with new files, not history.
    """
    seen: dict[str, str] = {}
    if table_exists(con, "inbox_seen"):
        # one string key per file rather than a tuple: no Python object per row for the garbage
        # collector to walk
        frame = con.sql(
            "select concat_ws(chr(0), path, size, mtime_ns) as key, sha256 from inbox_seen"
        ).pl()
        seen = dict(zip(frame["key"].to_list(), frame["sha256"].to_list(), strict=True))
    received: list[Received] = []
    new_seen: list[dict] = []
    for found in _candidates(settings):
        sha = seen.get(f"{found.path}\0{found.size}\0{found.mtime_ns}")
        if sha is None:
            path = Path(found.path)
            sha = _sha256(path)
            new_seen.append(
                {
                    "path": found.path,
                    "size": found.size,
                    "mtime_ns": found.mtime_ns,
                    "sha256": sha,
                    "seen_at": datetime.now(UTC),
                }
            )
            _archive(path, raw_path(settings, sha))
        # A file seen before was archived before it was recorded as seen, and the archive is
        # never changed, so it is not looked up again: that would cost a system call per file
        # of the club's whole history every night.
        received.append(Received(found.path, found.athlete_id, sha, found.size, found.kind))
    if new_seen:
        append_rows(con, "inbox_seen", pl.DataFrame(new_seen))
    return received


def _archive(path: Path, target: Path) -> None:
    """Copy a file into the raw archive, read-only, unless that content is already there."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    tmp.unlink(missing_ok=True)  # a read-only half copy left by a killed run
    shutil.copyfile(path, tmp)
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
