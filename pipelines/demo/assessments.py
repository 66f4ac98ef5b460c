"""The demo club's assessment sessions (docs/ASSESSMENTS.md): the coach's `assessment_session`
documents in club/records/ (the dashboard's document, with ids and times drawn from the seed), with a planted effect of the glute program on the signs it targets.

Most enrolled members are assessed at enrolment (baseline) and every 8-12 weeks while enrolled; some
are never re-tested, a few have no baseline. Two assessors share the sessions. True values follow
published norms and move linearly with the member's planted session adherence:
- hip abduction break-test torque (Nm/kg) starts around Ramskov et al. 2014's novice-runner values
  (men 1.62 +- 0.38, women 1.41 +- 0.33) and rises by TORQUE_GAIN_PER_12_WEEKS per 84 days;
- each side's chance of a "good" overall single-leg squat rating rises by GOOD_SHARE_GAIN_PER_12_WEEKS
  per 84 days, and Trendelenburg signs and running-video pelvic drop / knee valgus flags fall with it.
Session-to-session noise matches each test's real-change threshold (the catalogue's minimal detectable
change = 1.96 x sqrt(2) x SEM, so SEM = threshold / 2.77).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from pipelines.demo.accounts import DEMO_COACH
from pipelines.demo.app_entries import document_bytes, document_name, entry_id, local_time
from pipelines.demo.club import Athlete
from pipelines.parsers.forms.documents import FORM_VERSION
from pipelines.parsers.forms.entries import ASSESSMENT

DAYS_PER_UNIT = 84  # effects are per 12 weeks
ASSESSORS = ("Sam Reid (physio)", "Coach Jo Walsh")
VIDEO_ASSESSOR = ASSESSORS[0]  # the physio films: knee angles and running-video angles
BASELINE_SHARE = 0.85  # enrolled members assessed at enrolment; the others have no baseline
NEVER_RETESTED_SHARE = 0.2  # of those with a baseline
RETEST_WEEKS = (8, 12)
OTHER_ASSESSOR_CHANCE = 0.3  # a session done by the member's other assessor
# Planted effects, linear in planted session adherence from (0.30 -> low end) to (1.0 -> high end).
ADHERENCE_SPAN = (0.30, 1.0)
TORQUE_GAIN_PER_12_WEEKS = (0.03, 0.15)  # Nm/kg per 84 days
GOOD_SHARE_GAIN_PER_12_WEEKS = (0.02, 0.12)  # chance of a good overall squat rating, per 84 days
TORQUE_NORMS = {"M": (1.62, 0.38), "F": (1.41, 0.33)}  # Nm/kg, mean and SD (Ramskov et al. 2014)
BODY_MASS_KG = {"M": (75.0, 9.0), "F": (62.0, 7.0)}
GOOD_AT_BASELINE = (0.25, 0.5)  # each side's chance of a good overall squat rating at baseline
MDC_PER_SEM = 1.96 * np.sqrt(2.0)
# Real-change thresholds of the shipped catalogue (docs/ASSESSMENTS.md): pct or abs.
HHD_REAL_CHANGE_PCT = 5.0
ENDURANCE_REAL_CHANGE_PCT = 10.0  # side bridge, single-leg bridge, hops
FPPA_REAL_CHANGE_DEG = 3.0
Y_BALANCE_REAL_CHANGE_CM = {"anterior_cm": 9.0, "posteromedial_cm": 10.0, "posterolateral_cm": 12.0}
Y_BALANCE_REACH_PER_LEG = {"anterior_cm": 0.68, "posteromedial_cm": 1.12, "posterolateral_cm": 1.05}
SIDES = ("left", "right")  # every default test is sided, its context measures too
BOX_HEIGHT_CM = 60
HHD_TRIALS = 4
TRIALS = 3
# Tests done at a re-test (the baseline does them all); hip abduction, squat and Trendelenburg always.
RETEST_CHANCE = {
    "running_video": 0.7,
    "side_bridge": 0.8,
    "single_leg_bridge": 0.8,
    "single_hop": 0.5,
    "triple_hop": 0.5,
    "y_balance": 0.5,
}

Result = dict[str, object]


@dataclass(frozen=True)
class Member:
    """What one member brings to every session: sizes, baseline capacities and planted rates."""

    sex: str
    body_mass_kg: float
    lever_arm_m: float
    leg_length_cm: float
    torque: dict[str, float]  # Nm/kg at baseline, per side
    good: dict[str, float]  # chance of a good overall squat rating at baseline, per side
    side_bridge_s: dict[str, float]
    bridge_reps: dict[str, float]
    single_hop_cm: dict[str, float]
    reach: dict[str, dict[str, float]]  # y-balance direction -> side -> cm
    torque_gain: float  # Nm/kg per 84 days
    good_gain: float  # per 84 days
    assessor: str  # who usually assesses them


@dataclass(frozen=True)
class Assessments:
    """One member's session documents (file name -> bytes) and what was planted in them."""

    documents: dict[str, bytes]
    sessions: list[date]
    planted: dict[str, float]  # change per 12 weeks: torque_nm_kg, good_share (enrolled members)


