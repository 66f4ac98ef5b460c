"""Numbers and codes turned into the words a coach or member reads (no Streamlit, no queries)."""

from __future__ import annotations

import json
import math

import polars as pl

from dashboard.config import MetricSettings
from pipelines.methods import Method

CASE_DEFINITIONS = {
    "running_related_injury": "Running-related injury (Yamato 2015: 7+ days restricted or saw a professional)",
    "time_loss": "Time-loss injury (at least 1 day without running)",
    "any_complaint": "Any complaint logged",
}
# How a session's load was estimated (int_session_load.load_method), in the load axis's words.
LOAD_METHODS = {
    "trimp": "TRIMP",
    "watch_rpe": "RPE x minutes (watch)",
    "session_rpe": "session RPE x minutes",
    "default_intensity": "default per minute",
}
COMPARISONS = {"club": "Whole club", "adherence_band": "Adherence band", "enrolment": "Enrolment"}
AT_RISK_REASONS = {
    "load_spike": "Load spike",
    "substantial_ostrc": "Substantial health problem (OSTRC)",
    "same_area_3_weeks": "Same body area 3 weeks running (OSTRC)",
    "adherence_drop": "Strength sessions dropping off",
    "assessment_worsened": "Assessment worsened beyond noise",
}
CATEGORIES = {
    "glute_med_min": "Side glutes (clamshell, side-lying raise, band walk)",
    "glute_max": "Hip extension (bridge, hip thrust, deadlift)",
    "single_leg": "Single-leg (step-up, split squat, single-leg deadlift)",
    "foot_ankle": "Foot and ankle (calf raise, balance)",
    "core_mobility": "Core and hip mobility",
}
FILE_STATUSES = {
    "ingested": "Used",
    "rejected": "Could not be used",
    "duplicate_bytes": "Already received",
    "empty": "Empty",
}


def pace_text(seconds_per_km: float | None) -> str:
    """A pace in s/km as 'm:ss /km'."""
    if seconds_per_km is None or math.isnan(seconds_per_km):
        return "-"
    total = round(seconds_per_km)
    return f"{total // 60}:{total % 60:02d} /km"


