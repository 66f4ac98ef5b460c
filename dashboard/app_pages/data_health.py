"""Coach: did the last run work: publish record, checks, rejected files and rows, unmapped exercises."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.formatting import FILE_STATUSES, settings_table

viewer = ui.coach_viewer()
ui.page_start(viewer, "Data health")

st.subheader("Last publish")
runs = data.publish_runs(viewer)
ui.table(
    runs.drop("settings"),
    column_config={
        "generation": "Publish #",
        "published_at": st.column_config.DatetimeColumn(
            "Published (UTC)", format="D MMM YYYY, HH:mm"
        ),
        "run_id": "Run",
        "source_files": "Files seen",
        "blocked_reason": "Not published because",
        "replaced_marts": "Tables rewritten (the others had not changed)",
    },
)

if runs.height and "settings" in runs.columns:
    with st.expander("The settings the models used for this publish"):
        ui.table(settings_table(runs["settings"][0]), {"setting": "Setting", "value": "Value"})

st.subheader("Checks")
checks = data.check_results(viewer)
failed = checks.filter(~pl.col("passed"))
if failed.is_empty():
    st.success(f"All {checks.height} checks passed.")
else:
    st.warning(f"{failed.height} of {checks.height} checks failed: see the rows marked not passed.")
ui.table(
    checks,
    column_config={
        "check_name": "Check",
        "asset": "Table",
        "severity": "Severity",
        "passed": "Passed",
        "offending_rows": "Rows failing",
        "description": "What it checks",
        "checked_at": st.column_config.DatetimeColumn("Checked (UTC)", format="D MMM YYYY, HH:mm"),
    },
)
ui.download(checks, "check_results.csv", key="health_checks_csv")

st.subheader("Files received")
ui.chart(charts.file_statuses(data.file_status_counts(viewer)), key="health_statuses")
start, end = ui.date_range(viewer, key="health_dates", period=data.received_period(viewer))
name_text = st.text_input("Find files by name", key="health_file_search", placeholder="e.g. .fit")
status = st.selectbox(
    "Outcome",
    ["", *FILE_STATUSES],
    format_func=lambda s: FILE_STATUSES.get(s, "All outcomes"),
    key="health_status",
)
files = data.received_files(viewer, start, end, name_text, status)
if files.height == data.FILE_ROWS_SHOWN:
    st.caption(
        f"Showing the newest {data.FILE_ROWS_SHOWN:,} files that match: narrow the dates, the name "
        "or the outcome to see older ones."
    )
ui.table_or_notice(
    files.select(
        "received_at",
        "athlete_id",
        "original_name",
        "format",
        "status",
        "activities",
        "error",
        "hint",
    ),
    column_config={
        "received_at": st.column_config.DatetimeColumn(
            "Received (UTC)", format="D MMM YYYY, HH:mm"
        ),
        "athlete_id": "Athlete",
        "original_name": "File",
        "format": "Format",
        "status": "Outcome",
        "activities": "Activities",
        "error": "Problem",
        "hint": "What to do",
    },
    when_empty="No files match these filters.",
)
ui.download(files, "received_files.csv", key="health_files_csv")

st.subheader("Rejected files and rows")
problems = data.file_problems(viewer, start, end, name_text)
if problems.height == data.FILE_ROWS_SHOWN:
    st.caption(
        f"Showing the newest {data.FILE_ROWS_SHOWN:,} rejected files and rows: narrow the dates or "
        "the name to see older ones."
    )
ui.table_or_notice(
    problems.select(
        "recorded_at", "athlete_id", "file_name", "row_number", "column_name", "reason", "hint"
    ),
    column_config={
        "recorded_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm"),
        "athlete_id": "Athlete",
        "file_name": "File",
        "row_number": "Row",
        "column_name": "Column",
        "reason": "Why",
        "hint": "What to do",
    },
    when_empty="Nothing was rejected in this period.",
    good_news=True,
)
ui.download(problems, "rejected_files_and_rows.csv", key="health_problems_csv")

st.subheader("Exercise names to map")
unmapped = data.unmapped_exercises(viewer)
st.caption(
    "Logged names the exercise catalog does not recognise. They are kept, but count toward no "
    "exercise group until you add them as aliases in club/exercises.yaml."
)
ui.table_or_notice(
    unmapped,
    column_config={
        "exercise_logged": "Name as logged",
        "occurrences": "Sets",
        "athletes": "Athletes",
        "last_seen": st.column_config.DateColumn("Last seen"),
    },
    when_empty="Every logged exercise name is mapped.",
    good_news=True,
)
ui.download(unmapped, "unmapped_exercises.csv", key="health_unmapped_csv")
