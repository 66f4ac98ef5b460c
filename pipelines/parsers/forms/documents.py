"""The envelope every app entry shares, and who it belongs to.

An entry is one JSON object written by the dashboard: `form` (what it is), `form_version`,
`entry_id` (32 hex digits, unique), `entered_at` (ISO 8601 with a UTC offset), `entered_by` (the
username) and `entered_role` (member or coach), plus the form's own fields (entries.py).

Who it belongs to comes from where it was written, never from its content: a document in a member's
inbox folder (inbox/<athlete_id>/forms/) is that member's, and one whose `athlete_id` names someone
else is rejected; a document in club/records/ (which only the coach's pages write) names its athlete.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.parsers.schemas import ParseError

FORM_VERSION = 1
ENVELOPE = ("form", "form_version", "entry_id", "entered_at", "entered_by", "entered_role")
ROLES = ("member", "coach")
_ENTRY_ID = re.compile(r"^[0-9a-f]{32}$")
_MEMBER_HINT = "submit it again from the app; if it keeps failing, tell the coach"


@dataclass(frozen=True)
class Envelope:
    """An entry's common fields, with the athlete it belongs to."""

    form: str
    entry_id: str
    entered_at: datetime
    entered_by: str
    entered_role: str
    athlete_id: str
    fields: dict[str, Any]


def read_document(data: bytes, max_bytes: int) -> dict[str, Any]:
    """The entry's JSON object; too large, not UTF-8 JSON, or not an object: ParseError."""
    if len(data) > max_bytes:
        raise ParseError(
            f"the entry is {len(data) / 1024:.0f} KB, more than the {max_bytes // 1024} KB an app "
            "entry may have, so it was not read",
            "app entries are a few hundred bytes: this file was not written by the app",
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParseError(f"the entry is not readable JSON ({error})", _MEMBER_HINT) from error
    if not isinstance(document, dict):
        raise ParseError("the entry is not a JSON object", _MEMBER_HINT)
    return document


def text_field(document: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    """A field that must be a non-empty string; when not `required` it may also be absent or
    blank (a form's empty text box), read as absent."""
    value = document.get(name)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    if not isinstance(value, str) or not value.strip():
        raise ParseError(f"the entry's {name} is missing or not text", _MEMBER_HINT)
    return value.strip()


def envelope(
    document: dict[str, Any], folder_athlete: str | None, roster_ids: set[str], forms: set[str]
) -> Envelope:
    """The common fields, checked, and the athlete: the folder's for a member's entry, the content's
    for the coach's records (`folder_athlete` None)."""
    form = text_field(document, "form")
    if form not in forms:
        where = "a member's forms folder" if folder_athlete else "club/records"
        raise ParseError(
            f"the entry is a {form!r} form, which {where} does not take (it takes "
            f"{', '.join(sorted(forms))})",
            "only the app writes these folders: remove the file",
        )
    if document.get("form_version") != FORM_VERSION:
        raise ParseError(
            f"form_version {document.get('form_version')!r} is not one this version reads "
            f"({FORM_VERSION})",
            "upgrade StrongStride to the version that wrote it",
        )
    entry_id = text_field(document, "entry_id")
    if not _ENTRY_ID.match(entry_id):
        raise ParseError(f"entry_id {entry_id!r} is not 32 hex digits", _MEMBER_HINT)
    entered_at = _timestamp(text_field(document, "entered_at"))
    role = text_field(document, "entered_role")
    if role not in ROLES:
        raise ParseError(f"entered_role {role!r} is not member or coach", _MEMBER_HINT)
    named = text_field(document, "athlete_id", required=folder_athlete is None)
    if folder_athlete is not None and named is not None and named != folder_athlete:
        raise ParseError(
            f"the entry names athlete {named!r} but was written into {folder_athlete!r}'s folder: "
            "an entry belongs to the member whose folder holds it, so it was not loaded",
            "a member can only enter their own data; the coach enters data for others",
        )
    athlete = folder_athlete or named
    if athlete not in roster_ids:
        raise ParseError(
            f"athlete {athlete!r} is not in club/roster.csv",
            "the entry stays in the raw archive: add the athlete to club/roster.csv and ask the operator to read it again",
        )
    return Envelope(
        form,
        entry_id,
        entered_at,
        text_field(document, "entered_by"),
        role,
        athlete,
        {k: v for k, v in document.items() if k not in (*ENVELOPE, "athlete_id")},
    )


def _timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ParseError(f"entered_at {text!r} is not an ISO 8601 time", _MEMBER_HINT) from error
    if moment.tzinfo is None:
        raise ParseError(f"entered_at {text!r} has no UTC offset", _MEMBER_HINT)
    return moment
