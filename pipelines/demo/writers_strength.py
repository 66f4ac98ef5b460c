"""Strength sessions as Strong and Hevy export them, and as rows of the club's own CSV."""

from __future__ import annotations

from datetime import datetime, timedelta

from pipelines.demo.strength import StrengthSession

KG_PER_LB = 0.45359237
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STRONG_HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
HEVY_COLUMNS = (
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "{weight}",
    "reps",
    "{distance}",
    "duration_seconds",
    "rpe",
)
CLUB_HEADER = "date,time,athlete_id,exercise,set,reps,load,unit,rpe,notes\n"
STRONG_TITLES = ("Glutes A", "Glutes B", "Quick Workout")
HEVY_TITLES = ("Glute day \U0001f351", "Hips & single legs \U0001f9b5", "Quick one \u23f1\ufe0f")


def _start(session: StrengthSession) -> datetime:
    day = session.day
    return datetime(
        day.year,
        day.month,
        day.day,
        session.minute_of_day // 60,
        session.minute_of_day % 60,
        session.second,
    )


def in_unit(load_kg: float, unit: str, bar: bool) -> float:
    """A load as the member's app shows it: plates in 2.5 kg or 5 lb steps, dumbbells in 1 kg/2.5 lb."""
    if unit == "lb":
        step = 5.0 if bar else 2.5
        return round(load_kg / KG_PER_LB / step) * step
    step = 2.5 if bar else 1.0
    return round(load_kg / step) * step


def _number(value: float) -> str:
    """48 rather than 48.0, 22.5 as is: how Hevy writes numbers."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def strong_csv(sessions: list[StrengthSession], unit: str, style_2025: bool) -> bytes:
    """A Strong export (no unit column: weights are in the app's unit); 2025 style adds rest timers."""
    lines = [STRONG_HEADER]
    for session in sessions:
        start = _start(session)
        title = (
            STRONG_TITLES[session.index_in_week]
            if session.program
            else ("Morning Workout" if start.hour < 12 else "Evening Workout")
        )
        hours, minutes = divmod(session.duration_min, 60)
        head = f'{start:%Y-%m-%d %H:%M:%S},"{title}",{f"{hours}h {minutes}m" if hours else f"{minutes}m"}'
        for s in session.sets:
            bar = "Barbell" in s.exercise
            weight = 0.0 if s.load_kg is None else in_unit(s.load_kg, unit, bar)
            reps = 0 if s.reps is None else s.reps
            seconds = s.seconds or 0
            notes = ',"",""' if s.set_number == 1 else ",,"
            order = "W" if s.set_type == "warmup" else s.set_number
            if style_2025:
                lines.append(
                    f'{head},"{s.exercise}",{order},{weight:.1f},{reps:.1f},0,{seconds:.1f}{notes},\n'
                )
                lines.append(f'{head},"{s.exercise}",Rest Timer,0,0.0,0,120.0,,,\n')
            else:
                lines.append(
                    f'{head},"{s.exercise}",{order},{weight:.1f},{reps},0,{seconds}{notes},\n'
                )
    return "".join(lines).encode("utf-8")


def _hevy_time(moment: datetime) -> str:
    return f"{moment.day:02d} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def hevy_csv(sessions: list[StrengthSession], unit: str) -> bytes:
    """A Hevy export: strings quoted, numbers bare, naive local times, 0-based set_index."""
    weight, distance = (
        ("weight_lbs", "distance_miles") if unit == "lb" else ("weight_kg", "distance_km")
    )
    header = ",".join(f'"{c.format(weight=weight, distance=distance)}"' for c in HEVY_COLUMNS)
    lines = [header + "\n"]
    for session in sessions:
        start = _start(session)
        title = HEVY_TITLES[session.index_in_week] if session.program else "Gym \U0001f3cb\ufe0f"
        end = start + timedelta(minutes=session.duration_min)
        head = f'"{title}","{_hevy_time(start)}","{_hevy_time(end)}",""'
        logged: dict[str, int] = {}  # sets so far of each exercise: Hevy counts warm-ups too
        for s in session.sets:
            index = logged.get(s.exercise, 0)
            logged[s.exercise] = index + 1
            load = (
                ""
                if s.load_kg is None
                else _number(in_unit(s.load_kg, unit, "Barbell" in s.exercise))
            )
            reps = "" if s.reps is None else str(s.reps)
            seconds = "" if s.seconds is None else str(s.seconds)
            lines.append(
                f'{head},"{s.exercise}",,"{s.note}",{index},"{s.set_type}",'
                f"{load},{reps},,{seconds},\n"
            )
    return "".join(lines).encode("utf-8")


def club_rows(sessions: list[StrengthSession], athlete_id: str, unit: str, rng) -> list[str]:
    """Lines of the club's strength CSV (without header), working sets only; RPE noted on some."""
    lines = []
    for session in sessions:
        start = _start(session)
        for s in (s for s in session.sets if s.set_type != "warmup"):
            if s.load_kg is None:
                load, unit_text = "", "bw"
            else:
                load, unit_text = _number(in_unit(s.load_kg, unit, "Barbell" in s.exercise)), unit
            reps = s.reps if s.reps is not None else 1
            note = f"{s.seconds} s hold" if s.seconds else s.note
            rpe = str(int(rng.integers(6, 9))) if rng.random() < 0.6 else ""
            lines.append(
                f"{start:%Y-%m-%d},{start:%H:%M},{athlete_id},{s.exercise},{s.set_number},"
                f"{reps},{load},{unit_text},{rpe},{note}\n"
            )
    return lines


def club_csv(lines: list[str]) -> bytes:
    """A club strength CSV from its lines."""
    return (CLUB_HEADER + "".join(lines)).encode("utf-8")
