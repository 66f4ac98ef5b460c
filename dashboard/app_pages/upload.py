"""Member: hand in run and strength files; they go into the member's own inbox until the next run."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, inbox, ui
from dashboard.config import UPLOAD_EXTENSIONS, load_config

viewer = ui.member_viewer()
ui.page_start(
    viewer,
    "Upload files",
    f"Upload {inbox.ALLOWED}. Files are added at the next nightly run (or when the coach runs it).",
)
config = load_config()
st.caption(f"Up to {config.max_upload_mb} MB per file.")

with st.form("upload", clear_on_submit=True):
    uploads = st.file_uploader(
        "Files from your watch, app, or Strava or Garmin export",
        type=list(UPLOAD_EXTENSIONS),
        accept_multiple_files=True,
        key="upload_files",
    )
    sent = st.form_submit_button("Send files")
if sent:
    for upload in uploads or []:
        try:
            stored = inbox.save_upload(
                config.inbox, viewer, upload.name, upload.getvalue(), config.max_upload_bytes
            )
        except inbox.UploadRejected as err:
            st.error(str(err))
        else:
            st.success(f"Received {stored.name}: it will be read at the next run.")

st.subheader("Your files")
seen = data.athlete_files(viewer)
mine = inbox.inbox_files(config.inbox, viewer, set(seen["sha256"].to_list()))
pending = mine.select(
    "file",
    (pl.col("size_bytes") / 1024).round(1).alias("size_kb"),
    "uploaded",
    pl.when(pl.col("pending"))
    .then(pl.lit("pending until the next run"))
    .otherwise(pl.lit("read by the last run"))
    .alias("status"),
)
ui.table_or_notice(
    pending,
    column_config={
        "file": "File",
        "size_kb": st.column_config.NumberColumn("Size (KB)", format="%.1f"),
        "uploaded": st.column_config.DatetimeColumn("Uploaded (UTC)", format="D MMM YYYY, HH:mm"),
        "status": "Status",
    },
    when_empty="No files in your inbox yet.",
)
ui.download(pending, "my_inbox.csv", key="upload_inbox_csv")

problems = data.athlete_file_problems(viewer)
if not problems.is_empty():
    st.subheader("Files the last run could not use")
    ui.table(
        problems.select("file_name", "row_number", "reason", "hint"),
        column_config={
            "file_name": "File",
            "row_number": "Row",
            "reason": "Why",
            "hint": "What to do",
        },
    )
    ui.download(problems, "my_file_problems.csv", key="upload_problems_csv")
