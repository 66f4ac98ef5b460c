"""The coach's club view of assessments: who has no baseline or is due a re-test, each test's latest
values (hip abduction torque against the Ramskov norm), and changes beyond noise by adherence band."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.formatting import adherence_bands_text

STATUSES = {"no_baseline": "Baseline missing", "due": "Re-test due", "current": "Up to date"}
# Hip abduction torque per body mass: plotted against the Ramskov 2014 norm and by adherence band.
TORQUE = "torque_nm_kg"
OBSERVATIONAL = (
    "Observational: members who keep up the program may differ in other ways, so a difference "
    "between bands is an association, not proof the program caused it."
)


def status(viewer: Viewer) -> None:
    """Who has no baseline and who is due a re-test, with the interval the club set."""
    st.subheader("Baselines and re-tests")
    table = data.club_assessment_status(viewer)
    weeks = table["retest_weeks"][0] if table.height else None
    st.caption(
        f"A re-test is due {weeks} weeks after the last assessment (the club's interval, setting "
        "`assessment_retest_weeks`). Assess before prescribing: an enrolled member without a "
        "baseline has nothing to compare the program against."
    )
    ui.table_or_notice(
        table.filter(pl.col("status") != "current").select(
            "display_name",
            pl.col("status").replace_strict(STATUSES, default=pl.col("status")),
            "enrolled",
            "baseline_on",
            "last_assessed_on",
            "retest_due_on",
        ),
        column_config={
            "display_name": "Member",
            "status": "Status",
            "enrolled": "Enrolled in a program",
            "baseline_on": st.column_config.DateColumn("Baseline"),
            "last_assessed_on": st.column_config.DateColumn("Last assessed"),
            "retest_due_on": st.column_config.DateColumn("Re-test due"),
        },
        when_empty="Every member has a baseline and nobody is due a re-test.",
        good_news=True,
    )
    ui.download(table, "assessment_status.csv", key="assessment_status_csv")


def latest(viewer: Viewer) -> None:
    """Per test and measure, each member's latest value; torque against the norm."""
    st.subheader("Latest values")
    catalog = data.assessment_catalog(viewer)
    for test in catalog.filter(pl.col("measure") == TORQUE)["test"].unique(maintain_order=True):
        torque = data.club_latest_assessments(viewer, test).filter(pl.col("measure") == TORQUE)
        ui.chart(charts.club_against_norm(torque), key=f"assessment_norm_{test}")
    st.caption(
        "Norm: eccentric (break) hip abduction torque of novice runners, predicted = 1.600 - 0.005 "
        "x age + 0.215 x male Nm/kg, SD 0.354 (Ramskov 2014); z = (value - predicted) / SD. Make "
        "tests and other positions are not compared with it (side-lying gives about 30% more)."
    )
    names = dict(catalog.select("test", "test_name").unique(maintain_order=True).iter_rows())
    test = st.selectbox("Test", list(names), format_func=names.get, key="assessment_test")
    shown = data.club_latest_assessments(viewer, test)
    ui.table_or_notice(
        shown.select(
            "display_name",
            "measure_name",
            "side",
            "assessed_on",
            "value",
            "level",
            "unit",
            "norm_z",
            "assessor",
        ),
        column_config={
            "display_name": "Member",
            "measure_name": "Measure",
            "side": "Side",
            "assessed_on": st.column_config.DateColumn("Assessed"),
            "value": st.column_config.NumberColumn("Value", format="%.3g"),
            "level": "Rating",
            "unit": "Unit",
            "norm_z": st.column_config.NumberColumn("z vs Ramskov norm", format="%.1f"),
            "assessor": "Assessed by",
        },
        when_empty="No member has been assessed with this test yet.",
    )
    ui.download(shown, f"assessment_latest_{test}.csv", key="assessment_latest_csv")


def changes(viewer: Viewer) -> None:
    """Re-test changes beyond the test's noise, by adherence band, and the modelled change."""
    settings = data.metric_settings(viewer)
    st.subheader("Changes beyond test noise, by adherence band")
    st.caption(f"{OBSERVATIONAL} {adherence_bands_text(settings)}")
    counts = data.club_change_counts(viewer)
    ui.table_or_notice(
        counts,
        column_config={
            "adherence_band": "Adherence band",
            "test_name": "Test",
            "measure_name": "Measure",
            "better": "Better beyond noise",
            "within_noise": "Within noise",
            "worse": "Worse beyond noise",
        },
        when_empty="No re-tests yet: changes show once members are assessed a second time.",
    )
    by_band = data.assessment_change_by_band(viewer)
    ui.chart(
        charts.change_by_band(
            by_band,
            TORQUE,
            "Hip abduction torque change by adherence band (observational)",
            "Nm/kg",
        ),
        key="assessment_band_torque",
    )
    ui.chart(
        charts.change_by_band(
            by_band,
            "good_share",
            "Single-leg squat: change in the share of sides rated good, by adherence band "
            "(observational)",
            "share of sides",
        ),
        key="assessment_band_squat",
    )
    if by_band.height:
        st.caption(f"Method: {by_band['ci_method'][0]}. {OBSERVATIONAL}")
    ui.download(by_band, "assessment_change_by_band.csv", key="assessment_band_csv")
    worse = data.club_worsened(viewer)
    with st.expander(f"Every change worse beyond noise ({worse.height})"):
        ui.table(
            worse.select(
                "display_name",
                "test_name",
                "measure_name",
                "side",
                "baseline_on",
                "assessed_on",
                "change",
                "unit",
                "assessor_changed",
            ),
            column_config={
                "display_name": "Member",
                "test_name": "Test",
                "measure_name": "Measure",
                "side": "Side",
                "baseline_on": st.column_config.DateColumn("Baseline"),
                "assessed_on": st.column_config.DateColumn("Re-test"),
                "change": st.column_config.NumberColumn("Change", format="%+.3g"),
                "unit": "Unit",
                "assessor_changed": "Assessor changed",
            },
        )
