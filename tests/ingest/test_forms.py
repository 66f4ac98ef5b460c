"""App entries through the real pipeline: a check-in and its correction, reports, a classification,
and every kind of bad entry recorded with its reason while the rest of the run loads."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.settings import Settings, load_settings
from tests.conftest import run_ingest

ROSTER = b"athlete_id,display_name,time_zone\na001,Alex,Europe/London\na002,Sam,Europe/London\n"
WEEK = "2026-11-23"  # its deadline: Sunday 29 Nov + 3 days = Wednesday 2 Dec (Europe/London)
OLD_WEEK = "2026-11-16"


def entry_id(n: int) -> str:
    return f"{n:032x}"


def doc(form: str, n: int, entered_at: str, role: str = "member", **fields) -> bytes:
    return json.dumps(
        {
            "form": form,
            "form_version": 1,
            "entry_id": entry_id(n),
            "entered_at": entered_at,
            "entered_by": "coach" if role == "coach" else "alex",
            "entered_role": role,
            **fields,
        }
    ).encode()


def checkin(n: int, entered_at: str, knee: dict, supersedes: str | None = None) -> bytes:
    others = {a: {"q1": 0} for a in ("hip_groin", "thigh", "lower_leg", "ankle_foot", "lower_back")}
    return doc(
        "ostrc_checkin",
        n,
        entered_at,
        week_start=WEEK,
        instrument_version="2.0",
        answers={"knee": knee, **others},
        supersedes=supersedes,
    )


REPORT = {
    "onset_date": "2026-11-20",
    "area": "knee",
    "side": "left",
    "onset": "gradual",
    "description": "Outside of knee aches after 5 km",
    "can_run": False,
}


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings(tmp_path_factory.mktemp("forms_club"))
    settings.club.mkdir(parents=True)
    (settings.club / "roster.csv").write_bytes(ROSTER)
    # an earlier week from the club's sheet, and the entry week answered there too: the app wins
    (settings.club / "ostrc.csv").write_bytes(
        b"athlete_id,week_start,area,instrument_version,q1,q2,q3,q4\n"
        + f"a001,{OLD_WEEK},knee,2.0,1,1,0,1\n".encode()
        + f"a001,{WEEK},knee,2.0,0,,,\n".encode()
    )
    forms = settings.member_forms("a001")
    forms.mkdir(parents=True)
    files = {
        "ostrc_checkin-1.json": checkin(
            1, "2026-11-29T19:00:00+00:00", {"q1": 1, "q2": 0, "q3": 1, "q4": 1}
        ),
        # the correction, after the deadline: it supersedes, both are kept, it counts and is late
        "ostrc_checkin-2.json": checkin(
            2, "2026-12-03T08:00:00+00:00", {"q1": 2, "q2": 2, "q3": 1, "q4": 2}, entry_id(1)
        ),
        "injury_report-3.json": doc("injury_report", 3, "2026-11-29T19:01:00+00:00", **REPORT),
        "broken.json": b'{"form": "ostrc_checkin", ',
        "huge.json": b" " * (65 * 1024),
        "someone_else.json": doc(
            "injury_report", 4, "2026-11-29T19:02:00+00:00", athlete_id="a002", **REPORT
        ),
    }
    for name, content in files.items():
        (forms / name).write_bytes(content)
    stranger = settings.member_forms("a999")
    stranger.mkdir(parents=True)
    (stranger / "ostrc_checkin-5.json").write_bytes(
        checkin(5, "2026-11-29T19:00:00+00:00", {"q1": 0})
    )
    settings.records.mkdir(parents=True)
    (settings.records / "problem_classification-6.json").write_bytes(
        doc(
            "problem_classification",
            6,
            "2026-12-01T10:00:00+00:00",
            role="coach",
            athlete_id="a001",
            problem_id=f"report:{entry_id(3)}",
            problem_type="injury",
            diagnosis="Iliotibial band syndrome",
            time_loss_days=4,
            consulted_professional=True,
            recurrence="new",
            resolved_date="2026-12-01",
        )
    )
    outcome = run_ingest(settings)
    assert outcome.success, outcome.blocked_reason
    return settings


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_the_latest_checkin_counts_and_both_are_kept(club: Settings) -> None:
    assert query(
        club,
        "select entry_id, superseded_by, late from mart_checkin_entries order by entered_at",
    ) == [(entry_id(1), entry_id(2), False), (entry_id(2), None, True)]
    # knee: Q1 2 + Q2 2 + Q3 1 + Q4 2 = 17 + 17 + 8 + 17; the club sheet's row for the week gives way
    assert query(
        club,
        "select source, severity, substantial_problem from int_ostrc_answers "
        "where week_start = '2026-11-23' and area = 'knee'",
    ) == [("app", 59, True)]
    assert query(
        club,
        "select week_start::varchar, source, late from mart_checkin_weeks order by week_start",
    ) == [(OLD_WEEK, "club file", False), (WEEK, "app", True)]


def test_bad_entries_are_recorded_with_their_reason_and_the_rest_loads(club: Settings) -> None:
    errors = dict(query(club, "select file_name, reason from ingest_errors"))
    assert "not readable JSON" in errors["broken.json"]
    assert "more than the 64 KB" in errors["huge.json"]
    assert "names athlete 'a002' but was written into 'a001'" in errors["someone_else.json"]
    assert "athlete 'a999' is not in club/roster.csv" in errors["ostrc_checkin-5.json"]
    assert len(errors) == 4
    assert query(club, "select count(*) from injury_reports") == [(1,)]


def test_the_classification_feeds_the_problems_and_the_injury_definitions(club: Settings) -> None:
    problems = query(
        club,
        "select problem_id, problem_type, needs_follow_up from mart_problems order by problem_id",
    )
    assert problems == [
        # the knee problem of the two answered weeks is one episode, from the first week, still
        # answered in the latest week of data and not classified: in the coach's queue
        (f"ostrc:knee:{OLD_WEEK}", None, True),
        (f"report:{entry_id(3)}", "injury", False),
    ]
    # onset 20 Nov, resolved 1 Dec: 11 days affected, 4 without running, 7 modified
    assert query(
        club,
        "select source, stopped_days, modified_days, running_related_injury, time_loss "
        "from mart_athlete_injuries",
    ) == [("app report", 4, 7, True, True)]


def test_a_second_run_on_the_same_entries_changes_nothing(club: Settings) -> None:
    tables = ("checkin_answers", "injury_reports", "problem_classifications", "ingest_errors")
    before = [query(club, f"select count(*) from {t}") for t in tables]  # noqa: S608
    assert run_ingest(club).success
    assert [query(club, f"select count(*) from {t}") for t in tables] == before  # noqa: S608
