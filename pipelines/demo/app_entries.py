"""The demo members' app entries ("forms are files"): the last weeks' OSTRC-O2 check-ins and a few
injury reports, one JSON document each in inbox/<athlete_id>/forms/, as the app writes them
(pipelines/parsers/forms). Weeks before the app are the coach's club/ostrc.csv, as before.

Everything is drawn from the demo's seeded generators and dates: an entry_id is a hash of the seed,
the athlete and what the entry is, entered_at a local time in the days after the recall week.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np

from pipelines.demo.ostrc_injuries import LOWER_LIMB_SITES, SITE_WEIGHTS, Injury
from pipelines.parsers.club.ostrc_areas import (
    LOWER_LIMB_CODES,
    default_ostrc_areas_yaml,
    parse_ostrc_areas,
)
from pipelines.parsers.forms.documents import FORM_VERSION
from pipelines.parsers.forms.entries import CHECKIN, REPORT
from pipelines.settings import ENTRY_SUFFIX

APP_CHECKIN_WEEKS = 4  # the last weeks up to the end date arrive as app check-ins
INSTRUMENT_VERSION = "2.0"  # the app asks OSTRC-O2
DRIFT_CHANCE = 0.15  # a member who stops answering partway through the app weeks
CORRECTION_CHANCE = 0.06  # a member who corrects one week's check-in with a second entry
INJURY_REPORTS = 3  # planted injuries of the app weeks reported in the app, at most
REPORT_MIN_AGE_DAYS = 14  # a reported running-related injury is this old at the end date
# When a member answers, counted from the recall week's Monday: (day, share, earliest, latest
# local minute). The check-in opens on Sunday; it is on time to Monday + 6 + 3 grace days.
ENTRY_DAYS = (
    ((6,), 0.45, 18 * 60, 22 * 60 + 30),  # Sunday evening
    ((7,), 0.30, 7 * 60, 21 * 60 + 30),  # Monday
    ((8, 9), 0.13, 7 * 60, 22 * 60),  # Tuesday, Wednesday
    ((10, 11, 12, 13), 0.12, 7 * 60, 22 * 60),  # late
)
# The demo's injury sites -> OSTRC areas (club_defaults/ostrc_areas.yaml); "other" has none.
SITE_AREAS = {
    "knee": "knee",
    "achilles": "lower_leg",
    "calf": "lower_leg",
    "shin": "lower_leg",
    "lower_leg": "lower_leg",
    "foot": "ankle_foot",
    "ankle": "ankle_foot",
    "hip": "hip_groin",
    "groin": "hip_groin",
    "hamstring": "thigh",
    "thigh": "thigh",
    "lower_back": "lower_back",
}
SUDDEN_SITES = {"ankle", "calf", "hamstring"}
NO_PROBLEM = {"q1": 0, "q2": None, "q3": None, "q4": None}


@cache
def area_codes() -> tuple[str, ...]:
    """The shipped OSTRC areas, in the file's order (the order the app asks them in)."""
    return tuple(parse_ostrc_areas(default_ostrc_areas_yaml())["area"].to_list())


def app_first_week(weeks: int) -> int:
    """The first week index answered in the app."""
    return max(0, weeks - APP_CHECKIN_WEEKS)


def entry_id(seed: int, athlete_id: str, what: str) -> str:
    """32 lowercase hex digits, the same for the same seed, athlete and entry."""
    key = f"strongstride-demo|{seed}|{athlete_id}|{what}".encode()
    return hashlib.blake2b(key, digest_size=16).hexdigest()


def document_name(form: str, entered_at: datetime, entry: str) -> str:
    """`<form>-<YYYYmmddTHHMMSSZ>-<first 8 of entry_id>.json`, the app's file name."""
    utc = entered_at.astimezone(ZoneInfo("UTC"))
    return f"{form}-{utc:%Y%m%dT%H%M%SZ}-{entry[:8]}{ENTRY_SUFFIX}"


def document_bytes(document: dict[str, object]) -> bytes:
    """The entry as the app writes it: one line of UTF-8 JSON."""
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")


def _envelope(form: str, entry: str, entered_at: datetime, athlete_id: str) -> dict[str, object]:
    return {
        "form": form,
        "form_version": FORM_VERSION,
        "entry_id": entry,
        "entered_at": entered_at.isoformat(timespec="seconds"),
        "entered_by": athlete_id,  # a member's username is their athlete_id (demo/accounts.py)
        "entered_role": "member",
    }


