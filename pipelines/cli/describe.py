"""What `strongstride parse` prints: a one-line summary per activity or strength file, or why not."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from pipelines.activity.summarize import summarize
from pipelines.parsers.activity.activity_file import parse_activity_file, sniff_format
from pipelines.parsers.schemas import ParsedActivity, ParseError
from pipelines.settings import Settings

# Strength, export and pipeline modules are imported where used: `strongstride parse` on one
# activity file should answer in well under a second, and most of that is imports.


def _activity_line(name: str, activity: ParsedActivity, settings: Settings) -> dict:
    try:
        summary, _ = summarize(activity, settings.club_time_zone, settings.thresholds)
    except ParseError as err:  # one impossible leg of a multisport file; the others still print
        return {"file": name, "error": err.reason, "hint": err.hint}
    start = summary["start_utc"]
    return {
        "file": name,
        "sport": summary["sport"],
        "start_utc": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if start else None,
        "distance_m": round(summary["distance_m"], 1),
        "elapsed_s": round(summary["elapsed_s"], 1),
        "timer_s": round(summary["timer_s"], 1),
        "moving_s": round(summary["moving_s"], 1),
        "avg_hr": round(summary["avg_hr"], 1) if summary["avg_hr"] is not None else None,
        "n_points": summary["n_points"],
        "warnings": summary["warnings"],
    }


def _strength_line(name: str, data: bytes, settings: Settings) -> dict:
    from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
    from pipelines.parsers.csv_table import read_csv_table
    from pipelines.parsers.strength.formats import detect_layout
    from pipelines.parsers.strength.sets import parse_strength_csv

    # An app export belongs to whoever hands it in; a club file names its athletes in a column.
    athlete_id = None if detect_layout(read_csv_table(data, name)).format == "club" else "member"
    parsed = parse_strength_csv(
        data,
        athlete_id=athlete_id,
        weight_unit="kg",
        time_zone=settings.club_time_zone,
        catalog=ExerciseCatalog.default(),
    )
    return {
        "file": name,
        "format": parsed.format,
        "workouts": parsed.workouts,
        "sets": parsed.sets.height,
        "rejected_rows": len(parsed.rejected),
        "unmapped_exercises": parsed.unmapped_exercises,
        "mapped_share": round(parsed.mapped_share, 3),
        "warnings": parsed.warnings,
    }


def describe_file(path: Path, settings: Settings) -> list[dict]:
    """One dict per activity found in the file (or one per strength file), or one with the error."""
    name = str(path)
    try:
        data = path.read_bytes()
        kind = sniff_format(path.name, data)
        if kind == "csv":
            return [_strength_line(name, data, settings)]
        if kind == "zip":
            from pipelines.parsers.activity.strava_export import parse_strava_export

            _, found, problems = parse_strava_export(data)
            return [_activity_line(f"{name}!{member}", a, settings) for member, a in found] + [
                {"file": f"{name}!{member}", "error": err.reason, "hint": err.hint}
                for member, err in problems
            ]
        return [_activity_line(name, a, settings) for a in parse_activity_file(path.name, data)]
    except ParseError as err:
        return [{"file": name, "error": err.reason, "hint": err.hint}]
    except OSError as err:
        return [{"file": name, "error": f"cannot read the file: {err.strerror}"}]


def run_summary(settings: Settings, run_id: str, seconds: float) -> list[str]:
    """What a finished run did, in a few lines, from the file it published: the files it received,
    those it rejected and why (the first few), the activities and members now in the club."""
    import duckdb

    with duckdb.connect(str(settings.serving), read_only=True) as con:
        received = con.sql(
            "SELECT status, count(*) FROM mart_data_health_files "
            "WHERE received_at >= now() - to_seconds(?) GROUP BY status ORDER BY status",
            params=[seconds + 5],
        ).fetchall()
        rejected = con.sql(
            "SELECT original_name, error FROM mart_data_health_files "
            "WHERE status = 'rejected' AND received_at >= now() - to_seconds(?) "
            "ORDER BY received_at LIMIT 5",
            params=[seconds + 5],
        ).fetchall()
        runs = con.sql("SELECT count(*) FROM mart_athlete_runs").fetchall()[0][0]
        members = con.sql("SELECT count(*) FROM mart_athletes").fetchall()[0][0]
    counts = dict(received)
    lines = [
        f"run {run_id[:8]} done in {seconds:.0f} s: {_count(sum(counts.values()), 'new file')} "
        f"({counts.get('ingested', 0)} loaded, {counts.get('rejected', 0)} rejected)",
        *(f"  rejected {name}: {error}" for name, error in rejected),
        f"the club now has {_count(members, 'member')} and {_count(runs, 'run')}; the dashboard "
        f"reads {settings.serving.name}",
    ]
    if counts.get("rejected", 0) > len(rejected):
        lines.insert(len(rejected) + 1, "  (the others are on the dashboard's Data health page)")
    return lines


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"
