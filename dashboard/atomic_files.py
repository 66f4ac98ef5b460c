"""Whole-file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes, temp_prefix: str, temp_suffix: str) -> None:
    """Write `content` to a private temporary file beside `path`, flush it to disk, then rename it."""
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix, suffix=temp_suffix, dir=path.parent)
    try:
        os.fchmod(fd, 0o600)  # owner-only: accounts hold password hashes, uploads a member's data
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