def planted_gain(adherence: float, span: tuple[float, float]) -> float:
    """The planted change per 12 weeks at a session adherence: linear across ADHERENCE_SPAN."""
    low, high = ADHERENCE_SPAN
    share = min(1.0, max(0.0, (adherence - low) / (high - low)))
    return span[0] + (span[1] - span[0]) * share


def trend_window(athlete: Athlete, monday: date, weeks: int) -> tuple[date | None, date | None]:
    """The days a planted program trend rises: 12 weeks from the enrolment start, cut at its end
    and at the end of the data."""
    if athlete.enrolment_start is None:
        return None, None
    start = monday + timedelta(days=7 * athlete.enrolment_start)
    last_week = weeks if athlete.enrolment_end is None else athlete.enrolment_end + 1
    end = min(start + timedelta(days=DAYS_PER_UNIT), monday + timedelta(days=7 * last_week))
    return start, end


def _sided(rng: np.random.Generator, centre: float, spread: float) -> dict[str, float]:
    """Left and right around one centre: sides differ by a few percent."""
    return {side: centre * (1.0 + rng.normal(0.0, spread)) for side in SIDES}


def _member(rng: np.random.Generator, athlete: Athlete, adherence: float) -> Member:
    mean, sd = TORQUE_NORMS[athlete.sex]
    mass_mean, mass_sd = BODY_MASS_KG[athlete.sex]
    leg = rng.normal(92.0 if athlete.sex == "M" else 86.0, 4.0)
    hop = rng.normal(150.0 if athlete.sex == "M" else 125.0, 18.0)
    return Member(
        sex=athlete.sex,
        body_mass_kg=float(np.clip(rng.normal(mass_mean, mass_sd), 45.0, 110.0)),
        lever_arm_m=round(float(leg) / 100.0 - 0.08, 3),  # trochanter to above the malleolus
        leg_length_cm=float(leg),
        torque=_sided(rng, float(np.clip(rng.normal(mean, sd), 0.7, 2.6)), 0.05),
        good={side: float(rng.uniform(*GOOD_AT_BASELINE)) for side in SIDES},
        side_bridge_s=_sided(rng, float(np.clip(rng.normal(70.0, 20.0), 20.0, 150.0)), 0.08),
        bridge_reps=_sided(rng, float(np.clip(rng.normal(25.0, 7.0), 8.0, 60.0)), 0.08),
        single_hop_cm=_sided(rng, float(np.clip(hop, 70.0, 220.0)), 0.05),
        reach={
            direction: _sided(rng, share * float(leg) * rng.normal(1.0, 0.05), 0.03)
            for direction, share in Y_BALANCE_REACH_PER_LEG.items()
        },
        torque_gain=planted_gain(adherence, TORQUE_GAIN_PER_12_WEEKS),
        good_gain=planted_gain(adherence, GOOD_SHARE_GAIN_PER_12_WEEKS),
        assessor=ASSESSORS[int(rng.random() < 0.4)],
    )