def pace_text_expr(column: str) -> pl.Expr:
    """Vectorised 'm:ss' text of a seconds-per-km column (for hover labels)."""
    total = pl.col(column).round(0).cast(pl.Int64)
    return (
        pl.when(total.is_null())
        .then(pl.lit("-"))
        .otherwise(
            (total // 60).cast(pl.String)
            + pl.lit(":")
            + (total % 60).cast(pl.String).str.zfill(2)
            + pl.lit(" /km")
        )
        .alias(column)
    )


def duration_text_expr(column: str) -> pl.Expr:
    """Vectorised 'h:mm:ss' or 'm:ss' text of a seconds column."""
    total = pl.col(column).round(0).cast(pl.Int64)
    minutes_seconds = (
        ((total % 3600) // 60).cast(pl.String).str.zfill(2)
        + pl.lit(":")
        + (total % 60).cast(pl.String).str.zfill(2)
    )
    return (
        pl.when(total.is_null())
        .then(pl.lit("-"))
        .when(total >= 3600)
        .then((total // 3600).cast(pl.String) + pl.lit(":") + minutes_seconds)
        .otherwise(
            (total // 60).cast(pl.String) + pl.lit(":") + (total % 60).cast(pl.String).str.zfill(2)
        )
        .alias(column)
    )


def percent(share: float | None) -> str:
    """A 0-1 share as a whole percentage."""
    return "-" if share is None or math.isnan(share) else f"{share:.0%}"


WEEK_IN_PROGRESS = (
    "The week in progress is left out of adherence until it ends (Sunday): on a Tuesday nobody has "
    "missed that week's sessions yet."
)


def adherence_bands_text(settings: MetricSettings) -> str:
    """The band thresholds in words, shown next to every banded number."""
    return (
        f"High adherence = at least {settings.adherence_high:.0%} of prescribed strength sessions; "
        f"medium = {settings.adherence_medium:.0%} to {settings.adherence_high:.0%}; "
        f"low = under {settings.adherence_medium:.0%}."
    )


def load_units_text(weekly: pl.DataFrame) -> str:
    """What the load in `weekly` is, from its weeks' load_methods: 'TRIMP + session RPE x minutes'."""
    used = set(weekly["load_methods"].explode().drop_nulls()) if weekly.height else set()
    return " + ".join(label for method, label in LOAD_METHODS.items() if method in used) or "none"


def trend_window_text(trend_window: str, settings: MetricSettings) -> str:
    """'over the last 12 weeks' or 'since the program started'."""
    if trend_window == "last_12_weeks":
        return f"over the last {settings.trend_recent_weeks} weeks"
    return "since the program started"


def pace_trend_sentence(trend: dict, who: str, settings: MetricSettings) -> str:
    """One mart_pace_trends row in plain words; 'improved' only when the 95% CI excludes no change."""
    window = trend_window_text(trend["trend_window"], settings)
    slope, low, high = trend["slope_s_per_km_per_4wk"], trend["ci_low"], trend["ci_high"]
    subject = "Your" if who == "you" else f"{who}'s"
    if trend["direction"] == "insufficient_data" or slope is None:
        return (
            f"Not enough weeks with runs to judge {subject.lower() if who == 'you' else subject} "
            f"grade-adjusted pace {window} ({trend['n_weeks'] or 0} weeks with runs)."
        )
    # Pace is seconds per km, so a negative slope means faster.
    if trend["direction"] == "improving":
        return (
            f"{subject} grade-adjusted pace improved by {-slope:.0f} s/km per 4 weeks {window} "
            f"(95% CI {-high:.0f} to {-low:.0f} s/km)."
        )
    if trend["direction"] == "slower":
        return (
            f"{subject} grade-adjusted pace got slower by {slope:.0f} s/km per 4 weeks {window} "
            f"(95% CI {low:.0f} to {high:.0f} s/km)."
        )
    return (
        f"{subject} grade-adjusted pace shows no clear change {window}: "
        f"{slope:+.0f} s/km per 4 weeks, and the 95% CI ({low:+.0f} to {high:+.0f} s/km) includes no change."
    )


def before_after_sentence(row: dict, who: str) -> str:
    """Before/after enrolment median pace in plain words."""
    subject = "Your" if who == "you" else f"{who}'s"
    before, after = row["gap_before_s_per_km"], row["gap_after_s_per_km"]
    if before is None or after is None:
        return f"{subject} before/after comparison needs runs in the 6 weeks before and weeks 7-12 after enrolment."
    change = row["change_s_per_km"]
    word = "faster" if change < 0 else "slower"
    return (
        f"{subject} median grade-adjusted pace was {pace_text(before)} in the {row['weeks_before']} weeks "
        f"with runs before enrolment and {pace_text(after)} in weeks 7-12 after "
        f"({abs(change):.0f} s/km {word}; a before/after comparison, not proof the program caused it)."
    )


def settings_table(settings_json: str | None) -> pl.DataFrame:
    """The thresholds a publish was made with, one readable row each (setting, value)."""
    values = json.loads(settings_json) if settings_json else {}
    return pl.DataFrame(
        {
            "setting": [name.replace("_", " ").capitalize() for name in values],
            "value": [str(value) for value in values.values()],
        },
        schema={"setting": pl.String, "value": pl.String},
    )


def count_text(n: int, thing: str) -> str:
    """'1 case', '3 cases'."""
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _amount(value: float, unit: str | None, measure_unit: str) -> str:
    """A change or threshold to three significant figures: '14.2%' of the baseline, or '4.5 cm' in
    the measure's unit (a 10.4% change reads as more than the 10% threshold it passed)."""
    return f"{value:.3g}%" if unit == "pct" else f"{value:.3g} {measure_unit}"


def assessment_change_sentence(row: dict, label: str, who: str = "you") -> str:
    """A re-test's change from baseline in plain words, against the test's noise (screening only).

    `row` is a mart_assessment_results row; the change is a percentage of the baseline when the
    test's real-change threshold is one (HHD 5%, hops 10%), else in the measure's unit."""
    subject = "Your" if who == "you" else f"{who}'s"
    side = "" if row["side"] == "both" else f"{row['side']} "
    since = f"since the baseline of {row['baseline_on']:%d %b %Y}"
    if not row["change"]:
        return f"{subject} {side}{label} has not changed {since}."
    verb = "rose" if row["change"] > 0 else "fell"
    by_pct = row["real_change_unit"] == "pct"
    amount = _amount(
        abs(row["change_pct"] if by_pct else row["change"]), row["real_change_unit"], row["unit"]
    )
    if row["real_change"] is None:
        return f"{subject} {side}{label} {verb} {amount} {since} (this measure has no published test noise)."
    noise = _amount(row["real_change"], row["real_change_unit"], row["unit"])
    if row["beyond_noise"]:
        better = "an improvement" if row["direction"] == "better" else "a decline"
        return f"{subject} {side}{label} {verb} {amount} {since}, beyond the {noise} test noise ({better})."
    return f"{subject} {side}{label} {verb} {amount} {since}, within the {noise} test noise: not a real change yet."


def method_markdown(declared: Method, thresholds: dict[str, object]) -> str:
    """One declared method as the Methods page shows it, its settings with their published values."""
    lines = [
        f"**Method:** {declared.label}.",
        f"**Definition:** {declared.definition}",
        f"**Source:** {declared.source}",
    ]
    if declared.settings:
        values = ", ".join(f"`{name}` = {thresholds[name]}" for name in declared.settings)
        lines.append(f"**Settings:** {values}")
    lines.append(f"**Known limits:** {declared.limits}")
    return "\n\n".join(lines)
