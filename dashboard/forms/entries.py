"""Writing app entries as files, and reading back a member's own entries not yet published.

Forms are files (docs/DESIGN.md): a member's entry goes into their own inbox folder
(inbox/<athlete_id>/forms/), a coach's into club/records/, which member pages never write. The folder
comes from the logged-in session, never from what was typed. Each entry is written atomically under a
fresh id and never changed afterwards: a correction is a new entry naming the one it supersedes. The
pipeline's parser (pipelines/parsers/forms/) is the other half of this format.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dashboard.accounts.viewer import Viewer
from dashboard.atomic_files import write_atomically
from dashboard.config import load_config
from pipelines.parsers.club.assessment_catalog import AssessmentCatalog, check_body_mass
from pipelines.settings import ENTRY_SUFFIX

FORM_VERSION = 1
CHECKIN = "ostrc_checkin"
REPORT = "injury_report"
CLASSIFICATION = "problem_classification"
ASSESSMENT = "assessment_session"


@dataclass(frozen=True)
class Receipt:
    """What was written: the entry's id, its file and when."""

    entry_id: str
    path: Path
    entered_at: datetime


def member_folder(viewer: Viewer) -> Path:
    """The logged-in member's own forms folder (a coach has none)."""
    if viewer.is_coach or not viewer.athlete_id:
        raise PermissionError("only a member writes into their own forms folder")
    return load_config().layout.member_forms(viewer.athlete_id)


def write_entry(
    viewer: Viewer, form: str, fields: dict[str, Any], athlete_id: str | None = None
) -> Receipt:
    """Write one entry: a member's into their own folder (any `athlete_id` is ignored), a coach's
    into club/records/ naming `athlete_id`."""
    if viewer.is_coach:
        if not athlete_id:
            raise ValueError("a coach's entry names the athlete it is about")
        folder = load_config().layout.records
        fields = {"athlete_id": athlete_id, **fields}
    else:
        folder = member_folder(viewer)
    entry_id = uuid.uuid4().hex
    entered_at = datetime.now(UTC)
    document = {
        "form": form,
        "form_version": FORM_VERSION,
        "entry_id": entry_id,
        "entered_at": entered_at.isoformat(timespec="seconds"),
        "entered_by": viewer.username,
        "entered_role": viewer.role,
        **fields,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{form}-{entered_at:%Y%m%dT%H%M%SZ}-{entry_id[:8]}{ENTRY_SUFFIX}"
    # the temporary name starts with a dot and does not end in ENTRY_SUFFIX: the sweep skips it
    write_atomically(path, json.dumps(document, indent=1).encode(), ".entry-", ".part")
    return Receipt(entry_id, path, entered_at)


def write_assessment_session(
    viewer: Viewer,
    athlete_id: str,
    assessed_on: date,
    assessor: str,
    body_mass_kg: float,
    results: list[dict[str, Any]],
    catalog: AssessmentCatalog,
    supersedes: str | None = None,
) -> Receipt:
    """Write a coach's assessment session for `athlete_id` into club/records/. The values are checked
    by the catalogue first, as the parser will: the first reason raises ValueError and nothing is
    written. `results` are {test, measure, side, trial, value}; `supersedes` the entry corrected."""
    if not viewer.is_coach:
        raise PermissionError("only the coach role enters assessment sessions")
    reason = check_body_mass(body_mass_kg) or catalog.check_results(results)
    if reason is not None:
        raise ValueError(reason)
    fields = {
        "assessed_on": assessed_on.isoformat(),
        "assessor": assessor,
        "body_mass_kg": body_mass_kg,
        "supersedes": supersedes,
        "results": results,
    }
    return write_entry(viewer, ASSESSMENT, fields, athlete_id)


def _entries(folder: Path, form: str) -> list[dict[str, Any]]:
    """The entries of one form in `folder` as written, each with its `file_name` (how the data
    run's errors name it), newest first; unreadable files are skipped (the pipeline reports them)."""
    entries = []
    for path in folder.glob(f"{form}-*{ENTRY_SUFFIX}") if folder.is_dir() else []:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(document, dict) and document.get("form") == form:
            entries.append(document | {"file_name": path.name})
    return sorted(entries, key=lambda d: str(d.get("entered_at")), reverse=True)


def own_entries(viewer: Viewer, form: str) -> list[dict[str, Any]]:
    """The member's own entries of one form as written, newest first (to show one as received
    before the pipeline has published it)."""
    return _entries(member_folder(viewer), form)


def records_entries(viewer: Viewer, form: str, athlete_id: str) -> list[dict[str, Any]]:
    """The coach's entries of one form about one athlete in club/records/, newest first (to
    correct one)."""
    if not viewer.is_coach:
        raise PermissionError("only a coach reads the club's records")
    entries = _entries(load_config().layout.records, form)
    return [e for e in entries if e.get("athlete_id") == athlete_id]
