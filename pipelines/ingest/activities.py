"""Parse archived activity files (GPX, TCX, FIT, gzipped, Strava and Garmin exports) into activities
and samples."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import repeat
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from pipelines.activity.summarize import (
    ActivitySummary,
    Summarized,
    SummaryInput,
    summarize_many,
)
from pipelines.ingest.inbox import raw_path
from pipelines.ingest.registry import (
    TO_PARSE,
    TO_PARSE_ORDER,
    FileOutcome,
    FileRef,
    parse_or_reject,
    record_outcomes,
    to_parse_params,
)
from pipelines.ingest.tables import (
    ACTIVITIES,
    ACTIVITY_DEVELOPER_FIELDS,
    ACTIVITY_DYNAMICS,
    ACTIVITY_SAMPLES,
    ATHLETES,
)
from pipelines.parsers.activity.activity_file import ActivityFile, read_activity_file
from pipelines.parsers.activity.strava_export import parse_strava_export
from pipelines.parsers.activity.xml_common import Points, samples_from_points
from pipelines.parsers.schemas import ParsedActivity, ParseError
from pipelines.settings import Settings, Thresholds
from pipelines.warehouse import append_rows, table_exists, transaction

# A batch is parsed, cleaned and summarised together: its fixed costs (a polars query per step)
# are shared by up to BATCH_FILES files, and BATCH_BYTES bounds the memory a batch of large files
# holds (a worker's batch and its frames), e.g. 256 small files of one point a minute, or a dozen
# of one point a second.
BATCH_FILES = 256
BATCH_BYTES = 16 * 1024 * 1024
PENDING_CHUNK = 4096  # jobs read from DuckDB at a time (a multiple of BATCH_FILES)
BATCHES_PER_WORKER = 4  # smaller batches for smaller backlogs, so no worker idles at the end
# Starting the worker processes costs a second or two; a backlog under this many bytes parses faster
# in this process (8 MB is ~2 s of the densest format, FIT; far less of GPX or TCX).
POOL_MIN_BYTES = 8 * 1024 * 1024
# DuckDB keeps the blocks it writes cached up to 80% of RAM, so over a long backlog the loading
# process would grow with the warehouse; loading needs little more than the batch at hand.
LOAD_MEMORY_LIMIT = "256MB"
# Parsed batches are written in one transaction once they hold this many files or sample rows
# (the rows bound the memory held for files of many points).
LOAD_FILES = 512
LOAD_SAMPLES = 250_000


# What a batch's activities carry: every column of `activities` but those set as the batch loads.
ROW_SCHEMA = {
    name: dtype
    for name, dtype in ACTIVITIES.columns.items()
    if name not in ("duplicate_of", "loaded_at")
}


class ActivityRow(ActivitySummary):
    """An `activities` row as a worker hands it over: the summary plus the file's keys."""

    activity_id: str
    athlete_id: str
    file_sha256: str
    source: str


@dataclass(frozen=True)
class ActivityJob:
    """One archived file to parse, with what the roster says about its athlete."""

    sha256: str
    athlete_id: str
    raw_path: str
    original_name: str
    kind: str
    time_zone: str
    hr_rest: float | None
    hr_max: float | None
    sex: str | None
    size_bytes: int


@dataclass
class BatchResult:
    """What a worker returns for a batch of files: one frame per table, built once per batch."""

    activities: list[ActivityRow] = field(default_factory=list)
    samples: list[pl.DataFrame] = field(default_factory=list)
    dynamics: list[dict] = field(default_factory=list)  # activity_dynamics rows
    developer_fields: list[dict] = field(default_factory=list)  # activity_developer_fields rows
    outcomes: list[FileOutcome] = field(default_factory=list)


def _read(job: ActivityJob) -> ActivityFile | ParsedFile:
    """The file read as far as it can be on its own: an activity file up to its points' typing,
    an export wholly (its members are parsed one by one)."""
    data = Path(job.raw_path).read_bytes()
    if job.kind != "strava_export":
        return read_activity_file(job.original_name, data)
    source, found, problems = parse_strava_export(data)
    return ParsedFile(
        job,
        [(activity, source) for _, activity in found],
        [f"{member}: {err.reason}" for member, err in problems],
    )


