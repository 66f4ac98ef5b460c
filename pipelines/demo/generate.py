"""The demo-club generator's entry point: a club data folder as real members and a coach would fill it."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pipelines.demo.app_entries import (
    APP_CHECKIN_WEEKS,
    INJURY_REPORTS,
    app_first_week,
    report_document,
    reportable,
)
from pipelines.demo.assessments import (
    ADHERENCE_SPAN,
    ASSESSORS,
    GOOD_SHARE_GAIN_PER_12_WEEKS,
    TORQUE_GAIN_PER_12_WEEKS,
    Assessments,
    member_assessments,
    planted_by_band,
)
from pipelines.demo.athlete import AthleteJob, AthleteOutput, build_athlete
from pipelines.demo.bad_files import write_bad_files
from pipelines.demo.club import PROGRAM_ID, PROGRAMS_YAML, Athlete, build_club, first_monday
from pipelines.demo.ostrc_injuries import IRR_HIGH_VS_LOW, RRI_PER_1000H, Injury
from pipelines.parsers.club.ostrc_instrument import INSTRUMENTS, LEGACY_VERSION, QUESTIONS, plain
from pipelines.settings import FORMS_FOLDER

# A fixed default so one seed always gives the same bytes, whatever day it runs.
DEFAULT_END_DATE = date(2026, 11, 23)
SEQUENTIAL_BELOW = 8  # smaller clubs are quicker without starting worker processes

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What was generated."""

    home: Path
    athletes: int
    weeks: int
    first_week_start: date
    end_date: date  # the Monday after the last generated week
    enrolled: int
    activity_files: int
    activities: int
    running_activities: int
    gps_points: int
    strength_files: int
    strength_sessions: int
    strength_sets: int
    injuries: int  # planted: club/injuries.csv's rows and the app's injury reports
    running_related_injuries: int
    injury_reports: int  # injuries reported in the app instead of club/injuries.csv
    assessment_sessions: int  # the coach's assessment_session documents in club/records/
    ostrc_responses: int  # club/ostrc.csv's rows (the weeks before the app)
    checkin_weeks: int  # athlete-weeks answered in the app (the week's latest entry counts)
    checkin_documents: int  # app check-in entries, corrections included
    running_hours: float
    bytes_written: int
    bad_files: int = 0  # files planted to be rejected or flagged (truth.json "bad_files")


def _csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def _roster(members: list[Athlete]) -> bytes:
    header = [
        "athlete_id",
        "display_name",
        "sex",
        "birth_year",
        "weight_unit",
        "time_zone",
        "hr_rest",
        "hr_max",
        "training_group",
    ]
    rows = [
        [
            a.athlete_id,
            a.display_name,
            a.sex,
            a.birth_year,
            a.weight_unit,
            a.city.time_zone,
            a.hr_rest if a.hr_on_roster else "",
            a.hr_max if a.hr_on_roster else "",
            a.training_group,
        ]
        for a in members
    ]
    return _csv_bytes(header, rows)


def _enrolments(members: list[Athlete], monday: date) -> bytes:
    rows = []
    for a in members:
        if a.enrolment_start is None:
            continue
        start = monday + timedelta(days=7 * a.enrolment_start)
        end = "" if a.enrolment_end is None else monday + timedelta(days=7 * a.enrolment_end + 6)
        rows.append([a.athlete_id, PROGRAM_ID, start, end])
    return _csv_bytes(["athlete_id", "program_id", "start_date", "end_date"], rows)


def _injuries(outputs: list[AthleteOutput], reported: set[tuple[str, int]]) -> bytes:
    """The coach's injury log: every planted injury but those the members reported in the app."""
    header = [
        "athlete_id",
        "onset_date",
        "body_region",
        "side",
        "description",
        "modified_days",
        "stopped_days",
        "consulted_professional",
    ]
    rows = [
        [
            o.athlete_id,
            i.onset,
            i.body_region,
            i.side,
            i.description,
            i.modified_days,
            i.stopped_days,
            "yes" if i.consulted else "no",
        ]
        for o in outputs
        for n, i in enumerate(o.injuries)
        if (o.athlete_id, n) not in reported
    ]
    return _csv_bytes(header, sorted(rows, key=lambda row: (row[1], row[0])))


