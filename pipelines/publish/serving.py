"""Stage 6, publish: the marts that changed replaced in the generation file readers are not on, then
`serving.duckdb` pointed at it.

The dashboard opens only `serving.duckdb`, read-only: DuckDB lets one process hold the warehouse for
writing and blocks every other process from opening it, so the two never share a file.

`serving.duckdb` is a link to one of two generation files, `serving-a.duckdb` and
`serving-b.duckdb`, in turn. A publish brings the other one, which holds the generation before the
current one, up to the warehouse in place: it replaces there only the rows and marts whose content
changed since that file's own generation, drops the marts the warehouse no longer has, all in one
transaction, checkpoints it, and then points the link at it (a rename, atomic). A reader opens the
file the link names at that moment and keeps it until it closes: either generation, never a mix.
DuckDB will not open for writing a file another process reads, so when a reader is still on the
other file (a dashboard that has not asked anything since the last publish), the current file is
copied byte for byte instead, the next generation written into the copy, and the copy renamed over
the other file's name (the reader keeps the old file until it closes). A failure leaves the link
where it was; a write in place that stops half way is rolled back with its transaction. The price
is a second serving file on disk (205 MB at 2,000 athletes x 3 years); a publish held two before
too, the copy beside the current file.

A mart's fingerprint (`serving_meta.mart_fingerprints`) is its row count, an order-independent sum
of every row's DuckDB hash, and a hash of its column names and types; a mart whose fingerprint
equals the one the file holds is left as it is. `serving_meta.replaced_marts` names the marts whose
content differs from the generation before (the current one, not the older one the file held). The
first publish, or one after a serving file without fingerprints, writes every mart into an empty
file.

How a mart's change is found, cheapest first:
- *From the model journal* (`transform/journal.py`). Each build of the model graph records which
  rows of each mart it rewrote: none, some athletes' and (a dated mart) every row from a week on,
  or all. `serving_meta.model_build` names the last build a serving file reflects. A mart that
  every build since recorded is compared only within the rows they rewrote, by row hash: rows
  whose hash both sides hold as often stay, the others are deleted and inserted (`_patch_region`),
  and its fingerprint follows by arithmetic, minus the old rows' hashes plus the new ones'. A night
  reads the rewritten rows, not the marts: at 2,000 athletes 0.35 s for nine marts instead of
  0.3 s of per-athlete fingerprints plus 0.4 s of patching (benchmarks/RESULTS.md, session 16).
- *In full*: a mart rebuilt whole, written outside the graph (the check results), or that some
  build since did not record (a build killed half way, a serving file older than the journal's
  KEEP builds or from another warehouse) is fingerprinted in the warehouse. One with an
  `athlete_id` column and at least PATCH_MIN_ROWS rows is fingerprinted per athlete (its whole
  fingerprint is their sum); those fingerprints are published with it
  (`serving_athlete_fingerprints`) and, when it changed, the file gets only the rows of the
  athletes whose fingerprint changed, when they are few (`_patch_athletes`). A mart patched from
  the journal loses its published per-athlete fingerprints (they describe an older generation),
  so a later comparison in full writes it whole. Other marts are written whole.

Why change an earlier generation's file rather than write every mart each night: writing a mart
(compressing it into a new file) costs in proportion to its rows, fingerprinting it only reads it.
Measured with `python -m benchmarks.publish --scale 50` on the demo club (40 athletes x 52 weeks),
the previous full-rewrite publish timed side by side on the same warehouse, on 2 cores at load
average 12 to 17 (noisy figures): its marts scaled to 2,000 athletes (1.34 M rows, a 62 MB serving
file), a night where nothing changed took 4.3 to 8.0 s writing every mart and 0.9 to 1.7 s with a
copy of the last file (fingerprints 0.8 s, the copy well under 0.1 s); replacing the largest mart
alone 2.3 s. DuckDB cannot share a table's storage between two files, and changing the live file in
place would let a reader see a half-written generation. Why two files rather than a copy each
night: at 2,000 athletes x 3 years the serving file is 205 MB, and its copy, written while the
warehouse's own checkpoint is still being flushed, took 0.45-0.49 s of a night's 1.2-1.4 s publish
(session 19); writing the older file in place writes only the changed blocks (publish 0.65-0.72 s,
benchmarks/RESULTS.md). Replaced and dropped marts leave free blocks that the next writes reuse:
ten publishes each replacing the largest mart kept the file between 62 and 66 MB.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.settings import SQL_ROOT
from pipelines.transform.incremental import affected_sql
from pipelines.transform.journal import Build, Region, changes_since, latest_build
from pipelines.transform.runner import read_model, run_sql_model
from pipelines.warehouse import (
    connect,
    fingerprint_sql,
    ident,
    replace_rows,
    replace_table,
    table_exists,
    table_names,
    transaction,
)

SERVING_PREFIX = "mart_"
KEY = "athlete_id"  # a mart with it is patched per athlete when few athletes' rows changed
PATCH_SHARE = 0.25  # the share of a mart's rows above which writing it whole is cheaper
PATCH_MIN_ROWS = 50_000  # below it, comparing athletes costs more than writing the mart whole
# each patchable mart's fingerprint per athlete as published, so the next publish finds the changed
# athletes from the warehouse's side alone
ATHLETE_FINGERPRINTS = "serving_athlete_fingerprints"
ATHLETE_SCHEMA = {"mart": pl.String, KEY: pl.String, "rows": pl.Int64, "fingerprint": pl.String}
CHECK_RESULTS = "mart_check_results"
CHECK_RESULTS_MART = SQL_ROOT / "publish" / f"{CHECK_RESULTS}.sql"


@dataclass(frozen=True)
class Publication:
    """One published generation and the marts it wrote (the others were kept from the last one)."""

    generation: int
    replaced: tuple[str, ...]
    # marts fingerprinted whole in the warehouse: those the model journal could not vouch for
    compared_in_full: tuple[str, ...] = ()


def failed_blocking_checks(con: duckdb.DuckDBPyConnection) -> str | None:
    """A readable reason naming each failed ERROR check, or None when all passed."""
    if not table_exists(con, "check_results"):
        return None
    rows = con.sql(
        "select check_name, asset, offending_rows from check_results "
        "where severity = 'ERROR' and not passed order by check_name"
    ).fetchall()
    if not rows:
        return None
    return "; ".join(f"check {n} failed on {a} ({k} offending rows)" for n, a, k in rows)


def publish_serving(
    warehouse_path: Path, serving_path: Path, run_id: str, run_failure: str | None = None
) -> tuple[Publication, str | None]:
    """Refresh mart_check_results, then publish, or keep the last good marts when blocked.

    Publication is blocked by a failed ERROR check, or by `run_failure` (a run that did not finish).
    """
    with duckdb.connect(str(warehouse_path)) as con:
        if table_exists(con, "check_results"):
            run_sql_model(con, read_model(CHECK_RESULTS_MART, "publish"))
        reason = failed_blocking_checks(con) or run_failure
    return publish(warehouse_path, serving_path, run_id, blocked_reason=reason), reason


def publish(
    warehouse: Path, serving: Path, run_id: str, blocked_reason: str | None = None
) -> Publication:
    """Bring the generation file readers are not on up to the warehouse and point `serving` at it.

    When `blocked_reason` is given the previous serving file's marts are kept and only the check
    results and the reason are refreshed, so the dashboard keeps the last good data and can say why.
    A failure (a full disk) leaves `serving` pointing where it did, and no partial file behind.
    """
    target = _next_file(serving)
    current = _last_publication(serving)
    publication = None
    if not blocked_reason:
        publication = _in_place(warehouse, target, run_id, current)
    if publication is None:
        publication = _copied(warehouse, serving, current, target, run_id, blocked_reason)
    link = serving.with_name(serving.name + ".link")
    try:
        link.unlink(missing_ok=True)
        os.symlink(target.name, link)
        os.replace(link, serving)
    except BaseException:
        link.unlink(missing_ok=True)
        raise
    return publication


def generation_files(serving: Path) -> tuple[Path, Path]:
    """The two files `serving` points at in turn (`serving-a.duckdb`, `serving-b.duckdb`)."""
    return tuple(serving.with_name(f"{serving.stem}-{s}{serving.suffix}") for s in "ab")


def _next_file(serving: Path) -> Path:
    """The generation file `serving` does not point at: the next generation is written there."""
    first, second = generation_files(serving)
    return second if serving.is_symlink() and os.readlink(serving) == first.name else first


def _in_place(warehouse: Path, target: Path, run_id: str, current: _Last) -> Publication | None:
    """Bring `target`, an earlier generation no reader is on, up to the warehouse in place, in one
    transaction, as the generation after `current` (or later, when a run wrote it and stopped
    before pointing `serving` at it). None (copy instead) when it holds no published generation,
    a reader still has it open (DuckDB's lock: an idle dashboard that has not asked since the last
    publish), or DuckDB cannot read or write it (damaged: the copy replaces it)."""
    if not target.exists():
        return None
    try:
        with connect(target) as out:
            last = _meta(out)
            if not last.fingerprints:
                return None
            generation = max(current.generation, last.generation) + 1
            publication = _write_next(
                out, warehouse, last, run_id, None, generation, current.fingerprints
            )
    except duckdb.Error:  # the transaction was rolled back: the file is as it was
        return None
    _flush(target)
    return publication


def _copied(
    warehouse: Path,
    serving: Path,
    last: _Last,
    target: Path,
    run_id: str,
    blocked_reason: str | None,
) -> Publication:
    """Write the next generation into a copy of the current serving file, which holds `last` (or,
    without one that carries fingerprints, into an empty file) and rename it to `target`."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)
        keep_last = serving.exists() and (bool(last.fingerprints) or bool(blocked_reason))
        if keep_last:
            shutil.copyfile(serving, tmp)
        with connect(tmp) as out:
            publication = _write_next(
                out,
                warehouse,
                last if keep_last else _Last(),
                run_id,
                blocked_reason,
                last.generation + 1,
                last.fingerprints,
            )
        _flush(tmp)
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    return publication


