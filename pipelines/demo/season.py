"""One athlete's season, week by week: runs and rides planned, injuries drawn per running hour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from pipelines.demo.club import Athlete
from pipelines.demo.ostrc_injuries import (
    ADHERENCE_LAG_WEEKS,
    HEALTHY,
    MINOR_PER_1000H,
    MODIFIED,
    NIGGLE,
    STOPPED,
    Injury,
    hazard_per_hour,
    mark_injury,
    minor_complaint,
    running_injury,
)
from pipelines.demo.routes import Route
from pipelines.demo.runs import ActivityPlan

RUN_DAYS = {
    3: (1, 3, 6),
    4: (1, 3, 5, 6),
    5: (0, 1, 3, 4, 6),
}  # Monday = 0; the last is the long run
LOAD_SPIKE_CHANCE = 3 / 52  # a big week now and then: extra run, longer runs
RIDE_CHANCE = 0.15
EASY_TO_THRESHOLD = 0.78  # easy pace as a share of threshold speed
PAUSE_CHANCES = (0.3, 0.35, 0.25, 0.1)  # 0-3 traffic-light stops in a run
DAY_TO_DAY_PACE_SD = 0.015  # a run's pace off the week's form: sleep, heat, wind, legs
WEEK_FORM_SD = 0.005  # a week's form off the planted trend: work, travel, a cold coming on
# Holidays: most members take one or two weeks off in summer (starting 1 Jul-20 Aug), some a week
# or so over Christmas (starting 18-28 Dec); (chance, first start as (month, day), start span, days)
HOLIDAYS = ((0.85, (7, 1), 51, (7, 15)), (0.4, (12, 18), 11, (6, 12)))
ILLNESS_CHANCE = 0.25  # a few members are ill once: a week or so without running
ILLNESS_DAYS = (5, 11)
STRAVA_NAMES = ((5, "Night"), (11, "Morning"), (13, "Lunch"), (18, "Afternoon"), (22, "Evening"))


@dataclass
class Season:
    """What the athlete did and suffered over the generated weeks."""

    activities: list[ActivityPlan] = field(default_factory=list)
    injuries: list[Injury] = field(default_factory=list)
    onset_days: list[int] = field(default_factory=list)
    status: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    running_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))
    away: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # holiday or ill


def _days_away(rng: np.random.Generator, monday: date, weeks: int) -> np.ndarray:
    """Days with no running at all: holidays (most members) and an illness (a few)."""
    away = np.zeros(7 * weeks + 90, dtype=bool)
    spells = []
    for year in range(monday.year, (monday + timedelta(days=7 * weeks)).year + 1):
        for chance, (month, day), span, (low, high) in HOLIDAYS:
            start = date(year, month, day) + timedelta(days=int(rng.integers(span)))
            length = int(rng.integers(low, high))
            if rng.random() < chance:
                spells.append(((start - monday).days, length))
    length = int(rng.integers(*ILLNESS_DAYS))
    first = int(rng.integers(7, max(8, 7 * weeks - length)))
    if rng.random() < ILLNESS_CHANCE:
        spells.append((first, length))
    for first, length in spells:
        away[max(0, first) : max(0, first + length)] = True
    return away


def _utc_seconds(day: date, minute_of_day: int, second: int, time_zone: ZoneInfo) -> int:
    """Unix seconds of a local wall-clock time."""
    local = datetime(day.year, day.month, day.day, minute_of_day // 60, minute_of_day % 60, second)
    return int(local.replace(tzinfo=time_zone).timestamp())


def activity_name(athlete: Athlete, sport: str, local_hour: int) -> str:
    """The name the athlete's app gives: Strava's time of day, or Garmin Connect's city + sport."""
    if athlete.via_strava:
        part = next((label for hour, label in STRAVA_NAMES if local_hour < hour), "Night")
        return f"{part} {'Run' if sport == 'running' else 'Ride'}"
    return f"{athlete.city.name} {'Running' if sport == 'running' else 'Cycling'}"


def _week_runs(athlete: Athlete, rng: np.random.Generator, spike: bool):
    """(day, kind, minutes) for the runs planned this week, before any injury."""
    days = list(RUN_DAYS[athlete.runs_per_week])
    long_day = days[-1]
    plan = []
    for day in days:
        if day != long_day and rng.random() < 0.08:
            continue  # life gets in the way
        if day == long_day:
            minutes = athlete.long_minutes * rng.uniform(0.9, 1.1) * (1.3 if spike else 1.0)
            plan.append((day, "long", float(np.clip(minutes, 60.0, 115.0))))
        else:
            kind = "tempo" if rng.random() < 0.15 else "easy"
            minutes = athlete.easy_minutes * rng.uniform(0.8, 1.2) * (1.3 if spike else 1.0)
            plan.append(
                (day, kind, float(np.clip(minutes * (0.8 if kind == "tempo" else 1.0), 25, 75)))
            )
    if (spike or rng.random() < 0.08) and 2 not in days:
        plan.append(
            (2, "easy", float(np.clip(athlete.easy_minutes * rng.uniform(0.8, 1.1), 25, 75)))
        )
    return sorted(plan)


