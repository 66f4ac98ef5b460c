"""The demo club's members and what is planted in them: program, adherence, fitness trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipelines.demo.routes import CITIES, City, home_in

PROGRAM_ID = "glute_12wk"
SESSIONS_PER_WEEK = 2  # every phase of the glute program prescribes two sessions a week
ENROLLED_SHARE = 2 / 3
# Planted session-adherence ranges, inside METRICS.md's bands (high >= 84%, medium 74-83%).
ADHERENCE_RANGES = {"high": (0.86, 0.97), "medium": (0.76, 0.81), "low": (0.30, 0.66)}
BAND_FLOORS = (("high", 0.84), ("medium", 0.74), ("low", 0.0))
# High and low dominate so the high-vs-low injury comparison has exposure on both sides.
BAND_MIX = ("high", "low", "medium", "high", "low", "high", "low")
# Planted pace changes, as a share of the athlete's pace per 4 weeks (negative = faster). Realistic:
# over ~6 months (6.5 blocks of 4 weeks) members at medium or high adherence (>= 74% of sessions)
# get ~4-6.5% faster, those below 1-2.5%, and members off the program drift 2-3% either way over
# their last 20 weeks. Nobody is planted exactly flat: a real member's fitness never stands still.
# Over 12 noisy weekly medians a Theil-Sen CI excludes zero for some of the adherent members and few
# others; the rest read as flat.
ADHERENT_FROM = 0.74  # the medium band's floor (METRICS.md)
ADHERENT_SHARE_PER_4WK = (0.006, 0.01)  # adherence 0.74 -> 1.0
LOW_ADHERENCE_SHARE_PER_4WK = (0.0015, 0.0035)  # adherence 0.3 -> 0.74
STORY_SHARE_PER_4WK = (0.004, 0.007)  # not enrolled / after the program: improving or slower
FLAT_BELOW = 0.25  # truth labels a planted slope under 0.25 s/km per 4 weeks as flat
TREND_WEEKS = 12
FORMAT_MIX = (("gpx", 0.5), ("fit", 0.3), ("tcx", 0.2))
CHANNEL_MIX = ("strong", "hevy", "club_sheet", "club_inbox", "strong", "hevy", "club_sheet")
# Nobody's fitness stands still: members off the program drift a little either way.
NON_ENROLLED_TRENDS = ("slower", "improving", "slower", "improving", "slower", "improving")
GROUPS = ("Tuesday intervals", "Sunday long run", "Beginners", "Trail group")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = {
    "F": _words(
        "Alex Sam Priya Chloe Maria Hannah Aoife Lena Sofia Emma Grace Nadia Julia Ines Zoe "
        "Fatima Olivia Mei Clara Ruth"
    ),
    "M": _words(
        "James Tom Omar Lukas Daniel Ravi Sean Marco Ben Jonas Leo Kwame Pablo Finn David Yusuf "
        "Matteo Noah Arjun Ethan"
    ),
}
LAST_NAMES = _words(
    "Morgan Patel Okafor Schmidt Murphy Garcia Nowak Jensen Rossi Smith Khan Dubois Walsh Fischer "
    "Silva Brown Kowalski Haddad Larsen Novak Evans Moreau Becker Byrne Costa"
)

PROGRAMS_YAML = """\
programs:
  - id: glute_12wk
    name: Glute strength for runners (12 weeks)
    phases:
      - name: activation            # weeks 1-4
        weeks: 4
        sessions_per_week: 2
        required_categories: [glute_med_min, glute_max]   # a session counts when it has a set of each
        sets_per_week: {glute_med_min: 6, glute_max: 6, core_mobility: 2}
      - name: strength
        weeks: 4
        sessions_per_week: 2
        required_categories: [glute_max, glute_med_min]
        sets_per_week: {glute_max: 8, glute_med_min: 6, foot_ankle: 4}
      - name: functional            # standing single-leg work
        weeks: 4
        sessions_per_week: 2
        required_categories: [single_leg, glute_max]
        sets_per_week: {single_leg: 8, glute_max: 6, foot_ankle: 4, core_mobility: 2}
