"""Coach: injury rates by adherence band and enrolment (observational), and OSTRC prevalence over time."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.formatting import CASE_DEFINITIONS, COMPARISONS, adherence_bands_text, percent
from pipelines.methods import method

viewer = ui.coach_viewer()
ui.page_start(viewer, "Injuries and health")
settings = data.metric_settings(viewer)

case = st.selectbox(
    "Case definition",
    list(CASE_DEFINITIONS),
    format_func=CASE_DEFINITIONS.get,
    key="injuries_case",
)
incidence = data.injury_incidence(viewer, case)
ui.chart(charts.incidence_forest(incidence), key="injuries_forest")
if not incidence.is_empty():
    ratios = incidence.filter(pl.col("comparison") != "club")
    st.caption(
        f"Rates: {method('incidence_rate').label}, 95% CI {incidence['rate_ci_method'][0]}. "
        f"Rate ratios: {method('incidence_rate_ratio').label}, 95% CI "
        f"{', '.join(ratios['ci_method'].drop_nulls().unique(maintain_order=True)) or 'none'}."
    )
st.caption(
    "Association, not causation: these are observational club data, so athletes who keep up the "
    "program may differ in other ways. Rates count running hours at risk (time while injured is "
    f"excluded). Adherence band is measured {settings.adherence_lag_weeks} weeks before each injury, "
    f"because injured runners stop lifting. {adherence_bands_text(settings)} "
    "For context: recreational runners average 7.7 (6.9-8.7) injuries per 1000 h (Videbaek 2015). "
    "Rate CIs: exact Poisson (Garwood)."
)
adjusted = data.injury_adjusted(viewer, case)
ui.chart(charts.rate_ratio_forest(incidence, adjusted), key="injuries_ratios")
st.caption(
    "A ratio below 1 = fewer injuries per running hour than the low band. "
    "Crude: the bands' rates divided, with an athlete cluster bootstrap 95% CI (athletes resampled "
    "with all their weeks, because one runner's repeated injuries are not independent; the table's "
    "exact conditional CI assumes they are). Adjusted: a Poisson GEE on athlete-weeks with running "
    "hours at risk as exposure, adjusted for a previous injury, the previous week's running km, age "
    "and sex where the data allow, with robust CIs clustered by athlete (independence working correlation). Both are "
    "observational associations."
)
for row in adjusted.filter(pl.col("not_estimable").is_not_null()).iter_rows(named=True):
    st.info(
        f"Adjusted rate ratio, {row['group_label']} vs {row['reference_group']}: {row['not_estimable']}."
    )
for note in adjusted["covariates_left_out"].drop_nulls().unique(maintain_order=True):
    st.info(f"Adjusted rate ratios: {note}.")
ui.table(
    incidence.drop("case_definition").with_columns(
        pl.col("comparison").replace_strict(COMPARISONS, default=pl.col("comparison"))
    ),
    column_config={
        "comparison": "Comparison",
        "group_label": "Group",
        "cases": "Cases",
        "hours": st.column_config.NumberColumn("Running hours", format="%.0f"),
        "rate_per_1000h": st.column_config.NumberColumn("Per 1000 h", format="%.1f"),
        "ci_low": st.column_config.NumberColumn("95% CI low", format="%.1f"),
        "ci_high": st.column_config.NumberColumn("95% CI high", format="%.1f"),
        "reference_group": "Compared with",
        "irr": st.column_config.NumberColumn("Rate ratio", format="%.2f"),
        "irr_ci_low": st.column_config.NumberColumn("Ratio CI low", format="%.2f"),
        "irr_ci_high": st.column_config.NumberColumn("Ratio CI high", format="%.2f"),
        "ci_method": "CI method",
        "rate_ci_method": "Rate CI method",
        "irr_cluster_ci_low": st.column_config.NumberColumn("Ratio cluster CI low", format="%.2f"),
        "irr_cluster_ci_high": st.column_config.NumberColumn(
            "Ratio cluster CI high", format="%.2f"
        ),
        "cluster_ci_method": "Cluster CI method",
    },
)
ui.download(incidence, f"injury_incidence_{case}.csv", key="injuries_incidence_csv")

st.subheader("Weekly health check-ins (OSTRC)")
for row in data.ostrc_summary(viewer).iter_rows(named=True):
    label = "Any problem" if row["measure"] == "any_problem" else "Substantial problem"
    st.write(
        f"**{label}**: {percent(row['mean_weekly_prevalence'])} of respondents in an average week "
        f"(95% CI {percent(row['ci_low'])} to {percent(row['ci_high'])}, {row['weeks']} weeks, "
        f"{row['athletes']} athletes; {method('mean_weekly_prevalence').label}, {row['ci_method']})."
    )
st.caption(
    "A substantial problem = moderate or worse reduction in training or performance, or could not "
    "take part. Reference: 39% any problem and 13% substantial in an average week (Clarsen 2013)."
)
start, end = ui.date_range(viewer, key="injuries_dates")
ostrc = data.ostrc_weekly(viewer, start, end)
ui.chart(charts.ostrc_prevalence(ostrc), key="injuries_ostrc")
ui.download(ostrc, "ostrc_weekly.csv", key="injuries_ostrc_csv")
by_area = data.ostrc_area_weekly(viewer, start, end)
ui.chart(charts.ostrc_area_prevalence(by_area), key="injuries_ostrc_areas")
st.caption(
    "Per body area: the share of members answering about that area who reported a problem there "
    "(Wilson 95% CI in the hover and the download). Answers given for the whole body (older club "
    "sheets) are in the chart above only. Follow up individual problems on the Follow-up page."
)
ui.download(by_area, "ostrc_area_weekly.csv", key="injuries_ostrc_areas_csv")
