"""How FIT-watch members run: the running dynamics their watch records, the planted cadence trend,
and the RPE and feel they enter on the watch after some runs.

Every member whose watch writes FIT files gets running dynamics on their runs (cycling keeps plain
records). Each moves with the run's speed at every record, around the member's own values at
REFERENCE_SPEED_M_S:
- cadence (steps/min) rises CADENCE_SPM_PER_M_S per m/s, written as FIT cadence (whole strides/min)
  plus fractional_cadence;
- ground contact time falls GCT_MS_PER_M_S per m/s; its share is of the stride (two steps), as
  Garmin's stance_time_percent reads (~33-38%);
- vertical oscillation rises VO_MM_PER_M_S per m/s; step length = speed / step rate; vertical ratio
  = oscillation / step length; power = body mass x speed x RUNNING_POWER_W_PER_KG_PER_M_S.
Ground contact balance needs an accessory (a chest strap or pod, ACCESSORY_SHARE of the members):
watch-only members' files hold no balance field at all. ASYMMETRIC_SHARE of those with one run with
a persistent asymmetry of ASYMMETRY_POINTS from 50% left; the others stay within SYMMETRIC_POINTS.
Planted: on the program, cadence at the reference speed rises linearly for 12 weeks from the
enrolment start (stopping early when the enrolment ends) by CADENCE_GAIN_SPM_PER_12_WEEKS, linear in
planted session adherence across assessments.ADHERENCE_SPAN; before and off the program it stays put.
Point-to-point noise is symmetric, so a run's median lands on the planted value at its median speed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import numpy as np

from pipelines.demo.assessments import BODY_MASS_KG, DAYS_PER_UNIT, planted_gain, trend_window
from pipelines.demo.club import Athlete
from pipelines.demo.runs import Recording

REFERENCE_SPEED_M_S = 3.0
CADENCE_AT_REFERENCE_SPM = (160.0, 176.0)
CADENCE_SPM_PER_M_S = 9.0
CADENCE_NOISE_SPM = 1.5
CADENCE_GAIN_SPM_PER_12_WEEKS = (0.0, 4.0)  # at adherence 0.30 -> 1.0
GCT_AT_REFERENCE_MS = (235.0, 275.0)
GCT_MS_PER_M_S = -55.0
GCT_NOISE_MS = 6.0
VO_AT_REFERENCE_MM = (75.0, 95.0)
VO_MM_PER_M_S = 4.0
VO_NOISE_MM = 3.0
RUNNING_POWER_W_PER_KG_PER_M_S = 1.04
POWER_NOISE_SHARE = 0.03
ACCESSORY_SHARE = 0.5
ACCESSORY = "HRM-Pro"
ASYMMETRIC_SHARE = 0.35
ASYMMETRY_POINTS = (1.8, 2.6)  # % left away from 50, either side
SYMMETRIC_POINTS = 0.5
BALANCE_NOISE_POINTS = 0.8
DEVICES = {"fenix5": "fenix 5", "fr255": "Forerunner 255"}  # fit_style -> the watch
RPE_DEVICES = frozenset({"fr255"})  # watches that ask for RPE and feel after a run
WATCH_RPE_SHARE = 0.5  # of runs the member answers the watch's question
FEELS = (25, 50, 75)  # FIT workout_feel: weak, normal, strong
FEEL_CHANCES = (0.2, 0.55, 0.25)
FRACTION_STEPS = 128  # fractional_cadence's FIT scale: 1/128 stride/min


@dataclass(frozen=True)
class FormWatch:
    """One member's watch and how they run at the reference speed, with the planted cadence trend."""

    device: str
    accessory: str | None
    cadence_at_reference_spm: float  # before the planted trend
    gct_at_reference_ms: float
    vo_at_reference_mm: float
    mass_kg: float
    balance_left_pct: float | None  # None without an accessory
    cadence_gain_spm_per_12_weeks: float
    trend_start: date | None  # None: not on the program
    trend_end: date | None  # the day the rise stops
    asks_rpe: bool

    def cadence_change(self, start_utc: int) -> float:
        """Planted cadence change (spm) at a run starting at `start_utc`, since the trend start."""
        if self.trend_start is None or self.trend_end is None:
            return 0.0
        day = datetime.fromtimestamp(start_utc, UTC).date()
        days = min(max((day - self.trend_start).days, 0), (self.trend_end - self.trend_start).days)
        return self.cadence_gain_spm_per_12_weeks * days / DAYS_PER_UNIT

    def planted_cadence_spm(self, speed_m_s: float | np.ndarray, start_utc: int):
        """The planted cadence (steps/min) at a speed on a run starting at `start_utc`."""
        return (
            self.cadence_at_reference_spm
            + CADENCE_SPM_PER_M_S * (speed_m_s - REFERENCE_SPEED_M_S)
            + self.cadence_change(start_utc)
        )

    def truth(self) -> dict[str, object]:
        """What truth.json records of the member's watch and planted form."""
        return {
            "device": self.device,
            "accessory": self.accessory,
            "has_accessory": self.accessory is not None,
            "reference_speed_m_s": REFERENCE_SPEED_M_S,
            "cadence_spm_at_reference_speed": round(self.cadence_at_reference_spm, 4),
            "cadence_spm_per_m_s": CADENCE_SPM_PER_M_S,
            "planted_cadence_change_spm_per_12_weeks": round(self.cadence_gain_spm_per_12_weeks, 4),
            "cadence_trend_start": None if self.trend_start is None else str(self.trend_start),
            "cadence_trend_end": None if self.trend_end is None else str(self.trend_end),
            "planted_gct_balance_left_pct": self.balance_left_pct,
            "persistent_balance_asymmetry": self.balance_left_pct is not None
            and abs(self.balance_left_pct - 50.0) > SYMMETRIC_POINTS,
        }


