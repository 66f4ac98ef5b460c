"""The app's four forms as staging rows: the weekly OSTRC check-in, an injury report, the coach's
classification of a problem, and the coach's record of an assessment session.

- `ostrc_checkin` (a member's own folder): `week_start` (the Monday of the recall week),
  `instrument_version`, `answers` {area code: {q1: code, q2..q4: code or null}} with 0-based option
  codes of that version, and `supersedes` (the entry it corrects, or null). Scored exactly as
  club/ostrc.csv is (ostrc.score_answers); any unusable answer rejects the whole entry.
- `injury_report` (a member's folder, or club/records/ for the coach reporting for an athlete):
  `onset_date`, `area` (an OSTRC area code), `side`, `onset` (sudden or gradual), `description`,
  `can_run` (true/false).
- `problem_classification` (club/records/ only): `problem_id` (a report's `report:<entry_id>` or
  an OSTRC problem's `ostrc:<area>:<first week>`), `problem_type` (injury, illness, or
  already_reported: an OSTRC problem the member also reported), `diagnosis`, `time_loss_days`,
  `consulted_professional`, `recurrence` (new or recurrence), `resolved_date` (or null). A later
  classification of the same problem supersedes an earlier one; both are kept.
- `assessment_session` (club/records/ only, coach role): `assessed_on`, `assessor`,
  `body_mass_kg`, `supersedes` (the entry it corrects, or null) and `results` [{test, measure, side,
  trial, value}], every value checked by the club's assessment catalogue (docs/ASSESSMENTS.md); the
  first reason rejects the whole entry. Gives one assessment_sessions row and its
  assessment_results rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from pipelines.parsers.club.assessment_catalog import AssessmentCatalog, check_body_mass
from pipelines.parsers.club.assessments import SESSION_SCHEMA, result_rows
from pipelines.parsers.club.ostrc import OSTRC_SCHEMA, score_answers
from pipelines.parsers.club.ostrc_instrument import INSTRUMENTS, QUESTIONS
from pipelines.parsers.csv_table import ROW
from pipelines.parsers.forms.documents import Envelope, envelope, read_document, text_field
from pipelines.parsers.schemas import ParseError

CHECKIN = "ostrc_checkin"
REPORT = "injury_report"
CLASSIFICATION = "problem_classification"
ASSESSMENT = "assessment_session"
MEMBER_FORMS = {CHECKIN, REPORT}
RECORD_FORMS = {REPORT, CLASSIFICATION, ASSESSMENT}
SIDES = ("left", "right", "both", "na")
ONSETS = ("sudden", "gradual")
PROBLEM_TYPES = ("injury", "illness", "already_reported")
RECURRENCE = ("new", "recurrence")
MAX_DESCRIPTION = 500
_ENTRY_ID = re.compile(r"^[0-9a-f]{32}$")
_PROBLEM_ID = re.compile(r"^(report:[0-9a-f]{32}|ostrc:[a-z][a-z0-9_]*:\d{4}-\d{2}-\d{2})$")
_HINT = "submit it again from the app; if it keeps failing, tell the coach"

ENTRY_COLUMNS: dict[str, pl.DataType] = {
    "entered_at": pl.Datetime("us", "UTC"),
    "entered_by": pl.String(),
    "entered_role": pl.String(),
}
CHECKIN_SCHEMA: dict[str, pl.DataType] = {
    "entry_id": pl.String(),
    **OSTRC_SCHEMA,
    "supersedes": pl.String(),
    **ENTRY_COLUMNS,
}
REPORT_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(),
    "athlete_id": pl.String(),
    "onset_date": pl.Date(),
    "area": pl.String(),
    "side": pl.String(),
    "onset": pl.String(),
    "description": pl.String(),
    "can_run": pl.Boolean(),
    **ENTRY_COLUMNS,
}
CLASSIFICATION_SCHEMA: dict[str, pl.DataType] = {
    "classification_id": pl.String(),
    "problem_id": pl.String(),
    "athlete_id": pl.String(),
    "problem_type": pl.String(),
    "diagnosis": pl.String(),
    "time_loss_days": pl.Int32(),
    "consulted_professional": pl.Boolean(),
    "recurrence": pl.String(),
    "resolved_date": pl.Date(),
    **ENTRY_COLUMNS,
}
# a check-in's answers as read, before scoring, and the entry's columns carried through it
_CARRIED: dict[str, pl.DataType] = {
    "entry_id": pl.String(),
    "supersedes": pl.String(),
    **ENTRY_COLUMNS,
}
_ANSWERS_SCHEMA: dict[str, pl.DataType] = {
    **dict.fromkeys(("athlete_id", "week_start", "area", "instrument_version"), pl.String()),
    **dict.fromkeys(QUESTIONS, pl.String()),
    **_CARRIED,
}
ENTRY = "__entry"  # a check-in's place in a batch scored together
FORM_TABLES = {
    CHECKIN: ("checkin_answers",),
    REPORT: ("injury_reports",),
    CLASSIFICATION: ("problem_classifications",),
    ASSESSMENT: ("assessment_sessions", "assessment_results"),
}


@dataclass(frozen=True)
class ParsedForm:
    """One entry: its form and its rows per staging table (the entry's own table first)."""

    form: str
    frames: dict[str, pl.DataFrame]

    @property
    def table(self) -> str:
        """The staging table of the entry itself."""
        return next(iter(self.frames))

    @property
    def rows(self) -> pl.DataFrame:
        """The entry's own rows."""
        return self.frames[self.table]


@dataclass(frozen=True)
class CheckinAnswers:
    """A check-in read and checked but not yet scored: its answers as text, one row per body area,
    with the entry's own columns. Scoring is polars work with a fixed cost per call (20 ms for an
    entry alone), so a run scores all its check-ins at once (`score_checkins`); the rows stay plain
    until then (a frame of a few rows costs ~40 KB: 5,500 check-ins held 220 MB as frames)."""

    rows: tuple[dict[str, Any], ...]


def finished(form: ParsedForm | CheckinAnswers, area_codes: set[str]) -> ParsedForm:
    """A form as `read_form` returned it, a check-in scored alone; an unusable answer raises
    ParseError with the reason."""
    if isinstance(form, ParsedForm):
        return form
    rows, problems = score_checkins([form], area_codes)
    if problems:
        raise problems[0]
    return ParsedForm(CHECKIN, {FORM_TABLES[CHECKIN][0]: rows.drop(ENTRY)})


def read_form(
    data: bytes,
    folder_athlete: str | None,
    roster_ids: set[str],
    area_codes: set[str],
    max_bytes: int,
    assessments: AssessmentCatalog | None = None,
) -> ParsedForm | CheckinAnswers:
    """One entry document -> its rows, a check-in unscored (`score_checkins`, or `finished` for
    one alone); anything unusable raises ParseError with the reason.

    `folder_athlete` is the member whose inbox folder held it, None for club/records/;
    `assessments` is the club's catalogue (the shipped one when not given).
    """
    document = read_document(data, max_bytes)
    allowed = MEMBER_FORMS if folder_athlete is not None else RECORD_FORMS
    entry = envelope(document, folder_athlete, roster_ids, allowed)
    if entry.form == ASSESSMENT:
        frames = _assessment(entry, assessments or AssessmentCatalog.default())
        return ParsedForm(entry.form, dict(zip(FORM_TABLES[ASSESSMENT], frames, strict=True)))
    if entry.form == CHECKIN:
        return CheckinAnswers(_checkin_answers(entry))
    build = {REPORT: _report, CLASSIFICATION: _classification}[entry.form]
    return ParsedForm(entry.form, {FORM_TABLES[entry.form][0]: build(entry, area_codes)})


def score_checkins(
    checkins: list[CheckinAnswers], area_codes: set[str]
) -> tuple[pl.DataFrame, dict[int, ParseError]]:
    """Score check-ins together: the rows of every usable one (CHECKIN_SCHEMA, and ENTRY: its
    place in `checkins`), and for each unusable one the ParseError naming every unusable answer by
    its area, as scoring it alone would. One frame, not one per entry: a frame of a few rows costs
    ~30 KB, and a first import scores thousands of check-ins."""
    table = pl.DataFrame(
        [row | {ENTRY: i} for i, checkin in enumerate(checkins) for row in checkin.rows],
        schema=_ANSWERS_SCHEMA | {ENTRY: pl.Int32()},
    )
    table = table.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int32))
    athletes = set(table["athlete_id"].unique().to_list())
    scored, errors = score_answers(table, athletes, area_codes, per=(ENTRY, *_CARRIED))
    entry_of, area_of = table[ENTRY].to_list(), table["area"].to_list()
    problems: dict[int, list[str]] = {}
    for error in errors:
        row = error.row_number - 1
        problems.setdefault(entry_of[row], []).append(f"{area_of[row]}: {error.reason}")
    usable = scored.filter(~pl.col(ENTRY).is_in(list(problems)))
    return usable.select(*CHECKIN_SCHEMA, ENTRY).cast(CHECKIN_SCHEMA), {
        i: ParseError("the check-in has unusable answers: " + "; ".join(reasons), _HINT)
        for i, reasons in problems.items()
    }