def _result(test: str, measure: str, side: str, value: object, trial: int = 1) -> Result:
    return {"test": test, "measure": measure, "side": side, "trial": trial, "value": value}


def _noisy(rng: np.random.Generator, value: float, real_change_pct: float) -> float:
    """A session's reading of a true value whose test has a real-change threshold in percent."""
    return value * (1.0 + rng.normal(0.0, real_change_pct / 100.0 / MDC_PER_SEM))


def _short_of(rng: np.random.Generator, value: float, spread: float) -> float:
    """One trial: the session's capacity, a little short of it when the effort falls short."""
    return value * (1.0 - abs(rng.normal(0.0, spread)))


def _hip_abduction(
    rng: np.random.Generator, m: Member, units: float, mass: float, lever: float
) -> list[Result]:
    """Break test, side-lying, best of four: force N = torque x body mass / lever arm."""
    results = []
    for side in SIDES:
        results += [
            _result("hip_abduction_hhd", "mode", side, "break"),
            _result("hip_abduction_hhd", "position", side, "side_lying"),
            _result("hip_abduction_hhd", "lever_arm_m", side, lever),
        ]
        torque = _noisy(rng, m.torque[side] + m.torque_gain * units, HHD_REAL_CHANGE_PCT)
        for trial in range(1, HHD_TRIALS + 1):
            force = _short_of(rng, torque, 0.03) * mass / lever
            results.append(_result("hip_abduction_hhd", "force_n", side, round(force, 1), trial))
    return results


def _good_chance(m: Member, side: str, units: float) -> float:
    return min(1.0, m.good[side] + m.good_gain * units)


def _squat(rng: np.random.Generator, m: Member, units: float, video: bool) -> list[Result]:
    """Five single-leg squats rated per side (Crossley et al. 2011); the knee angle from video."""
    results = []
    for side in SIDES:
        good = rng.random() < _good_chance(m, side, units)
        overall = "good" if good else ("fair" if rng.random() < 0.65 else "poor")
        results.append(_result("single_leg_squat", "overall", side, overall))
        for criterion, flagged in (("trunk", 0.4), ("pelvis", 0.7), ("hip", 0.6), ("knee", 0.75)):
            rating = "good"
            if not good and rng.random() < flagged:
                rating = overall
            elif good and rng.random() < 0.1:
                rating = "fair"
            results.append(_result("single_leg_squat", criterion, side, rating))
        if video:
            angle = {"good": 6.0, "fair": 11.0, "poor": 16.0}[overall] + rng.normal(0.0, 2.0)
            sem = FPPA_REAL_CHANGE_DEG / MDC_PER_SEM
            for trial in range(1, TRIALS + 1):
                value = round(float(angle + rng.normal(0.0, sem * np.sqrt(TRIALS))), 1)
                results.append(_result("single_leg_squat", "fppa_deg", side, value, trial))
    return results


def _trendelenburg(rng: np.random.Generator, m: Member, units: float) -> list[Result]:
    """The sign per side: positive less often as the squat improves; a positive side holds less."""
    results = []
    for side in SIDES:
        positive = rng.random() < 0.6 * (1.0 - _good_chance(m, side, units))
        results.append(
            _result("trendelenburg", "sign", side, "positive" if positive else "negative")
        )
        results.append(
            _result("trendelenburg", "hold_s", side, int(rng.integers(8, 30)) if positive else 30)
        )
        if positive:
            results.append(_result("trendelenburg", "pain_0_10", side, int(rng.integers(0, 4))))
    return results


def _flag(rng: np.random.Generator, absent: float) -> str:
    if rng.random() < absent:
        return "absent"
    return "mild" if rng.random() < 0.75 else "marked"


