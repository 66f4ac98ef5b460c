"""A member's uploads: type and size checks, safe names, atomic writes into their own inbox folder."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.atomic_files import write_atomically

ALLOWED = (
    "GPX, TCX or FIT files (also .gz), a Strava or Garmin export .zip, or a Strong/Hevy/club CSV"
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]")


class UploadRejected(ValueError):
    """A file we will not store, with the reason and what to do."""


INBOX_SCHEMA = {
    "file": pl.String,
    "size_bytes": pl.Int64,
    "uploaded": pl.Datetime("us", "UTC"),
    "sha256": pl.String,
}


def safe_filename(name: str) -> str:
    """The base name only, with no path separators, odd characters or leading dots."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    if not cleaned:
        raise UploadRejected(
            "The file has no usable name: rename it (e.g. morning_run.gpx) and try again."
        )
    stem, dot, ext = cleaned.rpartition(".")
    return (stem[: 120 - len(ext)] + dot + ext) if dot and stem else cleaned[:120]


def _xml_root_is(head: bytes, *roots: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and any(root in head for root in roots)


def _looks_like(kind: str, head: bytes) -> bool:
    if kind == "gpx":
        return _xml_root_is(head, b"<gpx")
    if kind == "tcx":
        return _xml_root_is(head, b"<TrainingCenterDatabase")
    if kind == "fit":
        # FIT header: size byte 12 or 14, then ".FIT" at bytes 8-11.
        return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"
    if kind == "zip":
        return head.startswith(b"PK\x03\x04")
    if kind == "csv":
        sample = head[:65536]
        if b"\x00" in sample:
            return False
        try:
            first_line = sample.decode("utf-8-sig", errors="strict").splitlines()[0]
        except (UnicodeDecodeError, IndexError):
            return False
        return "," in first_line
    return False


def check_upload(name: str, content: bytes, max_bytes: int) -> str:
    """The safe name to store `content` under, or UploadRejected saying why not."""
    safe = safe_filename(name)
    if not content:
        raise UploadRejected(f"{safe} is empty: export it again and upload the new file.")
    if len(content) > max_bytes:
        raise UploadRejected(
            f"{safe} is {len(content) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. "
            "Upload a smaller export, or ask the coach to add it for you."
        )
    parts = safe.lower().split(".")
    kind = parts[-1] if len(parts) > 1 else ""
    if kind == "gz":
        inner = parts[-2] if len(parts) > 2 else ""
        if inner not in ("gpx", "tcx", "fit"):
            raise UploadRejected(
                f"{safe}: only .gpx.gz, .tcx.gz or .fit.gz are accepted as .gz files."
            )
        if not content.startswith(b"\x1f\x8b"):
            raise UploadRejected(
                f"{safe} is not a gzip file: upload the file as your app exported it."
            )
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(content)).read(4096)
        except (OSError, EOFError) as err:
            raise UploadRejected(
                f"{safe} is a damaged gzip file ({err}): export it again."
            ) from err
        kind, content_head = inner, head
    elif kind in ("gpx", "tcx", "fit", "zip", "csv"):
        content_head = content[:65536]
    else:
        raise UploadRejected(f"{safe}: this kind of file is not accepted. Upload {ALLOWED}.")
    if not _looks_like(kind, content_head):
        raise UploadRejected(
            f"{safe} does not contain what a .{kind} file should: upload the file exactly as your "
            "watch or app exported it."
        )
    return safe


def member_inbox(inbox_root: Path, viewer: Viewer) -> Path:
    """The logged-in member's own inbox folder (the only place their uploads go)."""
    if viewer.is_coach or not viewer.athlete_id:
        raise PermissionError("Uploads go into a member's own inbox: log in as the member.")
    folder = (inbox_root / viewer.athlete_id).resolve()
    if folder.parent != inbox_root.resolve():
        raise PermissionError("The account's athlete id cannot name an inbox folder.")
    return folder


def save_upload(
    inbox_root: Path, viewer: Viewer, name: str, content: bytes, max_bytes: int
) -> Path:
    """Check and atomically write one upload into the member's inbox; returns the stored path."""
    safe = check_upload(name, content, max_bytes)
    folder = member_inbox(inbox_root, viewer)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    digest = hashlib.sha256(content).hexdigest()
    stem, dot, ext = safe.partition(".")
    counter = 1
    while target.exists():
        if _sha256(target, target.stat().st_size, target.stat().st_mtime_ns) == digest:
            return target
        counter += 1
        target = folder / f"{stem} ({counter}){dot}{ext}"
    # A dot-prefixed temporary name: the pipeline skips hidden files, so it never reads a half file.
    write_atomically(target, content, ".upload-", ".part")
    return target


@lru_cache(maxsize=4096)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """A file's sha256, remembered per (path, size, mtime) so page reloads do not re-read it."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inbox_files(inbox_root: Path, viewer: Viewer, known_sha256: set[str]) -> pl.DataFrame:
    """The member's inbox files, newest first; `pending` = not yet seen by a pipeline run."""
    folder = member_inbox(inbox_root, viewer)
    paths = (
        [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
        if folder.is_dir()
        else []
    )
    stats = [p.stat() for p in paths]
    digests = [_sha256(p, s.st_size, s.st_mtime_ns) for p, s in zip(paths, stats, strict=True)]
    return (
        pl.DataFrame(
            {
                "file": [p.name for p in paths],
                "size_bytes": [s.st_size for s in stats],
                "uploaded": [datetime.fromtimestamp(s.st_mtime, UTC) for s in stats],
                "sha256": digests,
            },
            schema=INBOX_SCHEMA,
        )
        .with_columns(pending=~pl.col("sha256").is_in(list(known_sha256)))
        .sort("uploaded", descending=True)
    )