def local_time(day: date, minute: int, second: int, zone: ZoneInfo) -> datetime:
    """The local time `minute` minutes and `second` seconds into `day`."""
    return datetime.combine(day, time(minute // 60, minute % 60, second), tzinfo=zone)


def _closing(end: date, zone: ZoneInfo) -> datetime:
    """The demo's "now": the end of its end date (the Monday after the last week), local time."""
    return local_time(end, 23 * 60 + 59, 59, zone)


def _entry_time(rng: np.random.Generator, week_start: date, zone: ZoneInfo) -> datetime:
    """When a member answers the check-in for this week: mostly Sunday evening or Monday."""
    slot = ENTRY_DAYS[int(rng.choice(len(ENTRY_DAYS), p=[s for _, s, _, _ in ENTRY_DAYS]))]
    days, _, earliest, latest = slot
    day = week_start + timedelta(days=int(rng.choice(days)))
    return local_time(day, int(rng.integers(earliest, latest)), int(rng.integers(60)), zone)


def _week_answers(legacy: tuple[int, int, int, int], area: str) -> dict[str, dict[str, int | None]]:
    """OSTRC-O2 answers per area from the demo's week answer (2013 codes), its problem in `area`.

    2.0 has no fifth option for Q2/Q3 ("cannot participate at all"): it becomes the major extent.
    Q1's first and last options end the area (Q2-Q4 null)."""
    q1, q2, q3, q4 = legacy
    answers: dict[str, dict[str, int | None]] = {code: dict(NO_PROBLEM) for code in area_codes()}
    if q1 == 3:
        answers[area] = {"q1": 3, "q2": None, "q3": None, "q4": None}
    elif q1 in (1, 2):
        answers[area] = {"q1": q1, "q2": min(q2, 3), "q3": min(q3, 3), "q4": q4}
    return answers


def _random_area(rng: np.random.Generator) -> str:
    """A background complaint's area: the injury sites' mix, now and then the lower back."""
    if rng.random() < 0.1:
        return "lower_back"
    site = str(rng.choice(list(LOWER_LIMB_SITES), p=SITE_WEIGHTS / SITE_WEIGHTS.sum()))
    return SITE_AREAS[site]


def problem_area(
    rng: np.random.Generator, week: int, injuries: list[Injury], onset_days: list[int]
) -> str:
    """The area a week's problem is in: the site of the planted injury around that week (from the
    week before onset to the week after recovery), else a background complaint's."""
    first, last = 7 * week, 7 * week + 6
    near = [
        (day, injury)
        for day, injury in zip(onset_days, injuries, strict=True)
        if day - 7 <= last
        and day + 1 + injury.stopped_days + injury.modified_days + 7 >= first
        and injury.body_region in SITE_AREAS
    ]
    if not near:
        return _random_area(rng)
    started = [pair for pair in near if pair[0] <= last]
    _, injury = max(started, key=_onset_day) if started else min(near, key=_onset_day)
    return SITE_AREAS[injury.body_region]


def _onset_day(pair: tuple[int, Injury]) -> int:
    return pair[0]


@dataclass(frozen=True)
class AppCheckins:
    """One member's app check-in documents (file name -> bytes) and what they hold."""

    documents: dict[str, bytes]
    weeks: list[date]  # the weeks answered in the app
    corrections: int


def checkin_documents(
    rng: np.random.Generator,
    seed: int,
    athlete_id: str,
    time_zone: str,
    answered: list[tuple[int, tuple[int, int, int, int]]],
    injuries: list[Injury],
    onset_days: list[int],
    monday: date,
    weeks: int,
) -> AppCheckins:
    """The member's check-ins of the app weeks, from the demo's week answers (`answered`).

    A few members drift off and stop answering in the app weeks; an answer the member would give
    after the demo's end date is not there yet. A few correct one week: a first entry, then a
    second one that supersedes it."""
    zone = ZoneInfo(time_zone)
    end = monday + timedelta(days=7 * weeks)
    start = app_first_week(weeks)
    drifts = rng.random() < DRIFT_CHANCE and weeks - start > 1
    stop = int(rng.integers(start + 1, weeks)) if drifts else weeks  # the first week not answered
    corrects = rng.random() < CORRECTION_CHANCE
    entries = []
    for week, legacy in answered:
        if week < start:
            continue
        area = problem_area(rng, week, injuries, onset_days)
        week_start = monday + timedelta(days=7 * week)
        entered_at = _entry_time(rng, week_start, zone)
        if week >= stop or entered_at > _closing(end, zone):
            continue
        entries.append((week_start, _week_answers(legacy, area), entered_at))
    documents: dict[str, bytes] = {}
    corrected = int(rng.integers(len(entries))) if corrects and entries else None
    corrections = 0
    for i, (week_start, answers, entered_at) in enumerate(entries):
        final_at, supersedes = entered_at, None
        if i == corrected:
            final_at = entered_at + timedelta(minutes=int(rng.integers(20, 48 * 60)))
            if final_at <= _closing(end, zone):
                first = entry_id(seed, athlete_id, f"{CHECKIN}|{week_start}|first")
                documents[document_name(CHECKIN, entered_at, first)] = _checkin(
                    first, entered_at, athlete_id, week_start, _mistaken(rng, answers), None
                )
                supersedes, corrections = first, 1
            else:
                final_at = entered_at
        entry = entry_id(seed, athlete_id, f"{CHECKIN}|{week_start}")
        documents[document_name(CHECKIN, final_at, entry)] = _checkin(
            entry, final_at, athlete_id, week_start, answers, supersedes
        )
    return AppCheckins(documents, [week_start for week_start, _, _ in entries], corrections)


def _mistaken(
    rng: np.random.Generator, answers: dict[str, dict[str, int | None]]
) -> dict[str, dict[str, int | None]]:
    """What the member first sent before correcting it: "no problems" when they had one, else a
    mild problem tapped by mistake."""
    if any(a["q1"] for a in answers.values()):
        return {code: dict(NO_PROBLEM) for code in answers}
    wrong = {code: dict(NO_PROBLEM) for code in answers}
    wrong[area_codes()[int(rng.integers(len(area_codes())))]] = {
        "q1": 1,
        "q2": 0,
        "q3": 0,
        "q4": 1,
    }
    return wrong


def _checkin(
    entry: str,
    entered_at: datetime,
    athlete_id: str,
    week_start: date,
    answers: dict[str, dict[str, int | None]],
    supersedes: str | None,
) -> bytes:
    return document_bytes(
        _envelope(CHECKIN, entry, entered_at, athlete_id)
        | {
            "week_start": week_start.isoformat(),
            "instrument_version": INSTRUMENT_VERSION,
            "answers": answers,
            "supersedes": supersedes,
        }
    )


def reportable(injury: Injury, end: date) -> bool:
    """An injury the pipeline classifies from an app report as it was planted.

    Without a coach's classification a report counts from onset to the data date, stopped 1 day
    when the member could not run, nobody consulted: a lower-limb injury old enough is
    running-related, as planted; a lower-back complaint never is; a lower-limb niggle might be."""
    area = SITE_AREAS.get(injury.body_region)
    if area is None:
        return False
    if area in LOWER_LIMB_CODES:
        return injury.running_related and injury.onset <= end - timedelta(days=REPORT_MIN_AGE_DAYS)
    return not injury.running_related


def report_document(
    rng: np.random.Generator,
    seed: int,
    athlete_id: str,
    time_zone: str,
    injury: Injury,
    end: date,
) -> tuple[str, bytes]:
    """A member's injury report, sent on the day of onset or a few days later."""
    zone = ZoneInfo(time_zone)
    day = min(injury.onset + timedelta(days=int(rng.integers(0, 4))), end)
    entered_at = local_time(day, int(rng.integers(12 * 60, 22 * 60)), int(rng.integers(60)), zone)
    entry = entry_id(seed, athlete_id, f"{REPORT}|{injury.onset}|{injury.body_region}")
    document = _envelope(REPORT, entry, entered_at, athlete_id) | {
        "onset_date": injury.onset.isoformat(),
        "area": SITE_AREAS[injury.body_region],
        "side": injury.side,
        "onset": "sudden" if injury.body_region in SUDDEN_SITES else "gradual",
        "description": injury.description,
        "can_run": injury.stopped_days == 0,
    }
    return document_name(REPORT, entered_at, entry), document_bytes(document)
