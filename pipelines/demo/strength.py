"""The strength sessions a member logs: the glute program's phases when enrolled, casual gym otherwise.

Planted: every loaded exercise's estimated 1RM (Epley) rises linearly for 12 weeks from the enrolment
start (stopping early when the enrolment ends) by E1RM_GAIN_PER_12_WEEKS of its starting value,
linear in planted session adherence across assessments.ADHERENCE_SPAN, and holds after; members off
the program hold theirs. A session's first working set of an exercise is at the planted 1RM (before
the app rounds the load to its plates); later sets lose a rep now and then at the same load. Loads
of WARMUP_FROM_KG and up get WARMUP_SETS first, which the member's app marks as warm-ups (the club's
sheets list working sets only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipelines.demo.assessments import DAYS_PER_UNIT, planted_gain, trend_window
from pipelines.demo.club import Athlete

PHASES = (  # (name, program weeks, required categories, sets per week) as in programs.yaml
    (
        "activation",
        4,
        ("glute_med_min", "glute_max"),
        {"glute_med_min": 6, "glute_max": 6, "core_mobility": 2},
    ),
    (
        "strength",
        4,
        ("glute_max", "glute_med_min"),
        {"glute_max": 8, "glute_med_min": 6, "foot_ankle": 4},
    ),
    (
        "functional",
        4,
        ("single_leg", "glute_max"),
        {"single_leg": 8, "glute_max": 6, "foot_ankle": 4, "core_mobility": 2},
    ),
)
# Exercise names as Strong and Hevy spell them, per phase and category.
PHASE_MENU = {
    "activation": {
        "glute_med_min": ("Clamshell", "Side Lying Leg Raise"),
        "glute_max": ("Glute Bridge", "Hip Thrust (Barbell)"),
        "core_mobility": ("Plank",),
    },
    "strength": {
        "glute_max": ("Hip Thrust (Barbell)", "Romanian Deadlift (Dumbbell)"),
        "glute_med_min": ("Monster Walk", "Side Lying Leg Raise", "Clamshell"),
        "foot_ankle": ("Calf Raise",),
    },
    "functional": {
        "single_leg": ("Bulgarian Split Squat", "Single Leg Deadlift", "Step Up"),
        "glute_max": ("Hip Thrust (Barbell)", "Romanian Deadlift (Dumbbell)"),
        "foot_ankle": ("Calf Raise",),
        "core_mobility": ("Dead Bug", "Plank"),
    },
}
CASUAL_MENU = (
    "Squat (Barbell)",
    "Bench Press (Barbell)",
    "Lat Pulldown (Cable)",
    "Deadlift (Barbell)",
    "Glute Bridge",
    "Plank",
)
UNMAPPED = ("Zercher Good Morning Variation", "Banded Hip Airplane")
# Working load in kg for an average member; None = body weight (bands noted instead).
BASE_LOAD_KG = {
    "Hip Thrust (Barbell)": 50.0,
    "Romanian Deadlift (Dumbbell)": 14.0,
    "Bulgarian Split Squat": 10.0,
    "Single Leg Deadlift": 10.0,
    "Step Up": 8.0,
    "Squat (Barbell)": 55.0,
    "Bench Press (Barbell)": 40.0,
    "Lat Pulldown (Cable)": 40.0,
    "Deadlift (Barbell)": 75.0,
    "Zercher Good Morning Variation": 30.0,
}
E1RM_GAIN_PER_12_WEEKS = (0.04, 0.20)  # share of the starting 1RM, at adherence 0.30 -> 1.0
BASE_LOAD_REPS = 10  # BASE_LOAD_KG is a 10-rep working load
WORKING_REPS = (6, 11)  # loaded working sets: 6-10 reps, inside Epley's 1-10
WARMUP_FROM_KG = 20.0
WARMUP_SETS = ((0.5, 8), (0.75, 5))  # (share of the working load, reps)
# The loaded glute exercises whose planted 1RM trend truth.json lists.
TRACKED = ("Hip Thrust (Barbell)", "Romanian Deadlift (Dumbbell)")
BANDED = ("Clamshell", "Side Lying Leg Raise", "Monster Walk", "Banded Hip Airplane")
TIMED = ("Plank",)


@dataclass(frozen=True)
class LoggedSet:
    """One set as the member typed it."""

    exercise: str
    set_number: int  # 1-based within the exercise
    reps: int | None
    load_kg: float | None  # None = body weight
    seconds: int | None
    set_type: str = "normal"  # normal | warmup
    note: str = ""


@dataclass(frozen=True)
class StrengthSession:
    """One workout: when (local), how long, and its sets."""

    day: date
    minute_of_day: int
    second: int
    duration_min: int
    index_in_week: int
    program: bool
    counted: bool  # planted: has a set of every category the phase requires
    sets: tuple[LoggedSet, ...]


def phase_of(program_week: int) -> tuple[str, tuple[str, ...], dict[str, int]]:
    """The phase prescribed in program week 1, 2, ...; the last phase continues after week 12."""
    first = 1
    for name, length, required, sets in PHASES:
        if program_week < first + length:
            return name, required, sets
        first += length
    name, _, required, sets = PHASES[-1]
    return name, required, sets


def epley(load_kg: float, reps: int) -> float:
    """Estimated one-repetition maximum (Epley): load x (1 + reps / 30)."""
    return load_kg * (1.0 + reps / 30.0)


@dataclass(frozen=True)
class StrengthTrend:
    """A member's strength and the planted rise of every loaded exercise's 1RM."""

    strength: float  # multiplies BASE_LOAD_KG
    gain_per_12_weeks: float  # share of the starting 1RM
    start: date | None  # None: not on the program
    end: date | None

    def progress(self, day: date) -> float:
        """The planted 1RM on `day` as a multiple of the starting one."""
        if self.start is None or self.end is None:
            return 1.0
        days = min(max((day - self.start).days, 0), (self.end - self.start).days)
        return 1.0 + self.gain_per_12_weeks * days / DAYS_PER_UNIT

    def start_e1rm_kg(self, exercise: str) -> float:
        return epley(BASE_LOAD_KG[exercise] * self.strength, BASE_LOAD_REPS)

    def truth(self) -> dict[str, object]:
        """The planted strength trend as truth.json records it."""
        return {
            "strength_trend_start": None if self.start is None else str(self.start),
            "strength_trend_end": None if self.end is None else str(self.end),
            "planted_e1rm_gain_pct_per_12_weeks": round(100.0 * self.gain_per_12_weeks, 4),
            "planted_e1rm": {
                exercise: {
                    "e1rm_kg_at_start": round(self.start_e1rm_kg(exercise), 4),
                    "gain_kg_per_week": round(
                        self.start_e1rm_kg(exercise) * self.gain_per_12_weeks * 7 / DAYS_PER_UNIT, 4
                    ),
                }
                for exercise in TRACKED
            },
        }


def _loaded_sets(rng, exercise: str, count: int, e1rm_kg: float) -> list[LoggedSet]:
    """Warm-ups when heavy, then `count` working sets at the load whose first set meets `e1rm_kg`."""
    reps = int(rng.integers(*WORKING_REPS))
    load = e1rm_kg / (1.0 + reps / 30.0)
    sets = []
    if load >= WARMUP_FROM_KG:
        sets = [
            LoggedSet(exercise, 0, warm_reps, share * load, None, "warmup")
            for share, warm_reps in WARMUP_SETS
        ]
    for k in range(count):
        sets.append(LoggedSet(exercise, k + 1, reps, load, None))
        reps = max(1, reps - int(rng.random() < 0.3))
    return sets


def _sets_for(rng, exercise: str, count: int, trend: StrengthTrend, day: date) -> list[LoggedSet]:
    """`count` working sets of one exercise with believable reps and loads (and warm-ups)."""
    if exercise in TIMED:
        seconds = int(rng.integers(3, 7)) * 10
        return [LoggedSet(exercise, k + 1, None, None, seconds) for k in range(count)]
    if exercise in BASE_LOAD_KG:
        e1rm = trend.start_e1rm_kg(exercise) * trend.progress(day)
        return _loaded_sets(rng, exercise, count, e1rm)
    note = "red band" if exercise in BANDED else ""
    return [
        LoggedSet(exercise, k + 1, int(rng.integers(12, 21)), None, None, note=note)
        for k in range(count)
    ]


def _program_sets(
    rng, athlete: Athlete, program_week: int, complete: bool, trend: StrengthTrend, day: date
):
    """A program session's sets: every required category when complete, else only accessories."""
    phase, required, per_week = phase_of(program_week)
    sets: list[LoggedSet] = []
    for category, weekly in per_week.items():
        optional = category not in required
        if (not complete and not optional) or (
            optional and athlete.band == "low" and rng.random() < 0.4
        ):
            continue
        menu = PHASE_MENU[phase][category]
        exercise = menu[int(rng.integers(len(menu)))]
        sets += _sets_for(rng, exercise, -(-weekly // 2), trend, day)
    if not sets:  # an abandoned session still logs something
        sets = _sets_for(rng, "Plank", 2, trend, day)
    if athlete.logs_unmapped and rng.random() < 0.3:
        sets += _sets_for(rng, UNMAPPED[int(rng.integers(len(UNMAPPED)))], 2, trend, day)
    return tuple(sets)


def _casual_sets(rng, trend: StrengthTrend, day: date) -> tuple[LoggedSet, ...]:
    picks = rng.choice(len(CASUAL_MENU), size=3, replace=False)
    return tuple(s for i in sorted(picks) for s in _sets_for(rng, CASUAL_MENU[i], 3, trend, day))


def strength_trend(
    athlete: Athlete, monday: date, weeks: int, rng: np.random.Generator
) -> StrengthTrend:
    """The member's strength and planted 1RM trend (flat off the program)."""
    strength = rng.uniform(0.7, 1.3) * (1.15 if athlete.sex == "M" else 0.9)
    adherence = athlete.adherence
    start, end = trend_window(athlete, monday, weeks)
    gain = 0.0 if adherence is None else planted_gain(adherence, E1RM_GAIN_PER_12_WEEKS)
    return StrengthTrend(float(strength), gain, start, end)


def plan_strength(
    athlete: Athlete, monday: date, weeks: int, trend: StrengthTrend, rng: np.random.Generator
) -> list[StrengthSession]:
    """Every strength session the athlete logs over the generated weeks, in time order."""
    if athlete.strength_channel is None:
        return []
    days = (0, 3) if rng.random() < 0.5 else (1, 4)
    start_minute = 6 * 60 + 30 if athlete.runs_in_morning else 18 * 60
    sessions = []

    def add(day: date, index: int, program: bool, counted: bool, sets) -> None:
        minute = start_minute + int(rng.integers(0, 120)) + (60 if athlete.runs_in_morning else 0)
        sessions.append(
            StrengthSession(
                day,
                minute,
                int(rng.integers(60)),
                int(rng.integers(30, 56)),
                index,
                program,
                counted,
                sets,
            )
        )

    for week in range(weeks):
        week_monday = monday + timedelta(days=7 * week)
        if athlete.enrolled_in(week):
            program_week = week - athlete.enrolment_start + 1
            for index in range(int(athlete.counted_sessions[week])):
                day = week_monday + timedelta(days=days[index])
                sets = _program_sets(rng, athlete, program_week, True, trend, day)
                add(day, index, True, True, sets)
            if rng.random() < 0.08:  # started a session, skipped the main lifts
                day = week_monday + timedelta(days=5)
                add(
                    day,
                    2,
                    True,
                    False,
                    _program_sets(rng, athlete, program_week, False, trend, day),
                )
        elif (athlete.lifts_casually or athlete.enrolled) and rng.random() < (
            0.3 if athlete.lifts_casually else 0.12
        ):
            day = week_monday + timedelta(days=days[1])
            add(day, 0, False, False, _casual_sets(rng, trend, day))
    return sessions
