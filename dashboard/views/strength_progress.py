"""The strength progression view of one athlete ("My strength"): where each exercise stands in words,
its progress measure over the sessions, and the weekly working sets by exercise group."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.config import MetricSettings


def measures_text(settings: MetricSettings) -> str:
    """How progress is measured, with the settings the numbers were computed with."""
    return (
        "Working sets only (warm-up sets are not counted). Loaded exercises: estimated 1RM "
        "(Epley: load x (1 + reps / 30), from sets of 1 to "
        f"{settings.strength_e1rm_max_reps} reps) - an estimate of the most you could lift once, "
        "not a tested maximum. Body-weight and band exercises: the best set's reps x band level "
        "(band colours to levels in the club's exercise catalogue; no band = level 1 by "
        "default). Timed holds: the longest hold in seconds."
    )


def states_text(settings: MetricSettings) -> str:
    """What each progression state means, with the settings behind it."""
    flat = settings.strength_flat_sessions
    return (
        f"Progressing: a new best within the last {flat} sessions. Flat: no new best for {flat} "
        f"sessions. Regressing: more than {settings.strength_regress_drop:.0%} below the best of "
        f"the {settings.strength_recent_sessions} sessions before. Ready to progress (a "
        "suggestion; the coach decides): every working set reached the top of the prescribed rep "
        f"range at RPE {settings.strength_ready_max_rpe:g} or lower; no hint when RPE was not "
        "logged on every set."
    )


def _state_sentence(row: dict) -> str:
    """Where one exercise stands, in words."""
    measure = row["progress_measure_name"]
    text = (
        f"**{row['exercise_name']}** is **{row['state']}**: {row['progress_measure']:.1f} "
        f"({measure}) on {row['local_date']:%d %b %Y}"
    )
    if row["previous_best"] is not None:
        text += f"; the best before was {row['previous_best']:.1f}"
    note = row["ready_note"]
    return text + f". Ready to progress? {note[:1].upper()}{note[1:]}."


def render(viewer: Viewer, key: str = "me") -> None:
    """The strength progression view of the athlete in view (the member's own, or the coach's pick)."""
    settings = data.metric_settings(viewer)
    st.caption(measures_text(settings))
    progress = data.athlete_strength_progress(viewer)
    if progress.is_empty():
        st.info(
            "No strength session with a catalogue exercise yet: upload your Strong or Hevy export "
            "on the Upload page."
        )
    else:
        st.subheader("Where each exercise stands")
        st.caption(states_text(settings))
        latest = progress.filter(pl.col("is_latest_session"))
        ui.table(
            latest.select(
                "exercise_name",
                "state",
                pl.col("progress_measure").round(1),
                "progress_measure_name",
                pl.col("previous_best").round(1),
                "local_date",
                "ready_note",
            ),
            column_config={
                "exercise_name": "Exercise",
                "state": "State",
                "progress_measure": "Latest",
                "progress_measure_name": "Measured as",
                "previous_best": "Best before",
                "local_date": st.column_config.DateColumn("Last session"),
                "ready_note": "Ready to progress? (suggestion)",
            },
        )
        names = latest["exercise_name"].to_list()
        chosen = st.selectbox("Exercise", names, key=f"{key}_strength_exercise")
        one = progress.filter(pl.col("exercise_name") == chosen)
        ui.chart(charts.exercise_progress(one), key=f"{key}_strength_progress")
        st.write(_state_sentence(one.row(-1, named=True)))
        ui.download(progress, "my_strength_progress.csv", key=f"{key}_strength_csv")
    st.subheader("Weekly sets by exercise group")
    st.caption(
        "Activation = glute med/min (clamshell, side-lying raise, band walk); hip extension = "
        "glute max (bridge, hip thrust, deadlifts); single-leg; foot/ankle; core. An exercise in "
        "two groups counts in both."
    )
    groups = data.athlete_strength_groups(viewer)
    ui.chart(charts.weekly_group_sets(groups), key=f"{key}_strength_groups")