def _ostrc(outputs: list[AthleteOutput]) -> bytes:
    """Weekly answers as the coach's sheet holds them: mostly codes, some texts, some ISO weeks.

    The answers are of the 2013 questionnaire (1.0: Q2/Q3 have a fifth option), and the sheet has no
    instrument_version column, which is read as 1.0."""
    rows = []
    for o in outputs:
        for week_start, answers in o.ostrc:
            if o.ostrc_style == "text":
                cells = [
                    plain(INSTRUMENTS[LEGACY_VERSION].options(q)[code])
                    for q, code in zip(QUESTIONS, answers, strict=True)
                ]
            else:
                cells = list(answers)
            year, week, _ = week_start.isocalendar()
            when = f"{year}-W{week:02d}" if o.ostrc_style == "iso_week" else week_start.isoformat()
            rows.append([week_start, o.athlete_id, when, *cells])
    rows.sort(key=lambda row: (row[0], row[1]))
    return _csv_bytes(["athlete_id", "week_start", "q1", "q2", "q3", "q4"], [r[1:] for r in rows])


def _reported_injuries(
    outputs: list[AthleteOutput], monday: date, weeks: int, seed: int
) -> list[tuple[str, int, Injury]]:
    """(athlete, injury number, injury) of the few injuries of the app weeks reported in the app:
    only those the pipeline classifies from a report as they were planted (app_entries.reportable)."""
    end = monday + timedelta(days=7 * weeks)
    first = monday + timedelta(days=7 * app_first_week(weeks))
    eligible = [
        (o.athlete_id, n, i)
        for o in outputs
        for n, i in enumerate(o.injuries)
        if i.onset >= first and reportable(i, end)
    ]
    rng = np.random.default_rng([seed, 2_000_000])
    chosen = rng.permutation(len(eligible))[:INJURY_REPORTS] if eligible else []
    return sorted((eligible[int(k)] for k in chosen), key=lambda item: item[:2])


def _club_strength(outputs: list[AthleteOutput]) -> dict[str, bytes]:
    """The coach's monthly strength sheets, several athletes each."""
    by_month: dict[str, list[str]] = {}
    for o in outputs:
        for line in o.club_strength_lines:
            by_month.setdefault(line[:7], []).append(line)
    header = "date,time,athlete_id,exercise,set,reps,load,unit,rpe,notes\n"
    return {
        f"glute_group_{month}.csv": (header + "".join(sorted(lines))).encode("utf-8")
        for month, lines in sorted(by_month.items())
    }


def _run_jobs(
    jobs: list[AthleteJob], workers: int, progress: Progress | None
) -> list[AthleteOutput]:
    """Build every athlete, in worker processes when the club is big enough to pay for them."""

    def report(results: Iterator[AthleteOutput]) -> list[AthleteOutput]:
        done = []
        for result in results:
            done.append(result)
            if progress is not None:
                progress("athletes", len(done), len(jobs))
        return done

    if workers <= 1 or len(jobs) < SEQUENTIAL_BELOW:
        return report(build_athlete(job) for job in jobs)
    # spawn, not fork: a forked pool can hang once the parent has used polars' thread pool.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return report(pool.map(build_athlete, jobs, chunksize=max(1, len(jobs) // (workers * 8))))


def _assessment_truth(assessments: Assessments) -> dict[str, object]:
    """A member's assessment sessions and the change per 12 weeks planted in them."""
    return {
        "assessment_sessions": [day.isoformat() for day in assessments.sessions],
        "planted_assessment_change_per_12_weeks": {
            measure: round(gain, 4) for measure, gain in assessments.planted.items()
        },
    }


def _existing_data(home: Path) -> list[Path]:
    return [p for p in (home / "inbox", home / "club") if p.is_dir() and any(p.iterdir())]