def _start_minute(athlete: Athlete, rng: np.random.Generator, kind: str) -> int:
    if kind in ("long", "ride"):
        return int(rng.integers(8 * 60, 10 * 60))
    if athlete.runs_in_morning:
        return int(rng.integers(6 * 60 + 15, 7 * 60 + 45))
    return int(rng.integers(17 * 60 + 30, 19 * 60 + 30))


def _onset(rng: np.random.Generator, rate: float, hours: float, day: date) -> Injury | None:
    """A running-related injury (hazard `rate` per hour), a minor complaint, or nothing, on this run."""
    draw = rng.random()
    if draw < 1.0 - np.exp(-rate * hours):
        return running_injury(rng, day)
    if draw < 1.0 - np.exp(-(rate + MINOR_PER_1000H / 1000.0) * hours):
        return minor_complaint(rng, day)
    return None


def plan_season(
    athlete: Athlete,
    routes: list[Route],
    ride_route: Route,
    monday: date,
    weeks: int,
    rng: np.random.Generator,
    life: np.random.Generator | None = None,
) -> Season:
    """Every activity and injury of the season; running hours at risk drive the injury hazard.

    `life` draws what is not training: holidays, an illness, each week's form (a separate stream)."""
    zone = ZoneInfo(athlete.city.time_zone)
    life = life if life is not None else np.random.default_rng([athlete.index, 7])
    season = Season(
        status=np.zeros(7 * weeks + 90, dtype=np.int8),
        running_hours=np.zeros(weeks),
        away=_days_away(life, monday, weeks),
    )
    form = 1.0 + life.normal(0.0, WEEK_FORM_SD, weeks)
    spikes = rng.random(weeks) < LOAD_SPIKE_CHANCE
    spikes[:4] = False
    speed_factor = {"easy": 1.0, "long": 0.97, "tempo": 1.08}

    def add(day_index: int, kind: str, minutes: float, sport: str) -> None:
        day = monday + timedelta(days=day_index)
        minute = _start_minute(athlete, rng, kind)
        v_easy = 1000.0 / athlete.weekly_pace[day_index // 7]
        if sport == "running":
            day_to_day = 1.0 + rng.normal(0.0, DAY_TO_DAY_PACE_SD)
            v_flat = v_easy * speed_factor[kind] * form[day_index // 7] * day_to_day
            v_threshold = v_easy / EASY_TO_THRESHOLD
            pauses = int(rng.choice(4, p=PAUSE_CHANCES))
            route = routes[2] if kind == "long" else routes[int(rng.integers(3))]
        else:
            v_flat = rng.uniform(6.0, 8.0)
            v_threshold, pauses, route = v_flat / 0.72, int(rng.integers(0, 3)), ride_route
        season.activities.append(
            ActivityPlan(
                sport=sport,
                start_utc=_utc_seconds(day, minute, int(rng.integers(60)), zone),
                moving_s=int(minutes * 60),
                route=route,
                v_flat=float(v_flat),
                v_threshold=float(v_threshold),
                hr_rest=float(athlete.hr_rest),
                hr_max=float(athlete.hr_max),
                has_hr=athlete.has_hr,
                pauses=pauses,
                name=activity_name(athlete, sport, minute // 60),
                time_zone=athlete.city.time_zone,
            )
        )

    for week in range(weeks):
        lagged = athlete.enrolled_in(week - ADHERENCE_LAG_WEEKS)
        spike = bool(spikes[week] or (week > 0 and spikes[week - 1]))
        rate = hazard_per_hour(athlete.band, lagged, spike)
        planned = _week_runs(athlete, rng, bool(spikes[week]))
        for day, kind, minutes in planned:
            day_index = 7 * week + day
            if season.away[day_index]:
                continue  # on holiday or ill: no running, no risk
            state = season.status[day_index]
            if state == STOPPED:
                if rng.random() < 0.25:  # cross-training while injured
                    add(day_index, "ride", float(rng.uniform(45.0, 75.0)), "cycling")
                continue
            if state == MODIFIED:
                if rng.random() < 0.4:
                    continue
                kind, minutes = "easy", max(20.0, 0.5 * minutes)
            elif state == NIGGLE:
                minutes *= 0.8
            injury = None
            if state == HEALTHY:  # only healthy running hours are at risk
                injury = _onset(rng, rate, minutes / 60.0, monday + timedelta(days=day_index))
            if injury is not None:
                season.injuries.append(injury)
                season.onset_days.append(day_index)
                mark_injury(season.status, day_index, injury)
                if injury.running_related:
                    minutes *= rng.uniform(0.5, 0.9)  # the run it happened on was cut short
            add(day_index, kind, minutes, "running")
            season.running_hours[week] += minutes / 60.0
        free = [day for day in (5, 2, 0) if day not in {d for d, _, _ in planned}]
        if (
            rng.random() < RIDE_CHANCE
            and free
            and season.status[7 * week + free[0]] != STOPPED
            and not season.away[7 * week + free[0]]
        ):
            add(7 * week + free[0], "ride", float(rng.uniform(60.0, 120.0)), "cycling")
    season.activities.sort(key=lambda plan: plan.start_utc)
    return season
