"""Whole-file writes: new content replaces the old at once, owner-only, and a failed write leaves nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dashboard.atomic_files import write_atomically


def test_content_replaces_the_old_file_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "accounts.json"
    target.write_text("old")
    write_atomically(target, b"new content", ".accounts-", ".tmp")
    assert target.read_bytes() == b"new content"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["accounts.json"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "run.gpx"
    target.mkdir()  # a folder in the way: the final rename fails
    with pytest.raises(OSError):
        write_atomically(target, b"<gpx/>", ".upload-", ".part")
    assert [p.name for p in tmp_path.iterdir()] == ["run.gpx"]
    assert target.is_dir() and not any(target.iterdir())