def _add_form(activity: ParsedActivity, activity_id: str, result: BatchResult) -> None:
    """The activity's running form, watch ratings and developer fields, when the file holds any."""
    ratings = {"watch_rpe": activity.watch_rpe, "watch_feel": activity.watch_feel}
    if activity.dynamics or any(value is not None for value in ratings.values()):
        result.dynamics.append(
            {"activity_id": activity_id, **activity.dynamics, **ratings, "device": activity.device}
        )
    result.developer_fields.extend(
        {"activity_id": activity_id, **asdict(found)} for found in activity.developer_fields
    )


@dataclass(frozen=True)
class ParsedFile:
    """One file's activities with their source, and why any member of an export was left out."""

    job: ActivityJob
    activities: list[tuple[ParsedActivity, str]]
    left_out: list[str]

    def inputs(self) -> list[SummaryInput]:
        """The file's activities to summarise, with the roster's figures for its athlete."""
        job = self.job
        return [
            SummaryInput(activity, job.time_zone, job.hr_rest, job.hr_max, job.sex)
            for activity, _ in self.activities
        ]


def read_jobs(jobs: list[ActivityJob]) -> list[ParsedFile | FileOutcome]:
    """Each file's activities, or the outcome of a file that yields none; never raises. The files
    are read one by one, then the points of those that await it typed together; each file's on its
    own when that fails unexpectedly, so one bad file cannot cost the others."""
    read = [parse_or_reject(job, partial(_read, job)) for job in jobs]
    waiting = [found.points for found in read if isinstance(found, ActivityFile) and found.points]
    typed: Iterator[Points | None]
    try:
        typed = iter(samples_from_points([points.reader for points in waiting]))
    except Exception:  # each file alone says which failed, and why
        typed = repeat(None)
    return [
        parse_or_reject(job, partial(_finished, job, found, next(typed) if found.points else None))
        if isinstance(found, ActivityFile)
        else found
        for job, found in zip(jobs, read, strict=True)
    ]


def _finished(job: ActivityJob, read: ActivityFile, typed: Points | None) -> ParsedFile:
    return ParsedFile(job, [(activity, "file") for activity in read.finish(typed)], [])


def summarize_file(
    parsed: ParsedFile, thresholds: Thresholds
) -> list[Summarized | ParseError] | FileOutcome:
    """The file's activities summarised on their own, or the outcome of a file whose summary
    failed unexpectedly."""
    return parse_or_reject(parsed.job, lambda: summarize_many(parsed.inputs(), thresholds))


def summarize_files(
    files: list[ParsedFile], thresholds: Thresholds
) -> list[list[Summarized | ParseError] | FileOutcome]:
    """Every file's activities summarised in one batch, each file's in its own list; each file on
    its own when the batch fails unexpectedly, so one bad file cannot cost the others."""
    try:
        summaries = summarize_many([item for f in files for item in f.inputs()], thresholds)
    except Exception:  # each file alone says which failed, and why
        return [summarize_file(parsed, thresholds) for parsed in files]
    ends = np.cumsum([len(parsed.activities) for parsed in files]).tolist()
    return [summaries[end - len(f.activities) : end] for f, end in zip(files, ends, strict=True)]


def _add_file(
    parsed: ParsedFile,
    summaries: list[Summarized | ParseError],
    result: BatchResult,
    samples: list[tuple[str, pl.DataFrame]],
) -> None:
    """The file's activities into `result` and their samples into `samples` (with their ids); a
    ParseError refuses only its activity, a file whose every activity is refused is rejected."""
    job = parsed.job
    refused = [found for found in summaries if isinstance(found, ParseError)]
    kept = [
        (found, source, activity)
        for found, (activity, source) in zip(summaries, parsed.activities, strict=True)
        if not isinstance(found, ParseError)
    ]
    if not kept and refused:
        result.outcomes.append(FileOutcome.rejected(job, refused[0].reason, refused[0].hint))
        return
    for index, ((summary, cleaned), source, activity) in enumerate(kept):
        activity_id = f"{job.sha256[:16]}-{index}"
        _add_form(activity, activity_id, result)
        result.activities.append(
            ActivityRow(
                **summary,
                activity_id=activity_id,
                athlete_id=job.athlete_id,
                file_sha256=job.sha256,
                source=source,
            )
        )
        samples.append((activity_id, cleaned))
    notes = parsed.left_out + [f"activity left out: {err.reason}" for err in refused]
    result.outcomes.append(
        FileOutcome.ingested(job, len(kept), [(None, None, reason) for reason in notes])
    )


def parse_job(job: ActivityJob, thresholds: Thresholds, result: BatchResult) -> None:
    """Parse one file into `result` (a batch of one); a file that yields nothing records why."""
    _parse_into([job], thresholds, result)


