"""Planted injuries (a hazard per running hour) and the weekly OSTRC-O2 answers that go with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

# Running-related injuries per 1000 running hours for low adherence and non-enrolled runners
# (between Videbaek 2015's recreational 7.7 and novice 17.8, so 40 athletes give a usable count).
RRI_PER_1000H = 14.0
BAND_HAZARD_RATIO = {"high": 0.5, "medium": 0.7, "low": 1.0}
IRR_HIGH_VS_LOW = BAND_HAZARD_RATIO["high"] / BAND_HAZARD_RATIO["low"]
LOAD_SPIKE_HAZARD_RATIO = 2.0  # the spike week and the week after
MINOR_PER_1000H = 5.0  # niggles that never meet the Yamato definition
ADHERENCE_LAG_WEEKS = 4

HEALTHY, STOPPED, MODIFIED, NIGGLE = 0, 1, 2, 3

LOWER_LIMB_SITES = {
    "knee": ("Pain below kneecap on descents", "Outside of knee aches after 5 km"),
    "achilles": ("Achilles stiff in the morning", "Sore Achilles after hill repeats"),
    "calf": ("Calf strain on the long run", "Tight calf, pulled up mid-run"),
    "shin": ("Shin splints", "Inner shin pain on hard surfaces"),
    "foot": ("Heel pain first steps in the morning", "Top of foot sore after new shoes"),
    "hip": ("Outer hip pain lying on that side", "Hip flexor pain on uphills"),
    "hamstring": ("Hamstring twinge in strides", "High hamstring ache when sitting"),
    "ankle": ("Rolled ankle on trail", "Ankle swelling after long run"),
    "lower_leg": ("Lower leg ache after intervals",),
    "thigh": ("Quad tightness after downhill race",),
    "groin": ("Groin pain on turns",),
}
SITE_WEIGHTS = np.array([0.22, 0.10, 0.12, 0.10, 0.10, 0.08, 0.10, 0.08, 0.05, 0.03, 0.02])
OTHER_SITES = {"lower_back": ("Stiff lower back",), "other": ("Sore shoulder from a fall",)}


@dataclass(frozen=True)
class Injury:
    """One row of the club's injury log."""

    onset: date
    body_region: str
    side: str
    description: str
    modified_days: int
    stopped_days: int
    consulted: bool
    running_related: bool  # planted: meets Yamato 2015 (lower limb, >= 7 days or consulted)


def hazard_per_hour(band: str | None, lagged_enrolled: bool, load_spike: bool) -> float:
    """Chance of a running-related injury per running hour this week."""
    ratio = BAND_HAZARD_RATIO[band] if lagged_enrolled and band else 1.0
    return RRI_PER_1000H / 1000.0 * ratio * (LOAD_SPIKE_HAZARD_RATIO if load_spike else 1.0)


def _side(rng: np.random.Generator) -> str:
    return str(rng.choice(["left", "right", "both"], p=[0.47, 0.47, 0.06]))


def running_injury(rng: np.random.Generator, onset: date) -> Injury:
    """A lower-limb injury that restricts running >= 7 days (or sends the runner to a physio)."""
    site = str(rng.choice(list(LOWER_LIMB_SITES), p=SITE_WEIGHTS / SITE_WEIGHTS.sum()))
    stopped = 0 if rng.random() < 0.35 else int(rng.integers(1, 22))
    modified = int(rng.integers(max(2, 7 - stopped), 29))
    return Injury(
        onset=onset,
        body_region=site,
        side=_side(rng),
        description=str(rng.choice(LOWER_LIMB_SITES[site])),
        modified_days=modified,
        stopped_days=stopped,
        consulted=bool(rng.random() < 0.5),
        running_related=True,
    )


def minor_complaint(rng: np.random.Generator, onset: date) -> Injury:
    """A niggle: lower-limb but short and unseen by a professional, or not a leg at all."""
    if rng.random() < 0.6:
        site = str(rng.choice(list(LOWER_LIMB_SITES), p=SITE_WEIGHTS / SITE_WEIGHTS.sum()))
        modified, stopped = int(rng.integers(1, 5)), int(rng.integers(0, 2))
        return Injury(
            onset, site, _side(rng), "Niggle, settled within days", modified, stopped, False, False
        )
    site = str(rng.choice(list(OTHER_SITES)))
    return Injury(
        onset,
        site,
        "na",
        OTHER_SITES[site][0],
        int(rng.integers(0, 8)),
        int(rng.integers(0, 4)),
        bool(rng.random() < 0.2),
        False,
    )


def mark_injury(status: np.ndarray, onset_day: int, injury: Injury) -> None:
    """Flag the days after onset: stopped first, then reduced running."""
    first = onset_day + 1
    stop_end = first + injury.stopped_days
    status[first:stop_end] = STOPPED
    reduced = MODIFIED if injury.running_related else NIGGLE
    status[stop_end : stop_end + injury.modified_days] = reduced


def ostrc_answer(rng: np.random.Generator, week_status: np.ndarray, around_injury: bool):
    """OSTRC-O2 option codes (q1..q4) for a week with these day statuses."""
    stopped = int(np.count_nonzero(week_status == STOPPED))
    modified = int(np.count_nonzero(week_status == MODIFIED))
    niggle = int(np.count_nonzero(week_status == NIGGLE))
    if stopped >= 4:
        return 3, 4, 4, int(rng.integers(2, 4))
    if stopped >= 1 or modified >= 3:
        return 2, int(rng.integers(2, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 3))
    if modified or niggle:
        return 1, int(rng.integers(0, 2)), int(rng.integers(0, 2)), 1
    if around_injury and rng.random() < 0.6:
        return 1, 0, int(rng.integers(0, 2)), 1
    draw = rng.random()
    if draw < 0.12:
        return 1, 0, 0, 1
    if draw < 0.15:
        return 2, 1, 1, 1
    return 0, 0, 0, 0


def ostrc_weeks(
    rng: np.random.Generator, status: np.ndarray, onsets: list[int], response_rate: float
) -> list[tuple[int, tuple[int, int, int, int]]]:
    """(week index, answers) for the weeks the athlete answered."""
    weeks = len(status) // 7
    near = np.zeros(weeks, dtype=bool)
    for day in onsets:  # a sore week before onset, and the week after recovery
        near[max(0, day // 7 - 1)] = True
    ends = np.flatnonzero((status[:-1] != HEALTHY) & (status[1:] == HEALTHY)) + 1
    near[np.minimum(ends // 7, weeks - 1)] = True
    answered = rng.random(weeks) < response_rate
    return [
        (w, ostrc_answer(rng, status[7 * w : 7 * w + 7], bool(near[w])))
        for w in range(weeks)
        if answered[w]
    ]