def generate_demo_club(
    home: Path,
    athletes: int = 40,
    weeks: int = 52,
    seed: int = 7,
    streams: bool = True,
    end_date: date | None = None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    bad_files: bool = True,
) -> DemoSummary:
    """Write a demo club's inbox and club files, plus demo/truth.json with the planted effects.

    The data covers the `weeks` whole weeks before the Monday of `end_date`'s week. With
    `streams=False` every activity is a small GPX with one point a minute (large clubs in minutes).
    With `bad_files` the inbox also holds a few files that cannot (all) be loaded (demo/bad_files.py).
    """
    home = Path(home)
    if athletes < 1 or weeks < 1:
        raise ValueError(
            f"a demo club needs at least 1 athlete and 1 week (got {athletes}, {weeks})"
        )
    taken = _existing_data(home)
    if taken:
        raise FileExistsError(
            f"{', '.join(str(p) for p in taken)} already holds club files: generate the demo into an "
            "empty folder (or delete that folder first) so demo and real data never mix"
        )
    end = end_date or DEFAULT_END_DATE
    monday = first_monday(end, weeks)
    end = monday + timedelta(days=7 * weeks)
    members = build_club(np.random.default_rng([seed, 1_000_000]), athletes, weeks)
    club = home / "club"
    written = _write(club / "roster.csv", _roster(members))
    written += _write(club / "programs.yaml", PROGRAMS_YAML.encode("utf-8"))
    written += _write(club / "enrolments.csv", _enrolments(members, monday))
    jobs = [AthleteJob(a, seed, home, monday, weeks, streams) for a in members]
    outputs = _run_jobs(
        jobs, workers if workers is not None else min(2, os.cpu_count() or 1), progress
    )
    reports = _reported_injuries(outputs, monday, weeks, seed)
    zones = {a.athlete_id: a.city.time_zone for a in members}
    for k, (athlete_id, _, injury) in enumerate(reports):
        name, data = report_document(
            np.random.default_rng([seed, 2_000_001, k]),
            seed,
            athlete_id,
            zones[athlete_id],
            injury,
            end,
        )
        written += _write(home / "inbox" / athlete_id / FORMS_FOLDER / name, data)
    reported = {(athlete_id, number) for athlete_id, number, _ in reports}
    written += _write(club / "injuries.csv", _injuries(outputs, reported))
    written += _write(club / "ostrc.csv", _ostrc(outputs))
    sheets = _club_strength(outputs)
    for name, data in sheets.items():
        written += _write(club / "strength" / name, data)
    assessed = {
        a.athlete_id: member_assessments(
            np.random.default_rng([seed, 3_000_000, a.index]), seed, a, monday, weeks
        )
        for a in members
    }
    for assessments in assessed.values():
        for name, data in assessments.documents.items():
            written += _write(club / "records" / name, data)
    planted_bad: dict[str, dict[str, str]] = {}
    if bad_files:
        planted_bad, size = write_bad_files(home, members, monday, weeks, seed)
        written += size
    truth = {
        "seed": seed,
        "bad_files": planted_bad,
        "irr_high_vs_low": IRR_HIGH_VS_LOW,
        "rri_per_1000h_low_adherence": RRI_PER_1000H,
        "weeks": weeks,
        "first_week_start": monday.isoformat(),
        "end_date": end.isoformat(),
        "athletes": {
            o.athlete_id: o.truth | _assessment_truth(assessed[o.athlete_id]) for o in outputs
        },
        "assessments": {
            "assessors": list(ASSESSORS),
            "sessions": sum(len(a.sessions) for a in assessed.values()),
            "planted_change_per_12_weeks_by_band": planted_by_band(members, assessed),
            "planted_change_per_12_weeks_law": {
                "adherence": list(ADHERENCE_SPAN),
                "torque_nm_kg": list(TORQUE_GAIN_PER_12_WEEKS),
                "good_share": list(GOOD_SHARE_GAIN_PER_12_WEEKS),
            },
        },
        "app_entries": {
            "checkin_weeks_in_app": APP_CHECKIN_WEEKS,
            "first_app_week_start": (
                monday + timedelta(days=7 * app_first_week(weeks))
            ).isoformat(),
            "checkin_weeks": sum(len(o.checkin_weeks) for o in outputs),
            "checkin_documents": sum(o.checkin_documents for o in outputs),
            "checkin_corrections": sum(o.checkin_corrections for o in outputs),
            "injury_reports": len(reports),
            "running_related_injury_reports": sum(i.running_related for _, _, i in reports),
        },
    }
    truth_text = json.dumps(truth, indent=2, sort_keys=True) + "\n"
    written += _write(home / "demo" / "truth.json", truth_text.encode("utf-8"))
    if progress is not None:
        progress("club files", 1, 1)
    return DemoSummary(
        home=home,
        athletes=athletes,
        weeks=weeks,
        first_week_start=monday,
        end_date=end,
        enrolled=sum(a.enrolled for a in members),
        activity_files=sum(o.activity_files for o in outputs),
        activities=sum(o.activities for o in outputs),
        running_activities=sum(o.running_activities for o in outputs),
        gps_points=sum(o.gps_points for o in outputs),
        strength_files=sum(o.strength_files for o in outputs) + len(sheets),
        strength_sessions=sum(o.strength_sessions for o in outputs),
        strength_sets=sum(o.strength_sets for o in outputs),
        injuries=sum(len(o.injuries) for o in outputs),
        running_related_injuries=sum(sum(i.running_related for i in o.injuries) for o in outputs),
        injury_reports=len(reports),
        assessment_sessions=sum(len(a.sessions) for a in assessed.values()),
        ostrc_responses=sum(len(o.ostrc) for o in outputs),
        checkin_weeks=sum(len(o.checkin_weeks) for o in outputs),
        checkin_documents=sum(o.checkin_documents for o in outputs),
        running_hours=round(sum(o.running_hours for o in outputs), 1),
        bytes_written=written + sum(o.bytes_written for o in outputs),
        bad_files=len(planted_bad),
    )
