"""Damaged real files: every parser returns valid rows or a ParseError with a reason, within 5 s a file."""

from __future__ import annotations

import contextlib
import io
import math
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from pipelines.activity.summarize import summarize
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.activity.strava_export import parse_strava_export
from pipelines.parsers.club.assessment_catalog import (
    AssessmentCatalog,
    default_assessment_tests_yaml,
)
from pipelines.parsers.club.assessments import parse_assessments
from pipelines.parsers.club.exercise_catalog import ExerciseCatalog, default_catalog_yaml
from pipelines.parsers.club.files import (
    parse_enrolments,
    parse_injuries,
    parse_ostrc,
    parse_programs,
    parse_roster,
)
from pipelines.parsers.club.programs import default_programs_yaml
from pipelines.parsers.schemas import SAMPLE_SCHEMA, ParsedActivity, ParseError, RowError
from pipelines.parsers.strength.sets import STRENGTH_SET_SCHEMA, parse_strength_csv
from pipelines.settings import SPORTS
from tests.garmin_exports import PART1
from tests.robustness.fuzzing import (
    FUZZ,
    SECONDS_PER_FILE,
    Damaged,
    RealFiles,
    damaged_activity_file,
    damaged_bytes,
    damaged_csv,
    time_limit,
)

ATHLETE = "r001"
CATALOG = ExerciseCatalog.default()
ASSESSMENTS = AssessmentCatalog.default()
# The club-file examples of docs/CLUB_FILES.md, as a coach would type them.
CLUB_EXAMPLES = {
    "roster.csv": b"athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,"
    b"training_group\nr001,Alex Morgan,F,1988,kg,Europe/London,52,186,Tuesday intervals\n"
    b"r002,Sam Lee,M,1990,lb,,48,190,\n",
    "enrolments.csv": b"athlete_id,program_id,start_date,end_date\nr001,glute_12wk,2026-01-05,\n"
    b"r002,glute_12wk,2026-02-02,2026-04-26\n",
    "injuries.csv": b"athlete_id,onset_date,body_region,side,description,modified_days,"
    b"stopped_days,consulted_professional\nr001,2026-03-14,knee,left,Pain below kneecap on "
    b"descents,10,3,yes\n",
    "ostrc.csv": b"athlete_id,week_start,q1,q2,q3,q4\nr001,2026-03-16,1,2,1,2\n"
    b"r002,2026-03-16,Full participation without health problems,No reduction,No effect,"
    b"No symptoms\n",
    "assessments.csv": b"athlete_id,assessed_on,assessor,body_mass_kg,test,measure,side,trial,value\n"
    b"r001,2026-03-02,Sam (physio),62.5,hip_abduction_hhd,force_n,left,1,182\n"
    b"r001,2026-03-02,Sam (physio),62.5,hip_abduction_hhd,lever_arm_m,left,,0.8\n"
    b"r001,2026-03-02,Sam (physio),62.5,hip_abduction_hhd,mode,left,,break\n"
    b"r001,2026-03-02,Sam (physio),62.5,hip_abduction_hhd,position,left,,side_lying\n"
    b"r002,2026-03-02,Sam (physio),70,single_leg_squat,knee,right,,fair\n",
}
ROSTER_IDS = {"r001", "r002"}


def _files(realdata: Path, *patterns: str) -> RealFiles:
    return RealFiles(
        (p.name, p.read_bytes())
        for pattern in patterns
        for p in sorted(realdata.glob(pattern))
        if not p.name.endswith(".records.csv")
    )


@pytest.fixture(scope="module")
def activity_files(realdata: Path) -> RealFiles:
    return _files(realdata, "gpx/*", "tcx/*", "fit/*")


@pytest.fixture(scope="module")
def strength_files(realdata: Path) -> RealFiles:
    return _files(realdata, "strength/*.csv")