def _flush(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _write_next(
    out: duckdb.DuckDBPyConnection,
    warehouse: Path,
    last: _Last,
    run_id: str,
    blocked_reason: str | None,
    generation: int,
    previous: dict[str, str],
) -> Publication:
    """Make the serving file open as `out`, which holds `last` (`_Last()`: nothing to keep),
    generation `generation`, in one transaction, and checkpoint it. The marts it names as replaced
    are those whose fingerprint differs from `previous`, the generation readers had."""
    with connect(warehouse, read_only=True) as con:
        names = table_names(con, SERVING_PREFIX)
        if blocked_reason:
            names = [n for n in names if n == CHECK_RESULTS]
        # the marts the journal says which rows of were rewritten since the last publication;
        # the others are compared in full
        known = {
            n: region
            for n, region in changes_since(con, last.build).items()
            if n in names and n in last.fingerprints and not region.whole
        }
        compared = [n for n in names if n not in known]
        athletes = athlete_fingerprints(con, compared)
        fingerprints = mart_fingerprints(con, compared, athletes)
        build = last.build if blocked_reason else latest_build(con)
    replaced = [n for n in compared if last.fingerprints.get(n) != fingerprints[n]]
    out.sql("attach ? as wh (read_only)", params=[str(warehouse)])
    with transaction(out):
        if not blocked_reason:
            for name in set(table_names(out, SERVING_PREFIX)) - set(names):
                out.sql(f"drop table {ident(name)}")
        for name, region in known.items():
            fingerprints[name] = last.fingerprints[name]
            if not region.empty:
                fingerprints[name] = _patch_region(out, name, region, last.fingerprints[name])
            if fingerprints[name] != last.fingerprints[name]:
                replaced.append(name)
        patched = [n for n in replaced if n in compared and _patch_athletes(out, n, athletes)]
        for name in sorted(set(replaced) - set(patched) - set(known)):
            out.sql(f"create or replace table {ident(name)} as select * from wh.{ident(name)}")  # noqa: S608
        if not blocked_reason:
            # a mart's rows per athlete as published: those still true, and the new ones
            _keep_athlete_fingerprints(out, [n for n in known if n not in replaced], athletes)
        published = (last.fingerprints if blocked_reason else {}) | fingerprints
        changed = sorted(n for n, f in published.items() if previous.get(n) != f)
        meta = _meta_row(out, generation, run_id, blocked_reason, changed, published, build)
        replace_table(out, "serving_meta", meta)
    out.sql("detach wh")
    out.sql("checkpoint")
    return Publication(generation, tuple(changed), tuple(compared))


def _patch_region(
    out: duckdb.DuckDBPyConnection, name: str, region: Region, fingerprint: str
) -> str:
    """Bring a mart of the file being written up to the warehouse's within the rows `region` names
    (the rest did not change since `fingerprint` was published) and return its new fingerprint.

    Within the region, rows are compared by hash: a row whose hash is in both sides as often is
    left alone, the others are deleted and inserted, so a night's new run rewrites one row of its
    athlete's thousand. The fingerprint follows by arithmetic: minus the region's old rows, plus
    its new ones. A mart whose columns changed is written whole.
    """
    here = out.sql("select current_database()").fetchall()[0][0]
    columns = _columns(out, name, here)
    if columns != _columns(out, name, "wh"):
        out.sql(f"create or replace table {ident(name)} as select * from wh.{ident(name)}")  # noqa: S608
        return _fingerprint(out, name)
    affected, params = affected_sql("t", region.athletes, region.since, region.weeks)
    source = f"wh.{ident(name)}"
    rows, total = replace_rows(out, name, source, affected, params, [c for c, _ in columns])
    before_rows, before_total, schema = fingerprint.split(":")
    return f"{int(before_rows) + rows}:{int(before_total) + total}:{schema}"


def _fingerprint(out: duckdb.DuckDBPyConnection, name: str) -> str:
    """A mart's fingerprint in the file being written (the warehouse's content)."""
    return mart_fingerprints(out, [name])[name]


def _keep_athlete_fingerprints(
    out: duckdb.DuckDBPyConnection, unchanged: list[str], athletes: pl.DataFrame
) -> None:
    """The published per-athlete fingerprints: the unchanged marts' kept, those of the marts
    compared in full replaced by `athletes`; a mart patched by region has none, so that a later
    comparison in full writes it whole rather than trust fingerprints of an older generation."""
    kept = pl.DataFrame(schema=ATHLETE_SCHEMA)
    if table_exists(out, ATHLETE_FINGERPRINTS):
        kept = (
            out.table(ATHLETE_FINGERPRINTS)
            .pl()
            .cast(ATHLETE_SCHEMA)
            .filter(pl.col("mart").is_in(unchanged))
        )
    replace_table(out, ATHLETE_FINGERPRINTS, pl.concat([kept, athletes]))


def _patch_athletes(out: duckdb.DuckDBPyConnection, name: str, athletes: pl.DataFrame) -> bool:
    """Replace in the file being written only the rows of the athletes whose rows changed, when
    `name` has per-athlete fingerprints now and in that file (`athlete_fingerprints`), the same
    columns and types there and in the warehouse, and those athletes' rows are at most PATCH_SHARE
    of its rows (otherwise False: write it whole).

    An athlete's rows changed when their count or their sum of row hashes did; rows of no athlete
    count as one more. A night's new runs change a few athletes of `mart_athlete_runs`, a million
    rows at 2,000 athletes that a whole write would compress anew. The deleted rows' space is partly
    reused: 42 nightly patches of 100 athletes' rows into a 1 M-row mart kept the file between 9
    and 13 MB, against 7 MB written whole.
    """
    now = athletes.filter(pl.col("mart") == name)
    if now.is_empty() or not table_exists(out, ATHLETE_FINGERPRINTS):
        return False
    published = out.sql(
        f"select count(*) from {ATHLETE_FINGERPRINTS} where mart = ?",  # noqa: S608
        params=[name],
    ).fetchall()[0][0]
    here = out.sql("select current_database()").fetchall()[0][0]
    if not published or _columns(out, name, here) != _columns(out, name, "wh"):
        return False
    out.register("_now", now)
    try:
        changed = out.sql(
            f"with new as (select {KEY}, rows, fingerprint from _now), "  # noqa: S608
            f"old as (select {KEY}, rows, fingerprint from {ATHLETE_FINGERPRINTS} where mart = ?) "
            f"select {KEY}, sum(rows) filter (where side = 'new') from ("
            "select 'new' as side, * from (from new except from old) "
            "union all select 'old' as side, * from (from old except from new)) group by all",
            params=[name],
        ).fetchall()
    finally:
        out.unregister("_now")
    if sum(rows or 0 for _, rows in changed) > PATCH_SHARE * now["rows"].sum():
        return False
    affected = f"(list_contains($athletes, {KEY}) or ({KEY} is null and $with_none))"
    params = {
        "athletes": [a for a, _ in changed if a is not None],
        "with_none": any(a is None for a, _ in changed),
    }
    out.sql(f"delete from {ident(name)} where {affected}", params=params)  # noqa: S608
    out.sql(
        f"insert into {ident(name)} by name select * from wh.{ident(name)} where {affected}",  # noqa: S608
        params=params,
    )
    return True


def _columns(con: duckdb.DuckDBPyConnection, name: str, catalog: str) -> list[tuple[str, str]]:
    """A table's columns and types, in order, in one attached database."""
    return con.sql(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'main' and table_name = ? "
        "order by ordinal_position",
        params=[catalog, name],
    ).fetchall()


def athlete_fingerprints(con: duckdb.DuckDBPyConnection, names: list[str]) -> pl.DataFrame:
    """Each athlete's rows and sum of row hashes (`fingerprint_sql`, the sum as text) in every mart
    patched per athlete: those with an `athlete_id` and at least PATCH_MIN_ROWS rows."""
    frames = [pl.DataFrame(schema=ATHLETE_SCHEMA)]
    for name in names:
        if KEY not in con.table(ident(name)).columns:
            continue
        if con.sql(f"select count(*) from {ident(name)}").fetchall()[0][0] < PATCH_MIN_ROWS:  # noqa: S608
            continue
        per_athlete = fingerprint_sql(con, name, KEY)
        frames.append(
            con.sql(
                f"select ? as mart, {KEY}, rows, fingerprint::varchar as fingerprint "  # noqa: S608
                f"from ({per_athlete})",
                params=[name],
            )
            .pl()
            .cast(ATHLETE_SCHEMA)
        )
    return pl.concat(frames)


def mart_fingerprints(
    con: duckdb.DuckDBPyConnection, names: list[str], athletes: pl.DataFrame | None = None
) -> dict[str, str]:
    """Each mart's `rows:sum of row hashes:hash of columns and types` (`fingerprint_sql`), equal
    iff the content is; a mart with `athletes`' fingerprints is summed from them, not read again."""
    schemas = dict(
        con.sql(
            "select table_name, hash(string_agg(column_name || ' ' || data_type, ',' "
            "order by ordinal_position)) from information_schema.columns "
            "where table_catalog = current_database() and table_schema = 'main' "
            "group by table_name"
        ).fetchall()
    )
    fingerprints = {}
    for name in names:
        own = pl.DataFrame() if athletes is None else athletes.filter(pl.col("mart") == name)
        if own.is_empty():
            rows, total = con.sql(fingerprint_sql(con, name)).fetchall()[0]
        else:
            rows, total = own["rows"].sum(), sum(int(f) for f in own["fingerprint"])
        fingerprints[name] = f"{rows}:{total}:{schemas[name]}"
    return fingerprints


def _meta_row(
    out: duckdb.DuckDBPyConnection,
    generation: int,
    run_id: str,
    blocked_reason: str | None,
    replaced: list[str],
    fingerprints: dict[str, str],
    build: Build | None,
) -> pl.DataFrame:
    """serving_meta's one row: `build` is the warehouse's last model build its marts reflect."""
    return pl.DataFrame(
        {
            "generation": [generation],
            "published_at": [datetime.now(UTC)],
            "run_id": [run_id],
            "source_files": [out.sql("select count(*) from wh.files").fetchall()[0][0]],
            "settings": [_settings_json(out)],
            "blocked_reason": [blocked_reason],
            "replaced_marts": [replaced],
            "mart_fingerprints": [json.dumps(fingerprints)],
            "model_build": [build.number if build else None],
            "model_build_uuid": [build.uuid if build else None],
        },
        schema={
            "generation": pl.Int64,
            "published_at": pl.Datetime("us", "UTC"),
            "run_id": pl.String,
            "source_files": pl.Int64,
            "settings": pl.String,
            "blocked_reason": pl.String,
            "replaced_marts": pl.List(pl.String),
            "mart_fingerprints": pl.String,
            "model_build": pl.Int64,
            "model_build_uuid": pl.String,
        },
    )


def _settings_json(con: duckdb.DuckDBPyConnection) -> str:
    """The thresholds the models used (the warehouse's one-row `settings` table), as JSON."""
    rows = con.sql("select * from wh.settings").pl().to_dicts()
    return json.dumps(rows[0] if rows else {})


@dataclass(frozen=True)
class _Last:
    """The last serving file's generation, mart fingerprints and model build (none when absent,
    unreadable or written before they were kept)."""

    generation: int = 0
    fingerprints: dict[str, str] = field(default_factory=dict)
    build: Build | None = None


def _last_publication(serving: Path) -> _Last:
    if not serving.exists():
        return _Last()
    try:
        with connect(serving, read_only=True) as con:
            return _meta(con)
    except duckdb.Error:
        return _Last()


def _meta(con: duckdb.DuckDBPyConnection) -> _Last:
    """What a serving file's `serving_meta` says it holds (nothing, when it has none)."""
    meta = con.sql("select * from serving_meta").pl()
    if meta.is_empty():
        return _Last()
    row = meta.row(0, named=True)
    fingerprints = row.get("mart_fingerprints")
    build = row.get("model_build")
    return _Last(
        int(row["generation"] or 0),
        json.loads(fingerprints) if fingerprints else {},
        Build(build, row.get("model_build_uuid")) if build is not None else None,
    )