def parse_batch(jobs: list[ActivityJob], thresholds: Thresholds) -> BatchResult:
    """Worker entry point: parse a batch of files (runs in a spawned process)."""
    result = BatchResult()
    _parse_into(jobs, thresholds, result)
    return result


def _parse_into(jobs: list[ActivityJob], thresholds: Thresholds, result: BatchResult) -> None:
    """Parse every file, summarise all their activities at once, then record each file's outcome
    in the order of `jobs`; the batch's samples become one frame."""
    read = read_jobs(jobs)
    files = [found for found in read if isinstance(found, ParsedFile)]
    summaries = iter(summarize_files(files, thresholds))
    samples: list[tuple[str, pl.DataFrame]] = []
    for found in read:
        if isinstance(found, FileOutcome):
            result.outcomes.append(found)
            continue
        summarised = next(summaries)
        if isinstance(summarised, FileOutcome):
            result.outcomes.append(summarised)
            continue
        _add_file(found, summarised, result, samples)
    if samples:
        ids = np.repeat([activity_id for activity_id, _ in samples], [s.height for _, s in samples])
        result.samples.append(
            pl.concat((frame for _, frame in samples), how="diagonal_relaxed").with_columns(
                activity_id=pl.Series(ids)
            )
        )


class Backlog:
    """The activity files to parse, listed once in a DuckDB temp table and read a chunk at a time.

    A first import holds over a million files: a Python object per file, held for the whole run,
    cost gigabytes, so the list stays in DuckDB and at most `chunk` jobs are in memory (a batch
    never spans two chunks: with `chunk=1` every file is a batch of its own). Files whose folder
    names no athlete on the roster are not jobs: `rejected` says why.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        settings: Settings,
        kinds: list[str],
        chunk: int = PENDING_CHUNK,
    ) -> None:
        self.con, self.settings, self.chunk = con, settings, chunk
        con.register("_no_roster", ATHLETES.empty())
        try:
            roster = "athletes" if table_exists(con, "athletes") else "_no_roster"
            con.sql(
                f"""
                create or replace temp table _backlog as
                select row_number() over (order by {TO_PARSE_ORDER}) as n,
                       f.sha256, f.athlete_id, f.original_name, f.kind, f.size_bytes,
                       r.athlete_id is not null as known, r.time_zone, r.hr_rest, r.hr_max, r.sex
                from (select * from files where {TO_PARSE}) f
                left join {roster} r on r.athlete_id = f.athlete_id
                """,  # noqa: S608
                params=to_parse_params(kinds),
            )
        finally:
            con.unregister("_no_roster")
        self.files, self.bytes = con.sql(
            "select count(*), coalesce(sum(size_bytes), 0) from _backlog where known"
        ).fetchall()[0]
        # files whose rows a run killed before recording their outcome left behind
        self.loaded_before = (
            frozenset(
                row[0]
                for row in con.sql(
                    "select distinct file_sha256 from activities semi join _backlog "
                    "on file_sha256 = _backlog.sha256"
                ).fetchall()
            )
            if table_exists(con, ACTIVITIES.name)
            else frozenset()
        )

    def rejected(self) -> list[FileOutcome]:
        """The files of athletes not on the roster, rejected with the reason."""
        return [
            FileOutcome.rejected(FileRef(*row), *unknown_athlete(row[1]))
            for row in self.con.sql(
                "select sha256, athlete_id, original_name from _backlog where not known order by n"
            ).fetchall()
        ]

    def jobs(self) -> Iterator[list[ActivityJob]]:
        """The files to parse, in order, `chunk` at a time, each with its roster entry."""
        last = 0
        while chunk := self.con.sql(
            "select n, sha256, athlete_id, original_name, kind, time_zone, hr_rest, hr_max, sex, "
            "size_bytes from _backlog where known and n > ? order by n limit ?",
            params=[last, self.chunk],
        ).fetchall():
            last = chunk[-1][0]
            yield [
                ActivityJob(sha, athlete_id, str(raw_path(self.settings, sha)), *rest)
                for _, sha, athlete_id, *rest in chunk
            ]

    def athletes(self) -> list[str]:
        """The athletes with files to parse."""
        return [
            row[0]
            for row in self.con.sql(
                "select distinct athlete_id from _backlog where known order by athlete_id"
            ).fetchall()
        ]


def _batches(chunks: Iterator[list[ActivityJob]], files: int) -> Iterator[list[ActivityJob]]:
    """The jobs in batches of up to `files` files and `BATCH_BYTES` bytes (at least one file)."""
    for chunk in chunks:
        batch: list[ActivityJob] = []
        held = 0
        for job in chunk:
            if batch and (len(batch) == files or held + job.size_bytes > BATCH_BYTES):
                yield batch
                batch, held = [], 0
            batch.append(job)
            held += job.size_bytes
        if batch:
            yield batch


def _worth_a_pool(backlog: Backlog, settings: Settings) -> bool:
    return settings.parse_workers > 1 and backlog.files >= 2 and backlog.bytes >= POOL_MIN_BYTES


def _in_pool(batches: Iterator[list[ActivityJob]], settings: Settings) -> Iterator[BatchResult]:
    """Every batch's result as it finishes, parsed by the workers and by this process.

    This process parses a batch itself whenever no worker result is ready (while the workers start,
    which takes a second or two, and at the end), and at most two batches per worker are queued, so
    memory stays flat however long the backlog.
    """
    context = multiprocessing.get_context("spawn")
    upcoming = next(batches, None)
    with ProcessPoolExecutor(settings.parse_workers, mp_context=context) as pool:
        running: set[Future[BatchResult]] = set()
        while upcoming is not None or running:
            while upcoming is not None and len(running) < 2 * settings.parse_workers:
                running.add(pool.submit(parse_batch, upcoming, settings.thresholds))
                upcoming = next(batches, None)
            finished = {future for future in running if future.done()}
            if not finished and upcoming is not None:
                batch, upcoming = upcoming, next(batches, None)
                yield parse_batch(batch, settings.thresholds)
                continue
            if not finished:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                running.discard(future)
                yield future.result()


def run_parsing(
    backlog: Backlog,
    settings: Settings,
    on_batch: Callable[[BatchResult], None],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Parse the backlog in batches, on several processes for large ones, handing each batch over.

    Batches are self-contained (a file's activities, samples and outcome travel together), so they
    are handed over in the order they finish, not the backlog's.
    """
    if _worth_a_pool(backlog, settings):
        per_batch = -(-backlog.files // (BATCHES_PER_WORKER * settings.parse_workers))
        results = _in_pool(_batches(backlog.jobs(), min(BATCH_FILES, per_batch)), settings)
    else:
        results = (
            parse_batch(batch, settings.thresholds)
            for batch in _batches(backlog.jobs(), BATCH_FILES)
        )
    done = 0
    for result in results:
        on_batch(result)
        done += len(result.outcomes)  # one outcome per file, whatever became of it
        if progress:
            progress(done, backlog.files)


def limit_load_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Cap DuckDB's memory on the connection that loads batches (it spills to disk beyond it)."""
    con.sql("set memory_limit = ?", params=[LOAD_MEMORY_LIMIT])


class BatchLoader:
    """Writes parsed batches into the warehouse: call it with each batch, inside a `with` block.

    Batches wait until `LOAD_FILES` files' rows (or `LOAD_SAMPLES` samples) can go in one
    transaction: a write's fixed cost (a statement per table, the commit) was most of the loading
    when it was paid for every batch of small files. The files' outcomes (the `files` registry and
    `ingest_errors`) are recorded every chunk of the backlog and when the block ends: recording
    them scans the registry, over a million rows in a large club, which made loading cost grow
    with the history. A run killed in between
    leaves files pending whose rows are loaded: the next run parses them again and replaces their
    rows (`Backlog.loaded_before`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, backlog: Backlog) -> None:
        self.con, self.loaded_before, self.chunk = con, backlog.loaded_before, backlog.chunk
        self.outcomes: list[FileOutcome] = []
        self.waiting: list[BatchResult] = []

    def __enter__(self) -> BatchLoader:
        return self

    def __exit__(self, *_) -> None:
        # the batches parsed before a failure are loaded and keep their outcomes (those of a
        # write that failed are not retried: their files stay pending for the next run)
        self.write()
        self.flush()

    def __call__(self, result: BatchResult) -> None:
        """Take one batch's activities, samples, running form and developer fields."""
        self.waiting.append(result)
        files = sum(len(batch.outcomes) for batch in self.waiting)
        samples = sum(frame.height for batch in self.waiting for frame in batch.samples)
        if files >= LOAD_FILES or samples >= LOAD_SAMPLES:
            self.write()

    def write(self) -> None:
        """Write the waiting batches' rows in one transaction."""
        batches, self.waiting = self.waiting, []
        if not batches:
            return
        con = self.con
        outcomes = [outcome for batch in batches for outcome in batch.outcomes]
        again = [o.sha256 for o in outcomes if o.sha256 in self.loaded_before]
        with transaction(con):
            # a file parsed again (after a run killed before its outcome was recorded) replaces
            # its rows; a new file has none, and then the samples table, the largest, is not scanned
            loaded = (
                [
                    row[0]
                    for row in con.sql(
                        "select activity_id from activities where list_contains(?, file_sha256)",
                        params=[again],
                    ).fetchall()
                ]
                if again
                else []
            )
            per_activity = (
                ACTIVITY_SAMPLES,
                ACTIVITY_DYNAMICS,
                ACTIVITY_DEVELOPER_FIELDS,
                ACTIVITIES,
            )
            for table in per_activity if loaded else ():
                con.sql(
                    f"delete from {table.name} where list_contains(?, activity_id)",  # noqa: S608
                    params=[loaded],
                )
            activities = [row for batch in batches for row in batch.activities]
            if activities:
                frame = pl.DataFrame(activities, schema=ROW_SCHEMA).with_columns(
                    duplicate_of=pl.lit(None, pl.String),
                    loaded_at=pl.lit(datetime.now(UTC)),
                )
                append_rows(con, ACTIVITIES.name, ACTIVITIES.conform(frame))
                samples = pl.concat(
                    [frame for batch in batches for frame in batch.samples], how="diagonal_relaxed"
                )
                append_rows(con, ACTIVITY_SAMPLES.name, ACTIVITY_SAMPLES.conform(samples))
            for table, rows in (
                (ACTIVITY_DYNAMICS, [row for batch in batches for row in batch.dynamics]),
                (
                    ACTIVITY_DEVELOPER_FIELDS,
                    [row for batch in batches for row in batch.developer_fields],
                ),
            ):
                if rows:
                    append_rows(con, table.name, pl.DataFrame(rows, schema=table.schema))
        self.outcomes.extend(outcomes)
        if len(self.outcomes) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Record the outcomes of the files loaded so far."""
        with transaction(self.con):
            record_outcomes(self.con, self.outcomes)
        self.outcomes = []


def unknown_athlete(athlete_id: str | None) -> tuple[str, str]:
    """The reason and hint for a file whose folder names no athlete on the roster."""
    return (
        f"unknown athlete '{athlete_id}': inbox/{athlete_id}/ matches no athlete_id in club/roster.csv",
        "add the athlete to club/roster.csv, or move the file into the folder of the right athlete",
    )


def mark_duplicates(
    con: duckdb.DuckDBPyConnection, athletes: list[str] | None = None, window_s: int = 120
) -> int:
    """Mark the same outing arriving from two sources; the richer copy (HR, more points) is canonical.

    Activities of one athlete and sport family whose starts lie within `window_s` of each other form
    a cluster; the best-ranked member is canonical, the others get `duplicate_of`. Only the given
    athletes' activities are looked at (those with new files: nobody else's can have changed),
    every athlete's when `athletes` is None. Returns how many activities are marked in all.
    """
    con.sql(
        """
        create or replace temp table _duplicates as
        with ordered as (
            select activity_id, athlete_id, is_running, start_utc, has_hr, n_points, source,
                   coalesce(epoch(start_utc) - lag(epoch(start_utc)) over w > ?, true) as starts_cluster
            from activities
            where ? is null or list_contains(?, athlete_id)
            window w as (partition by athlete_id, is_running order by start_utc, activity_id)
        ),
        clustered as (
            select *, sum(starts_cluster::int) over (
                partition by athlete_id, is_running order by start_utc, activity_id
            ) as cluster
            from ordered
        ),
        ranked as (
            select activity_id, first_value(activity_id) over (
                partition by athlete_id, is_running, cluster
                order by has_hr desc, n_points desc, (source = 'file') desc, activity_id
            ) as canonical
            from clustered
        )
        select activity_id, nullif(canonical, activity_id) as duplicate_of from ranked
        """,
        params=[window_s, athletes, athletes],
    )
    con.sql(
        "update activities set duplicate_of = d.duplicate_of from _duplicates d "
        "where activities.activity_id = d.activity_id "
        "and activities.duplicate_of is distinct from d.duplicate_of"
    )
    return con.sql("select count(*) from activities where duplicate_of is not null").fetchall()[0][
        0
    ]