def form_watch(
    athlete: Athlete, monday: date, weeks: int, rng: np.random.Generator
) -> FormWatch | None:
    """The member's running-dynamics watch (members whose files are FIT), or None."""
    if athlete.activity_format != "fit" or athlete.via_strava:
        return None
    accessory = rng.random() < ACCESSORY_SHARE
    balance = None
    if accessory:
        if rng.random() < ASYMMETRIC_SHARE:
            balance = 50.0 + float(rng.choice([-1.0, 1.0])) * rng.uniform(*ASYMMETRY_POINTS)
        else:
            balance = 50.0 + rng.uniform(-SYMMETRIC_POINTS, SYMMETRIC_POINTS)
        balance = round(balance, 2)  # what the FIT field can hold
    mass_mean, mass_sd = BODY_MASS_KG[athlete.sex]
    adherence = athlete.adherence
    start, end = trend_window(athlete, monday, weeks)
    return FormWatch(
        device=DEVICES[athlete.fit_style],
        accessory=ACCESSORY if accessory else None,
        cadence_at_reference_spm=float(rng.uniform(*CADENCE_AT_REFERENCE_SPM)),
        gct_at_reference_ms=float(rng.uniform(*GCT_AT_REFERENCE_MS)),
        vo_at_reference_mm=float(rng.uniform(*VO_AT_REFERENCE_MM)),
        mass_kg=float(np.clip(rng.normal(mass_mean, mass_sd), 45.0, 110.0)),
        balance_left_pct=balance,
        cadence_gain_spm_per_12_weeks=(
            0.0 if adherence is None else planted_gain(adherence, CADENCE_GAIN_SPM_PER_12_WEEKS)
        ),
        trend_start=start,
        trend_end=end,
        asks_rpe=athlete.fit_style in RPE_DEVICES,
    )


def _cadence_fields(spm: np.ndarray) -> dict[str, np.ndarray]:
    """FIT cadence (whole strides/min) and fractional_cadence (strides/min, 1/128 steps)."""
    steps = np.clip(np.round(spm / 2.0 * FRACTION_STEPS), 0, 254 * FRACTION_STEPS)
    whole = np.floor(steps / FRACTION_STEPS)
    return {
        "cadence": whole,
        "fractional_cadence": (steps - whole * FRACTION_STEPS) / FRACTION_STEPS,
    }


def dynamics_records(
    watch: FormWatch, rec: Recording, rng: np.random.Generator
) -> tuple[Recording, dict[str, np.ndarray]]:
    """The run with its cadence as the watch stores it, and each record's running dynamics by FIT
    record field name (physical units)."""
    n, speed = len(rec.t), rec.speed
    off = speed - REFERENCE_SPEED_M_S
    spm = watch.planted_cadence_spm(speed, int(rec.t[0])) + rng.normal(0.0, CADENCE_NOISE_SPM, n)
    fields = _cadence_fields(spm)
    spm = 2.0 * (fields["cadence"] + fields["fractional_cadence"])
    gct = watch.gct_at_reference_ms + GCT_MS_PER_M_S * off + rng.normal(0.0, GCT_NOISE_MS, n)
    gct = np.clip(gct, 150.0, 400.0)
    vo = watch.vo_at_reference_mm + VO_MM_PER_M_S * off + rng.normal(0.0, VO_NOISE_MM, n)
    step_mm = 1000.0 * speed / (spm / 60.0)
    power = watch.mass_kg * speed * RUNNING_POWER_W_PER_KG_PER_M_S
    fields |= {
        "stance_time": np.round(gct, 1),
        "stance_time_percent": np.round(100.0 * gct / (2.0 * 60_000.0 / spm), 2),
        "vertical_oscillation": np.round(vo, 1),
        "vertical_ratio": np.round(100.0 * vo / step_mm, 2),
        "step_length": np.round(step_mm, 1),
        "power": np.round(power * (1.0 + rng.normal(0.0, POWER_NOISE_SHARE, n))),
    }
    if watch.balance_left_pct is not None:
        balance = watch.balance_left_pct + rng.normal(0.0, BALANCE_NOISE_POINTS, n)
        fields["stance_time_balance"] = np.round(np.clip(balance, 40.0, 60.0), 2)
    return replace(rec, cad=fields["cadence"]), fields


def watch_rating(
    watch: FormWatch, rec: Recording, rng: np.random.Generator
) -> tuple[int, int] | None:
    """(RPE 1-10, feel 0-100) the member entered on the watch after this run, or None: harder and
    longer runs feel harder."""
    if not watch.asks_rpe or rng.random() >= WATCH_RPE_SHARE:
        return None
    plan = rec.plan
    effort = 1.5 + 15.0 * (plan.v_flat / plan.v_threshold - 0.7) + plan.moving_s / 2400.0
    rpe = int(np.clip(np.round(effort + rng.normal(0.0, 0.7)), 1, 10))
    return rpe, int(rng.choice(FEELS, p=FEEL_CHANCES))