def _running_video(rng: np.random.Generator, m: Member, units: float, video: bool) -> list[Result]:
    """Running from video per side: pelvic drop and knee valgus fade as the squat improves."""
    degrees = {"absent": (2.0, 5.0), "mild": (5.0, 8.0), "marked": (8.0, 12.0)}
    results = []
    for side in SIDES:
        good = _good_chance(m, side, units)
        drop = _flag(rng, good + 0.3 * (1.0 - good))
        valgus = _flag(rng, good + 0.3 * (1.0 - good))
        results += [
            _result("running_video", "pelvic_drop", side, drop),
            _result("running_video", "knee_valgus", side, valgus),
            _result("running_video", "anterior_pelvic_tilt", side, _flag(rng, 0.6)),
            _result("running_video", "quad_dominant", side, _flag(rng, 0.3 + 0.6 * good)),
        ]
        if video:
            angle = round(float(rng.uniform(*degrees[drop])), 1)
            results.append(_result("running_video", "pelvic_drop_deg", side, angle))
    return results


def _endurance(
    rng: np.random.Generator, test: str, baseline: dict[str, float], ratio: dict[str, float]
) -> list[Result]:
    """Side bridge hold (s) or single-leg bridge reps per side: they grow with the hip abductors."""
    measure = "hold_s" if test == "side_bridge" else "reps"
    results = []
    for side in SIDES:
        if test == "single_leg_bridge":
            results.append(_result(test, "box_height_cm", side, BOX_HEIGHT_CM))
        value = _noisy(rng, baseline[side] * ratio[side], ENDURANCE_REAL_CHANGE_PCT)
        results.append(_result(test, measure, side, round(value)))
    return results


def _hops(rng: np.random.Generator, m: Member, test: str) -> list[Result]:
    """Best of three hops per side for distance; the triple hop goes about 3.4 times as far."""
    results = []
    for side in SIDES:
        reach = m.single_hop_cm[side] * (3.4 if test == "triple_hop" else 1.0)
        session = _noisy(rng, reach, ENDURANCE_REAL_CHANGE_PCT)
        for trial in range(1, TRIALS + 1):
            distance = round(_short_of(rng, session, 0.04))
            results.append(_result(test, "distance_cm", side, distance, trial))
    return results


def _y_balance(rng: np.random.Generator, m: Member) -> list[Result]:
    """Reach per direction per side, best of three, and the leg length it is normalised by."""
    results = []
    for side in SIDES:
        results.append(_result("y_balance", "leg_length_cm", side, round(m.leg_length_cm * 2) / 2))
        for direction, threshold in Y_BALANCE_REAL_CHANGE_CM.items():
            session = m.reach[direction][side] + rng.normal(0.0, threshold / MDC_PER_SEM)
            for trial in range(1, TRIALS + 1):
                reach = round((session - abs(rng.normal(0.0, 1.5))) * 2) / 2
                results.append(_result("y_balance", direction, side, reach, trial))
    return results


def _session_results(
    rng: np.random.Generator, m: Member, units: float, baseline: bool, assessor: str
) -> tuple[float, list[Result]]:
    """(body mass, results) of one session `units` x 12 weeks after baseline."""
    mass = round(m.body_mass_kg + float(rng.normal(0.0, 0.8)), 1)
    lever = round(m.lever_arm_m + float(rng.normal(0.0, 0.004)), 3)
    video = assessor == VIDEO_ASSESSOR
    done = {test: baseline or rng.random() < chance for test, chance in RETEST_CHANCE.items()}
    results = _hip_abduction(rng, m, units, mass, lever)
    results += _squat(rng, m, units, video)
    results += _trendelenburg(rng, m, units)
    if done["running_video"]:
        results += _running_video(rng, m, units, video)
    ratio = {side: 1.0 + m.torque_gain * units / m.torque[side] for side in SIDES}
    if done["side_bridge"]:
        results += _endurance(rng, "side_bridge", m.side_bridge_s, ratio)
    if done["single_leg_bridge"]:
        results += _endurance(rng, "single_leg_bridge", m.bridge_reps, ratio)
    for test in ("single_hop", "triple_hop"):
        if done[test]:
            results += _hops(rng, m, test)
    if done["y_balance"]:
        results += _y_balance(rng, m)
    return mass, results


