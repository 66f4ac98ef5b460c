"""Find what arrived in the inbox and club folders, and archive each file unchanged by content hash."""

from __future__ import annotations

import hashlib
import os
import shutil
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


@dataclass(frozen=True)
class Received:
    """One file seen in the inbox or club folder, with its content hash and archive path."""

    path: Path
    athlete_id: str | None
    sha256: str
    size: int
    kind: str  # activity | strength | strava_export | club | unknown

    def archived(self, settings: Settings) -> Path:
        return raw_path(settings, self.sha256)


def raw_path(settings: Settings, sha256: str) -> Path:
    """Where the raw archive keeps a file with this content hash."""
    return settings.raw / sha256[:2] / sha256


def classify(path: Path) -> str:
    """The kind of file, from its name; content sniffing refines it when parsed."""
    name = path.name.lower().removesuffix(".gz")
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


def _candidates(settings: Settings) -> list[tuple[Path, str | None, str]]:
    found: list[tuple[Path, str | None, str]] = []
    if settings.inbox.is_dir():
        for folder in sorted(p for p in settings.inbox.iterdir() if p.is_dir()):
            for path in sorted(folder.rglob("*")):
                # a symbolic link could pull any file on the machine (accounts.json) into the archive
                if path.is_symlink() or path.name.startswith(IGNORED_PREFIXES):
                    continue
                if path.is_file():
                    found.append((path, folder.name, classify(path)))
    strength_dir = settings.club / "strength"
    if strength_dir.is_dir():
        found += [(p, None, "strength") for p in sorted(strength_dir.glob("*.csv"))]
    found += [
        (settings.club / n, None, "club") for n in CLUB_FILES if (settings.club / n).is_file()
    ]
    return found


def scan_and_archive(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[Received]:
    """Hash files not seen before (by path, size and mtime), copy new contents into the raw archive.

    Returns every file currently present, so later steps can decide what still needs parsing;
    only changed or new files are read, so the nightly cost grows with new files, not history.
    """
    seen: dict[tuple[str, int, int], str] = {}
    if table_exists(con, "inbox_seen"):
        for path, size, mtime_ns, sha in con.sql(
            "select path, size, mtime_ns, sha256 from inbox_seen"
        ).fetchall():
            seen[(path, size, mtime_ns)] = sha
    received: list[Received] = []
    new_seen: list[dict] = []
    for path, athlete_id, kind in _candidates(settings):
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        sha = seen.get(key)
        if sha is None:
            sha = _sha256(path)
            new_seen.append(
                {
                    "path": key[0],
                    "size": key[1],
                    "mtime_ns": key[2],
                    "sha256": sha,
                    "seen_at": datetime.now(UTC),
                }
            )
        item = Received(path, athlete_id, sha, stat.st_size, kind)
        target = item.archived(settings)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.unlink(missing_ok=True)  # a read-only half copy left by a killed run
            shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        received.append(item)
    if new_seen:
        append_rows(con, "inbox_seen", pl.DataFrame(new_seen))
    return received