def _entry_columns(entry: Envelope) -> dict[str, Any]:
    return {
        "entered_at": entry.entered_at,
        "entered_by": entry.entered_by,
        "entered_role": entry.entered_role,
    }


def _one_row(
    entry: Envelope, values: dict[str, Any], schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    return pl.DataFrame([values | _entry_columns(entry)], schema=schema)


def _checkin_answers(entry: Envelope) -> tuple[dict[str, Any], ...]:
    fields = entry.fields
    version = text_field(fields, "instrument_version")
    if version not in INSTRUMENTS:
        raise ParseError(f"instrument_version {version!r} is not an OSTRC version", _HINT)
    week_start = _date(fields, "week_start")
    if week_start.isoweekday() != 1:
        raise ParseError(f"week_start {week_start} is not the Monday of the recall week", _HINT)
    answers = fields.get("answers")
    if not isinstance(answers, dict) or not answers:
        raise ParseError("the check-in has no answers (one per body area)", _HINT)
    own = {
        "entry_id": entry.entry_id,
        "supersedes": text_field(fields, "supersedes", required=False),
        **_entry_columns(entry),
    }
    rows = []
    for area, answer in answers.items():
        if not isinstance(answer, dict) or not all(
            answer.get(q) is None or isinstance(answer.get(q), int) for q in QUESTIONS
        ):
            raise ParseError(f"the answer for area {area!r} is not q1-q4 option codes", _HINT)
        rows.append(
            {
                "athlete_id": entry.athlete_id,
                "week_start": week_start.isoformat(),
                "area": str(area),
                "instrument_version": version,
                **{q: None if answer.get(q) is None else str(answer[q]) for q in QUESTIONS},
                **own,
            }
        )
    return tuple(rows)


def _report(entry: Envelope, area_codes: set[str]) -> pl.DataFrame:
    fields = entry.fields
    description = text_field(fields, "description", required=False) or ""
    if len(description) > MAX_DESCRIPTION:
        raise ParseError(f"the description is over {MAX_DESCRIPTION} characters", _HINT)
    if not isinstance(fields.get("can_run"), bool):
        raise ParseError("can_run is not true or false", _HINT)
    onset_date = _date(fields, "onset_date")
    if onset_date > entry.entered_at.date():
        raise ParseError(f"onset_date {onset_date} is after the day it was reported", _HINT)
    return _one_row(
        entry,
        {
            "report_id": entry.entry_id,
            "athlete_id": entry.athlete_id,
            "onset_date": onset_date,
            "area": _choice(fields, "area", sorted(area_codes)),
            "side": _choice(fields, "side", SIDES),
            "onset": _choice(fields, "onset", ONSETS),
            "description": description,
            "can_run": fields["can_run"],
        },
        REPORT_SCHEMA,
    )


def _classification(entry: Envelope, area_codes: set[str]) -> pl.DataFrame:
    fields = entry.fields
    problem_id = text_field(fields, "problem_id")
    if not _PROBLEM_ID.match(problem_id):
        raise ParseError(f"problem_id {problem_id!r} names no report or OSTRC problem", _HINT)
    days = fields.get("time_loss_days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3650:
        raise ParseError(f"time_loss_days {days!r} is not a whole number of days 0-3650", _HINT)
    if not isinstance(fields.get("consulted_professional"), bool):
        raise ParseError("consulted_professional is not true or false", _HINT)
    resolved = None if fields.get("resolved_date") is None else _date(fields, "resolved_date")
    return _one_row(
        entry,
        {
            "classification_id": entry.entry_id,
            "problem_id": problem_id,
            "athlete_id": entry.athlete_id,
            "problem_type": _choice(fields, "problem_type", PROBLEM_TYPES),
            "diagnosis": text_field(fields, "diagnosis", required=False) or "",
            "time_loss_days": days,
            "consulted_professional": fields["consulted_professional"],
            "recurrence": _choice(fields, "recurrence", RECURRENCE),
            "resolved_date": resolved,
        },
        CLASSIFICATION_SCHEMA,
    )


def _assessment(entry: Envelope, catalog: AssessmentCatalog) -> tuple[pl.DataFrame, pl.DataFrame]:
    """An assessment session's row and its results' rows; the first unusable value rejects it."""
    fields = entry.fields
    if entry.entered_role != "coach":
        raise ParseError("an assessment session is entered by the coach role only", _HINT)
    assessed_on = _date(fields, "assessed_on")
    if assessed_on > entry.entered_at.date():
        raise ParseError(f"assessed_on {assessed_on} is after the day it was entered", _HINT)
    supersedes = text_field(fields, "supersedes", required=False)
    if supersedes is not None and not _ENTRY_ID.match(supersedes):
        raise ParseError(f"supersedes {supersedes!r} is not an entry id (32 hex digits)", _HINT)
    reason = check_body_mass(fields.get("body_mass_kg")) or catalog.check_results(
        fields.get("results")
    )
    if reason is not None:
        raise ParseError(f"the assessment session was not loaded: {reason}", _HINT)
    session = {
        "session_id": entry.entry_id,
        "athlete_id": entry.athlete_id,
        "assessed_on": assessed_on,
        "assessor": text_field(fields, "assessor"),
        "body_mass_kg": float(fields["body_mass_kg"]),
        "source": "app",
        "entry_id": entry.entry_id,
        "supersedes": supersedes,
    }
    return _one_row(entry, session, SESSION_SCHEMA), result_rows(
        entry.entry_id, fields["results"], catalog
    )


def _choice(fields: dict[str, Any], name: str, allowed: tuple[str, ...] | list[str]) -> str:
    value = fields.get(name)
    if value not in allowed:
        raise ParseError(f"{name} {value!r} is not one of {', '.join(allowed)}", _HINT)
    return value


def _date(fields: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(text_field(fields, name))
    except ValueError as error:
        raise ParseError(
            f"{name} {fields.get(name)!r} is not a date (YYYY-MM-DD)", _HINT
        ) from error