def session_days(rng: np.random.Generator, start: date, last: date, retested: bool) -> list[date]:
    """Baseline in the enrolment's first days, then a re-test every 8-12 weeks (and 0-3 days) up to
    `last`."""
    day = start + timedelta(days=int(rng.integers(0, 4)))
    days = [day]
    while retested:
        weeks = int(rng.integers(RETEST_WEEKS[0], RETEST_WEEKS[1] + 1))
        day += timedelta(days=7 * weeks + int(rng.integers(0, 4)))
        if day > last:
            break
        days.append(day)
    return days


def member_assessments(
    rng: np.random.Generator, seed: int, athlete: Athlete, monday: date, weeks: int
) -> Assessments:
    """An enrolled member's assessment sessions (none for a member not enrolled)."""
    adherence = athlete.adherence
    if adherence is None or athlete.enrolment_start is None:
        return Assessments({}, [], {})
    member = _member(rng, athlete, adherence)
    planted = {"torque_nm_kg": member.torque_gain, "good_share": member.good_gain}
    if rng.random() >= BASELINE_SHARE:
        return Assessments({}, [], planted)
    end_week = weeks - 1 if athlete.enrolment_end is None else athlete.enrolment_end
    start = monday + timedelta(days=7 * athlete.enrolment_start)
    last = monday + timedelta(days=7 * end_week + 6)
    days = session_days(rng, start, last, rng.random() >= NEVER_RETESTED_SHARE)
    zone = ZoneInfo(athlete.city.time_zone)
    other = ASSESSORS[1 - ASSESSORS.index(member.assessor)]
    documents = {}
    for day in days:
        assessor = other if rng.random() < OTHER_ASSESSOR_CHANCE else member.assessor
        units = (day - days[0]).days / DAYS_PER_UNIT
        mass, results = _session_results(rng, member, units, day == days[0], assessor)
        entered_at = local_time(
            day, int(rng.integers(17 * 60, 21 * 60)), int(rng.integers(60)), zone
        )
        entry = entry_id(seed, athlete.athlete_id, f"{ASSESSMENT}|{day}")
        document = {
            "form": ASSESSMENT,
            "form_version": FORM_VERSION,
            "entry_id": entry,
            "entered_at": entered_at.isoformat(timespec="seconds"),
            "entered_by": DEMO_COACH[0],
            "entered_role": "coach",
            "athlete_id": athlete.athlete_id,
            "assessed_on": day.isoformat(),
            "assessor": assessor,
            "body_mass_kg": mass,
            "supersedes": None,
            "results": results,
        }
        documents[document_name(ASSESSMENT, entered_at, entry)] = document_bytes(document)
    return Assessments(documents, days, planted)


def planted_by_band(
    athletes: list[Athlete], assessed: dict[str, Assessments]
) -> dict[str, dict[str, float]]:
    """The planted change per 12 weeks, averaged over each band's members with a re-test: what the
    by-band model estimates (torque_nm_kg, good_share -> band -> mean)."""
    retested = [a for a in athletes if len(assessed[a.athlete_id].sessions) > 1]
    bands = sorted({str(a.band) for a in retested})
    return {
        measure: {
            band: round(
                float(
                    np.mean(
                        [
                            assessed[a.athlete_id].planted[measure]
                            for a in retested
                            if a.band == band
                        ]
                    )
                ),
                4,
            )
            for band in bands
        }
        for measure in ("torque_nm_kg", "good_share")
    }