"""


@dataclass
class Athlete:
    """One member: roster facts, habits, devices, and the effects planted in their data."""

    index: int
    athlete_id: str
    display_name: str
    sex: str
    birth_year: int
    weight_unit: str
    city: City
    home: tuple[float, float]
    hr_rest: int
    hr_max: int
    hr_on_roster: bool
    training_group: str
    has_hr: bool
    activity_format: str  # gpx | tcx | fit: what the watch or app exports
    via_strava: bool  # hands in one Strava bulk export instead of single files
    fit_style: str  # fenix5 (altitude/speed) or fr255 (enhanced_altitude/enhanced_speed)
    strength_channel: str | None  # strong | hevy | club_sheet | club_inbox | None
    runs_per_week: int
    easy_minutes: float
    long_minutes: float
    runs_in_morning: bool
    enrolment_start: int | None  # week index
    enrolment_end: int | None  # last enrolled week index, None = ongoing
    counted_sessions: np.ndarray  # per week: program sessions that count (0-2)
    weekly_pace: np.ndarray  # planted flat-equivalent easy pace, s/km, per week
    trend_story: str  # improving | flat | slower: what the last weeks were built to show
    logs_unmapped: bool
    lifts_casually: bool

    @property
    def enrolled(self) -> bool:
        return self.enrolment_start is not None

    def enrolled_in(self, week: int) -> bool:
        """Whether the athlete is on the program during week index `week`."""
        if self.enrolment_start is None or week < self.enrolment_start:
            return False
        return self.enrolment_end is None or week <= self.enrolment_end

    @property
    def adherence(self) -> float | None:
        """Cumulative session adherence over the enrolled weeks in the data."""
        weeks = [w for w in range(len(self.counted_sessions)) if self.enrolled_in(w)]
        if not weeks:
            return None
        return float(self.counted_sessions[weeks].sum()) / (SESSIONS_PER_WEEK * len(weeks))

    @property
    def band(self) -> str | None:
        adherence = self.adherence
        if adherence is None:
            return None
        return next(name for name, floor in BAND_FLOORS if adherence >= floor - 1e-9)


def _mix(rng: np.random.Generator, n: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    """`n` labels in the given shares, in shuffled order."""
    counts = [round(share * n) for _, share in shares]
    counts[0] += n - sum(counts)
    labels = [label for (label, _), count in zip(shares, counts, strict=True) for _ in range(count)]
    return [labels[i] for i in rng.permutation(n)]


def _enrolment(rng: np.random.Generator, weeks: int) -> tuple[int, int | None]:
    """Staggered start; a quarter ended before the last 12 weeks when the history allows."""
    if weeks >= 30 and rng.random() < 0.2:
        start = int(rng.integers(max(0, weeks - 48), weeks - 28))
        return start, min(start + int(rng.integers(12, 17)), weeks - TREND_WEEKS - 1)
    return int(rng.integers(max(0, weeks - 50), max(1, weeks - 24))), None


def _counted_sessions(rng, weeks: int, start: int, end: int | None, band: str) -> np.ndarray:
    """Counted sessions per week, spread evenly so cumulative adherence stays in its band."""
    counted = np.zeros(weeks, dtype=np.int64)
    last = weeks - 1 if end is None else end
    enrolled = last - start + 1
    prescribed = SESSIONS_PER_WEEK * enrolled
    total = round(rng.uniform(*ADHERENCE_RANGES[band]) * prescribed)
    floor = dict(BAND_FLOORS)[band]
    ceiling = {"high": 1.0, "medium": 0.84, "low": 0.74}[band]
    total = int(np.clip(total, np.ceil(floor * prescribed), np.ceil(ceiling * prescribed) - 1))
    total = max(0, min(total, prescribed))
    cumulative = np.floor(total * np.arange(enrolled + 1) / enrolled + rng.uniform(0.0, 0.999))
    cumulative = np.minimum(cumulative, total)
    counted[start : last + 1] = np.diff(cumulative).astype(np.int64)
    return counted


def _slope_per_week(rng, story: str, pace: float) -> float:
    """Planted pace change (s/km per week) for a story; 0 exactly when flat."""
    magnitude = rng.uniform(*STORY_SHARE_PER_4WK) * pace / 4.0
    return {"flat": 0.0, "slower": magnitude, "improving": -magnitude}[story]


def _weekly_pace(rng, weeks: int, start: int | None, end: int | None, counted, story: str):
    """Easy flat-equivalent pace per week: improving on the program by adherence (a few percent
    over a season, more for adherent members), else a story."""
    pace = rng.uniform(300.0, 400.0)
    slope = np.zeros(weeks)
    if start is not None:
        last = weeks - 1 if end is None else end
        adherence = counted[start : last + 1].sum() / (SESSIONS_PER_WEEK * (last - start + 1))
        if adherence >= ADHERENT_FROM - 1e-9:
            low, high = ADHERENT_SHARE_PER_4WK
            share = low + (high - low) * (adherence - ADHERENT_FROM) / (1.0 - ADHERENT_FROM)
        else:
            low, high = LOW_ADHERENCE_SHARE_PER_4WK
            share = low + (high - low) * max(0.0, adherence - 0.3) / (ADHERENT_FROM - 0.3)
        slope[start + 1 : last + 1] = -share * pace / 4.0
        if end is not None:
            slope[end + 1 :] = _slope_per_week(rng, story, pace)
    else:
        slope[max(0, weeks - 20) :] = _slope_per_week(rng, story, pace)
    return pace + np.cumsum(slope)


def _weight_unit(rng: np.random.Generator, american: bool, channel: str | None) -> str:
    """The unit Strong shows weights in: pounds in the US and for some UK/EU Strong users."""
    return "lb" if american or (channel == "strong" and rng.random() < 0.4) else "kg"


def _story(rng, start: int | None, end: int | None) -> str:
    """What the last 12 weeks of pace were built to show: members on the program improve (by how
    much depends on adherence), the others drift a little either way."""
    if start is None:
        return NON_ENROLLED_TRENDS[int(rng.integers(len(NON_ENROLLED_TRENDS)))]
    if end is not None:  # after the program: some keep improving a little, some lose it
        return "slower" if rng.random() < 0.5 else "improving"
    return "improving"


def build_club(rng: np.random.Generator, athletes: int, weeks: int) -> list[Athlete]:
    """The members, with habits and planted effects drawn once for the whole club."""
    formats = _mix(rng, athletes, FORMAT_MIX)
    enrolled = set(rng.permutation(athletes)[: round(ENROLLED_SHARE * athletes)].tolist())
    strava = formats.index("gpx") if "gpx" in formats else None
    city_shares = np.array([c.share for c in CITIES]) / sum(c.share for c in CITIES)
    width = max(3, len(str(athletes)))
    members, bands_given, channels_given = [], 0, 0
    for i in range(athletes):
        sex = "F" if rng.random() < 0.5 else "M"
        city = CITIES[int(rng.choice(len(CITIES), p=city_shares))]
        american = city.time_zone.startswith("America/")
        start = end = band = None
        if i in enrolled:
            start, end = _enrolment(rng, weeks)
            band = BAND_MIX[bands_given % len(BAND_MIX)]
            bands_given += 1
            counted = _counted_sessions(rng, weeks, start, end, band)
        else:
            counted = np.zeros(weeks, dtype=np.int64)
        lifts_casually = i not in enrolled and rng.random() < 0.5
        channel = None
        if i in enrolled or lifts_casually:
            channel = CHANNEL_MIX[channels_given % len(CHANNEL_MIX)]
            channels_given += 1
        story = _story(rng, start, end)
        hr_max = int(rng.integers(172, 199))
        members.append(
            Athlete(
                index=i,
                athlete_id=f"a{i + 1:0{width}d}",
                display_name=f"{rng.choice(FIRST_NAMES[sex])} {rng.choice(LAST_NAMES)}",
                sex=sex,
                birth_year=int(rng.integers(1965, 2003)),
                weight_unit=_weight_unit(rng, american, channel),
                city=city,
                home=home_in(city, rng),
                hr_rest=int(rng.integers(44, 66)),
                hr_max=hr_max,
                hr_on_roster=rng.random() < 0.85,
                training_group=GROUPS[int(rng.integers(len(GROUPS)))],
                has_hr=rng.random() < 0.93,
                activity_format=formats[i],
                via_strava=i == strava,
                fit_style="fenix5" if rng.random() < 0.4 else "fr255",
                strength_channel=channel,
                runs_per_week=int(rng.choice([3, 4, 5], p=[0.3, 0.45, 0.25])),
                easy_minutes=float(rng.uniform(30.0, 55.0)),
                long_minutes=float(rng.uniform(65.0, 95.0)),
                runs_in_morning=rng.random() < 0.5,
                enrolment_start=start,
                enrolment_end=end,
                counted_sessions=counted,
                weekly_pace=_weekly_pace(rng, weeks, start, end, counted, story),
                trend_story=story,
                logs_unmapped=rng.random() < 0.15,
                lifts_casually=lifts_casually,
            )
        )
    return members


def pace_trend_direction(weekly_pace: np.ndarray, window: int = TREND_WEEKS) -> tuple[str, float]:
    """The planted direction over the last `window` weeks, and its slope in s/km per 4 weeks."""
    recent = weekly_pace[-window:]
    if len(recent) < 2 or np.all(recent == recent[0]):
        return "flat", 0.0
    slope = float(np.polyfit(np.arange(len(recent)), recent, 1)[0]) * 4.0
    if abs(slope) < FLAT_BELOW:
        return "flat", slope
    return ("improving" if slope < 0 else "slower"), slope


def first_monday(end_date: date, weeks: int) -> date:
    """The Monday the data starts: `weeks` whole weeks before the Monday of `end_date`'s week."""
    return end_date - timedelta(days=end_date.weekday() + 7 * weeks)
