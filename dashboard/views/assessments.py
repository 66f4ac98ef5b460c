"""The assessment view of one athlete ("My assessments"): each test over time, left and right, with
the real-change band around the baseline, limb symmetry, and the changes in plain words."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.formatting import CATEGORIES, assessment_change_sentence

SCREENING = (
    "Screening tests of hip and leg strength and control, recorded by your coach or physio: they "
    "show change over time and are not a diagnosis. The shaded band around your first value is "
    "the test's measurement noise; only a change outside it is a real change."
)
BASELINE_MISSING = (
    "Baseline missing: enrolled in a program without a baseline assessment. Assess before "
    "prescribing, so the program's effect on the signs it targets can be followed."
)
# The tests that speak to each exercise group of the program (the glute program's targets).
PROGRAM_CONTEXT = {
    "glute_med_min": ("hip_abduction_hhd", "trendelenburg", "side_bridge"),
    "glute_max": ("single_leg_bridge",),
    "single_leg": ("single_leg_squat", "running_video", "single_hop", "triple_hop", "y_balance"),
}
LSI = "lsi_pct"
LSI_METHOD = "weaker side / stronger side x 100; healthy runners are around 99%"


def _status_text(status: pl.DataFrame) -> str | None:
    if status.is_empty() or status["last_assessed_on"][0] is None:
        return None
    row = status.row(0, named=True)
    return (
        f"First assessed {row['baseline_on']:%d %b %Y}, last {row['last_assessed_on']:%d %b %Y}; "
        f"next re-test due {row['retest_due_on']:%d %b %Y} (the club re-tests every "
        f"{row['retest_weeks']} weeks)."
    )


def _numbers(rows: pl.DataFrame, key: str) -> None:
    """A chart per measure that can get better or worse, and the latest change per side in words."""
    tracked = rows.filter((pl.col("kind") == "number") & (pl.col("better") != "none"))
    charted = tracked.filter(pl.col("measure") != LSI)
    for measure in charted["measure"].unique(maintain_order=True):
        one = charted.filter(pl.col("measure") == measure)
        first = one.row(0, named=True)
        title = f"{first['test_name']}: {first['measure_name']}"
        ui.chart(charts.assessment_trend(one, title, first["unit"]), key=f"{key}_{measure}")
        label = first["test_name"].lower()
        if charted["measure"].n_unique() > 1 or first["derived"]:
            label += f", {first['measure_name'].lower()},"
        retests = one.filter(
            (pl.col("assessed_on") == pl.col("assessed_on").max()) & ~pl.col("is_baseline")
        )
        for row in retests.iter_rows(named=True):
            st.write(assessment_change_sentence(row, label))
    symmetry = tracked.filter(pl.col("measure") == LSI).sort("assessed_on")
    if not symmetry.is_empty():
        last = symmetry.row(-1, named=True)
        st.metric(
            f"Limb symmetry, {last['assessed_on']:%d %b %Y}",
            f"{last['value']:.0f}%",
            delta=None
            if last["change"] is None
            else f"{last['change']:+.0f} points since baseline",
            delta_color="off",
            help=f"Limb symmetry index = {LSI_METHOD}.",
        )


def _ratings(rows: pl.DataFrame) -> None:
    """Rated criteria (good/fair/poor, absent/mild/marked) per session and side."""
    rated = rows.filter(pl.col("kind") == "level")
    if rated.is_empty():
        return
    ui.table(
        rated.sort("assessed_on", "measure", "side").select(
            "assessed_on", "measure_name", "side", "level", "assessor", "assessor_changed"
        ),
        column_config={
            "assessed_on": st.column_config.DateColumn("Date"),
            "measure_name": "Criterion",
            "side": "Side",
            "level": "Rating",
            "assessor": "Assessed by",
            "assessor_changed": "Assessor changed (ratings agree poorly between raters)",
        },
    )


def render(viewer: Viewer, key: str = "me") -> None:
    """The assessment view of the athlete in view (the member's own, or the coach's pick)."""
    st.caption(SCREENING)
    results = data.athlete_assessments(viewer)
    if results.is_empty():
        st.info("No assessment recorded yet: your coach or physio records them after testing.")
        return
    status = _status_text(data.athlete_assessment_status(viewer))
    if status:
        st.write(status)
    for test in results["test"].unique(maintain_order=True):
        rows = results.filter(pl.col("test") == test)
        st.subheader(rows["test_name"][0])
        _numbers(rows, f"{key}_{test}")
        _ratings(rows)
    ui.download(results, "my_assessments.csv", key=f"{key}_assessments_csv")


def baseline_missing(viewer: Viewer) -> bool:
    """True when the athlete in view is enrolled in a program but has no baseline assessment."""
    status = data.athlete_assessment_status(viewer)
    return status.filter(pl.col("enrolled") & (pl.col("status") == "no_baseline")).height > 0


def program_context(viewer: Viewer, categories: list[str]) -> None:
    """The athlete's latest results beside the phase's exercise groups, for the coach's decision
    to progress (suggestions only)."""
    results = data.athlete_assessments(viewer)
    tests = {t: c for c in categories for t in PROGRAM_CONTEXT.get(c, ())}
    latest = (
        results.filter(pl.col("test").is_in(list(tests)) & (pl.col("better") != "none"))
        .filter(pl.col("assessed_on") == pl.col("assessed_on").max().over("test"))
        .with_columns(
            group=pl.col("test").replace_strict(tests).replace_strict(CATEGORIES),
            result=pl.coalesce(pl.col("level"), pl.col("value").round(2).cast(pl.String)),
        )
    )
    st.markdown("**Latest assessment beside this phase's exercise groups**")
    st.caption("Context for the decision to progress: suggestions only; the coach decides.")
    ui.table_or_notice(
        latest.select(
            "group",
            "test_name",
            "measure_name",
            "side",
            "result",
            "unit",
            "direction",
            "assessed_on",
        ),
        column_config={
            "group": "Exercise group",
            "test_name": "Test",
            "measure_name": "Measure",
            "side": "Side",
            "result": "Latest",
            "unit": "Unit",
            "direction": "Since baseline",
            "assessed_on": st.column_config.DateColumn("Assessed"),
        },
        when_empty=BASELINE_MISSING if baseline_missing(viewer) else "No assessment of these yet.",
    )
