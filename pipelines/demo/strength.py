"""The strength sessions a member logs: the glute program's phases when enrolled, casual gym otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

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
    set_type: str = "normal"
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


def _sets_for(rng, exercise: str, count: int, strength: float, progress: float) -> list[LoggedSet]:
    """`count` sets of one exercise with believable reps and loads."""
    if exercise in TIMED:
        seconds = int(rng.integers(3, 7)) * 10
        return [LoggedSet(exercise, k + 1, None, None, seconds) for k in range(count)]
    base = BASE_LOAD_KG.get(exercise)
    note = "red band" if exercise in BANDED else ""
    sets = []
    for k in range(count):
        if base is None:
            sets.append(
                LoggedSet(exercise, k + 1, int(rng.integers(12, 21)), None, None, note=note)
            )
        else:
            load = base * strength * progress
            sets.append(LoggedSet(exercise, k + 1, int(rng.integers(8, 13)), load, None))
    return sets


def _program_sets(rng, athlete: Athlete, program_week: int, complete: bool, strength: float):
    """A program session's sets: every required category when complete, else only accessories."""
    phase, required, per_week = phase_of(program_week)
    progress = 1.0 + 0.025 * min(program_week, 16)
    sets: list[LoggedSet] = []
    for category, weekly in per_week.items():
        optional = category not in required
        if (not complete and not optional) or (
            optional and athlete.band == "low" and rng.random() < 0.4
        ):
            continue
        menu = PHASE_MENU[phase][category]
        exercise = menu[int(rng.integers(len(menu)))]
        sets += _sets_for(rng, exercise, -(-weekly // 2), strength, progress)
    if not sets:  # an abandoned session still logs something
        sets = _sets_for(rng, "Plank", 2, strength, progress)
    if athlete.logs_unmapped and rng.random() < 0.3:
        sets += _sets_for(rng, UNMAPPED[int(rng.integers(len(UNMAPPED)))], 2, strength, progress)
    return tuple(sets)


def _casual_sets(rng, strength: float) -> tuple[LoggedSet, ...]:
    picks = rng.choice(len(CASUAL_MENU), size=3, replace=False)
    return tuple(s for i in sorted(picks) for s in _sets_for(rng, CASUAL_MENU[i], 3, strength, 1.0))


def plan_strength(
    athlete: Athlete, monday: date, weeks: int, rng: np.random.Generator
) -> list[StrengthSession]:
    """Every strength session the athlete logs over the generated weeks, in time order."""
    if athlete.strength_channel is None:
        return []
    strength = rng.uniform(0.7, 1.3) * (1.15 if athlete.sex == "M" else 0.9)
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
                add(
                    week_monday + timedelta(days=days[index]),
                    index,
                    True,
                    True,
                    _program_sets(rng, athlete, program_week, True, strength),
                )
            if rng.random() < 0.08:  # started a session, skipped the main lifts
                add(
                    week_monday + timedelta(days=5),
                    2,
                    True,
                    False,
                    _program_sets(rng, athlete, program_week, False, strength),
                )
        elif (athlete.lifts_casually or athlete.enrolled) and rng.random() < (
            0.3 if athlete.lifts_casually else 0.12
        ):
            add(week_monday + timedelta(days=days[1]), 0, False, False, _casual_sets(rng, strength))
    return sessions
