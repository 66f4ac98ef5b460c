"""Parse archived app entries (check-ins, injury reports, classifications, assessment sessions) into
their staging tables.

An entry is a file like any other: pending in `files`, read from the raw archive, loaded or rejected
with its reason in `ingest_errors`. The athlete of a member's entry is the inbox folder it was written
into (`files.athlete_id`); the coach's records name theirs (parsers/forms/documents.py).
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.ingest.inbox import raw_path
from pipelines.ingest.registry import (
    FileOutcome,
    FileRef,
    files_to_parse,
    parse_or_reject,
    record_outcomes,
)
from pipelines.ingest.tables import TABLES
from pipelines.parsers.club.assessment_catalog import AssessmentCatalog
from pipelines.parsers.forms.entries import (
    CHECKIN,
    ENTRY,
    FORM_TABLES,
    CheckinAnswers,
    ParsedForm,
    finished,
    read_form,
    score_checkins,
)
from pipelines.settings import Settings
from pipelines.warehouse import append_rows, table_exists, transaction

FORM_KINDS = ["form", "record"]


def load_form_entries(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    """Parse every pending app entry and load them all in one transaction; returns rows per table."""
    pending = files_to_parse(con, FORM_KINDS)
    roster = {r[0] for r in con.sql("select athlete_id from athletes").fetchall()}
    areas = {r[0] for r in con.sql("select area from ostrc_areas").fetchall()}
    assessments = (
        AssessmentCatalog.from_frame(con.table("assessment_measures").pl())
        if table_exists(con, "assessment_measures")
        else AssessmentCatalog.default()
    )
    max_bytes = settings.thresholds.max_form_kb * 1024
    loaded: dict[str, list[pl.DataFrame]] = {
        table: [] for tables in FORM_TABLES.values() for table in tables
    }
    outcomes: list[FileOutcome] = []
    parsed: list[tuple[FileRef, ParsedForm]] = []
    checkins: list[tuple[FileRef, CheckinAnswers]] = []
    for sha, athlete_id, name, kind in pending.iter_rows():
        job = FileRef(sha, athlete_id, name)
        folder_athlete = athlete_id if kind == "form" else None
        data = raw_path(settings, sha).read_bytes()
        form = parse_or_reject(
            job,
            lambda data=data, folder=folder_athlete: read_form(
                data, folder, roster, areas, max_bytes, assessments
            ),
        )
        if isinstance(form, FileOutcome):
            outcomes.append(form)
        elif isinstance(form, CheckinAnswers):
            checkins.append((job, form))
        else:
            parsed.append((job, form))
    checkin_rows, scored = _scored(checkins, areas)
    if not checkin_rows.is_empty():
        loaded[FORM_TABLES[CHECKIN][0]].append(checkin_rows)
    for job, form in [*parsed, *scored]:
        if isinstance(form, FileOutcome):
            outcomes.append(form)
            continue
        for table, rows in form.frames.items():
            loaded[table].append(rows.with_columns(file_sha256=pl.lit(job.sha256)))
        outcomes.append(FileOutcome.ingested(job, form.rows.height))
    shas = [o.sha256 for o in outcomes]
    with transaction(con):
        for table, frames in loaded.items():
            con.sql(f"delete from {table} where list_contains(?, file_sha256)", params=[shas])  # noqa: S608 (declared names)
            if frames:
                append_rows(con, table, TABLES[table].conform(pl.concat(frames)))
        record_outcomes(con, outcomes)
    return {"entries": len(outcomes)} | {
        table: sum(f.height for f in frames) for table, frames in loaded.items()
    }


def _scored(
    checkins: list[tuple[FileRef, CheckinAnswers]], areas: set[str]
) -> tuple[pl.DataFrame, list[tuple[FileRef, ParsedForm | FileOutcome]]]:
    """The check-ins scored together: their rows (with `file_sha256`) and each one's outcome;
    should that fail unforeseen, no rows and each scored alone, so that one odd entry is rejected
    and not the others."""
    if not checkins:
        return pl.DataFrame(), []
    try:
        rows, problems = score_checkins([answers for _, answers in checkins], areas)
    except Exception:  # each entry alone: its own failure is recorded, the rest load
        alone = [
            (job, parse_or_reject(job, lambda a=answers: finished(a, areas)))
            for job, answers in checkins
        ]
        return pl.DataFrame(), alone
    counts = dict(rows[ENTRY].value_counts().iter_rows())
    outcomes: list[tuple[FileRef, ParsedForm | FileOutcome]] = [
        (
            job,
            FileOutcome.rejected(job, problems[i].reason, problems[i].hint)
            if i in problems
            else FileOutcome.ingested(job, counts[i]),
        )
        for i, (job, _) in enumerate(checkins)
    ]
    shas = {i: job.sha256 for i, (job, _) in enumerate(checkins)}
    sha = pl.col(ENTRY).replace_strict(shas, return_dtype=pl.String).alias("file_sha256")
    return rows.with_columns(sha).drop(ENTRY), outcomes