@pytest.fixture(scope="module")
def strava_members(realdata: Path) -> RealFiles:
    folder = realdata / "strava_export"
    return RealFiles(
        (f"export_1/{p.relative_to(folder)}", p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )


@pytest.fixture(scope="module")
def garmin_uploads(realdata: Path) -> RealFiles:
    """Originals as Garmin's export keeps them, in a zip inside the export."""
    return RealFiles(
        {
            "runner_1.fit": (realdata / "fit/garmin-venusq_run_hr_landal-park.fit").read_bytes(),
            "runner_2.gpx": (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes(),
        }
    )


@pytest.fixture(scope="module")
def garmin_export(garmin_uploads: RealFiles) -> bytes:
    """The export around them, built once: the inner zip's times, compressed, change its length."""
    return zipped({PART1: zipped(garmin_uploads)})


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def assert_refused_with_reason(error: ParseError) -> None:
    assert error.reason.strip(), "a ParseError must say what is wrong"
    event("refused with a ParseError")


def assert_valid_activities(activities: list[ParsedActivity]) -> None:
    """What the pipeline relies on: known formats and sports, the sample schema, a usable summary."""
    event(f"{min(len(activities), 2)} activities")
    for activity in activities:
        assert activity.source_format in ("gpx", "tcx", "fit")
        assert activity.sport is None or activity.sport in SPORTS  # None: summarize infers it
        assert activity.samples.schema == pl.Schema(SAMPLE_SCHEMA)
        try:
            summary, _ = summarize(activity, "Europe/Berlin", hr_rest=50, hr_max=190, sex="F")
        except ParseError as error:  # the pipeline records this file as rejected, with the reason
            assert_refused_with_reason(error)
            continue
        assert summary["sport"] in SPORTS
        for key in ("distance_m", "elapsed_s", "timer_s", "moving_s"):
            assert math.isfinite(summary[key]) and summary[key] >= 0, (key, summary[key])
        assert summary["elapsed_s"] >= summary["timer_s"] >= summary["moving_s"]


def assert_valid_rows(errors: list[RowError]) -> None:
    for error in errors:
        assert error.reason.strip()
        assert error.row_number is None or error.row_number >= 2


@pytest.fixture(scope="module")
def parsed_once(activity_files: RealFiles) -> RealFiles:
    """The activity files, each parsed once untimed: the 5 s limit is for parsing a damaged file,
    not for a worker process's first imports and caches (on a loaded CI machine a first file once
    took more than 5 s, and the same file at once again well under it)."""
    for name, content in activity_files.items():
        with contextlib.suppress(ParseError):
            parse_activity_file(name, content)
    return activity_files


@FUZZ
@given(data=st.data())
def test_damaged_activity_files_give_activities_or_a_reason(
    parsed_once: RealFiles, data: st.DataObject
) -> None:
    damaged = data.draw(damaged_activity_file(parsed_once))
    try:
        with time_limit(SECONDS_PER_FILE, repr(damaged)):
            activities = parse_activity_file(damaged.name, damaged.data)
            assert_valid_activities(activities)
    except ParseError as error:
        assert_refused_with_reason(error)


@FUZZ
@given(data=st.data())
def test_damaged_strava_exports_give_activities_or_a_reason(
    strava_members: RealFiles, data: st.DataObject
) -> None:
    if data.draw(st.booleans(), label="damage a file inside the zip"):
        member = data.draw(damaged_bytes(strava_members))
        content = zipped(strava_members | {member.name: member.data})
    else:
        member = data.draw(damaged_bytes(RealFiles(export=zipped(strava_members))))
        content = member.data
    assert_export_gives_activities_or_a_reason(content, member)


@FUZZ
@given(data=st.data())
def test_damaged_garmin_exports_give_activities_or_a_reason(
    garmin_uploads: RealFiles, garmin_export: bytes, data: st.DataObject
) -> None:
    where = data.draw(st.sampled_from(["a file in the inner zip", "the inner zip", "the export"]))
    if where == "a file in the inner zip":
        member = data.draw(damaged_bytes(garmin_uploads))
        content = zipped({PART1: zipped(garmin_uploads | {member.name: member.data})})
    elif where == "the inner zip":
        member = data.draw(damaged_bytes(RealFiles({PART1: zipped(garmin_uploads)})))
        content = zipped({PART1: member.data})
    else:
        member = data.draw(damaged_bytes(RealFiles(export=garmin_export)))
        content = member.data
    assert_export_gives_activities_or_a_reason(content, member)


def assert_export_gives_activities_or_a_reason(content: bytes, member: Damaged) -> None:
    """An export read from damaged bytes gives valid activities and reasons, or is refused."""
    try:
        with time_limit(SECONDS_PER_FILE, repr(member)):
            _, found, problems = parse_strava_export(content)
            assert_valid_activities([activity for _, activity in found])
        for _, problem in problems:
            assert_refused_with_reason(problem)
    except ParseError as error:
        assert_refused_with_reason(error)


@FUZZ
@given(data=st.data())
def test_damaged_strength_logs_give_sets_or_a_reason(
    strength_files: RealFiles, data: st.DataObject
) -> None:
    damaged = data.draw(damaged_csv(strength_files))
    try:
        with time_limit(SECONDS_PER_FILE, repr(damaged)):
            parsed = parse_strength_csv(
                damaged.data,
                athlete_id=ATHLETE,
                weight_unit="kg",
                time_zone="Europe/Berlin",
                catalog=CATALOG,
                roster_ids={ATHLETE},
            )
    except ParseError as error:
        assert_refused_with_reason(error)
        return
    assert parsed.sets.schema == pl.Schema(STRENGTH_SET_SCHEMA)
    assert parsed.sets["athlete_id"].drop_nulls().unique().to_list() in ([], [ATHLETE])
    assert 0.0 <= parsed.mapped_share <= 1.0
    assert_valid_rows(parsed.rejected)


@FUZZ
@given(data=st.data())
def test_damaged_club_files_give_rows_or_a_reason(data: st.DataObject) -> None:
    damaged = data.draw(damaged_csv(RealFiles(CLUB_EXAMPLES)))
    parsers = {
        "roster.csv": lambda d: parse_roster(d, club_time_zone="Europe/London"),
        "enrolments.csv": lambda d: parse_enrolments(d, {"glute_12wk"}, ROSTER_IDS),
        "injuries.csv": lambda d: parse_injuries(d, ROSTER_IDS),
        "ostrc.csv": lambda d: parse_ostrc(d, ROSTER_IDS),
        "assessments.csv": lambda d: parse_assessments(d, ROSTER_IDS, ASSESSMENTS)[1:],
    }
    try:
        with time_limit(SECONDS_PER_FILE, repr(damaged)):
            frame, errors = parsers[damaged.name](damaged.data)
    except ParseError as error:
        assert_refused_with_reason(error)
        return
    assert isinstance(frame, pl.DataFrame)
    assert_valid_rows(errors)


@FUZZ
@given(data=st.data())
def test_damaged_club_yaml_gives_a_program_or_a_reason(data: st.DataObject) -> None:
    defaults = {
        "exercises.yaml": default_catalog_yaml(),
        "programs.yaml": default_programs_yaml(),
        "assessment_tests.yaml": default_assessment_tests_yaml(),
    }
    damaged = data.draw(damaged_bytes(RealFiles(defaults)))
    try:
        with time_limit(SECONDS_PER_FILE, repr(damaged)):
            if damaged.name == "exercises.yaml":
                assert ExerciseCatalog.load(damaged.data).to_frame().height > 0
            elif damaged.name == "assessment_tests.yaml":
                assert AssessmentCatalog.load(damaged.data).to_frame().height > 0
            else:
                programs, phases, _ = parse_programs(damaged.data, CATALOG.categories)
                assert programs.height > 0 and phases.height >= programs.height
    except ParseError as error:
        assert_refused_with_reason(error)


# What fuzzing found, kept as plain regression tests.


def test_an_impossible_position_in_a_damaged_file_is_dropped_not_fatal(realdata: Path) -> None:
    run = (realdata / "gpx/garmin-connect_run_hr.gpx").read_text()
    first = run.index(' lat="') + len(' lat="')  # the first trackpoint's latitude
    damaged = run[:first] + "133.597" + run[run.index('"', first) :]
    (activity,) = parse_activity_file("run.gpx", damaged.encode())
    summary, samples = summarize(activity, "Europe/Berlin")
    assert samples["lat"].drop_nulls().len() == 205  # MANIFEST: 206 points, one now off the globe
    assert summary["time_zone_source"] == "gps"


def test_a_strength_log_with_old_mac_line_ends_loads_every_set(realdata: Path) -> None:
    log = (realdata / "strength/strong_2021_en_no-unit-column.csv").read_bytes()
    parsed = parse_strength_csv(
        log.replace(b"\n", b"\r"),
        athlete_id=ATHLETE,
        weight_unit="kg",
        time_zone="Europe/Berlin",
        catalog=CATALOG,
        roster_ids={ATHLETE},
    )
    assert parsed.sets.height == 2078  # MANIFEST: 2078 records


def test_a_header_naming_a_column_twice_is_a_reason_not_a_crash() -> None:
    with pytest.raises(ParseError, match="the column 'reps' more than once"):
        parse_roster(b'athlete_id,reps, "reps"\nr001,1,2\n')
