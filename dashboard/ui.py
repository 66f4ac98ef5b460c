"""Building blocks every page uses: who is logged in, the data notice, date filters, charts, downloads."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl
import polars.selectors as cs
import streamlit as st

from dashboard import data
from dashboard.accounts import sessions, web
from dashboard.accounts.viewer import Viewer, viewer_from_session
from dashboard.config import load_config
from dashboard.formatting import count_text

NOT_AVAILABLE = "This page is not available for your account."


def session_viewer() -> Viewer | None:
    """The Viewer of this browser's session cookie, or None when not logged in (the cookie is
    HttpOnly: set and cleared only by the log-in and log-out endpoints, accounts/web.py)."""
    session = sessions.authenticator(load_config()).session(st.context.cookies.get(web.COOKIE))
    return None if session is None else viewer_from_session(session)


def current_viewer() -> Viewer:
    """The logged-in viewer; stops the page when nobody is logged in."""
    viewer = session_viewer()
    if viewer is None:
        st.warning("Please log in again.")
        st.stop()
    return viewer


def coach_viewer() -> Viewer:
    """The logged-in coach; anyone else is told the page is not available and the page stops."""
    viewer = current_viewer()
    if not viewer.is_coach:
        st.error(f"{NOT_AVAILABLE} Use the pages in the menu to see your own training.")
        st.stop()
    return viewer


def member_viewer() -> Viewer:
    """The logged-in member; a coach is pointed to the Athlete page instead."""
    viewer = current_viewer()
    if viewer.is_coach:
        st.info(f"{NOT_AVAILABLE} Coaches see a member's pages through the Athlete page.")
        st.stop()
    return viewer


def page_start(viewer: Viewer, title: str, intro: str | None = None) -> None:
    """The page title, the data notice (stopping when nothing can be shown) and the data's date."""
    st.title(title)
    if intro:
        st.write(intro)
    status = data.serving_status(viewer)
    if not status.readable:
        st.info(status.notice)
        st.stop()
    if status.notice:
        st.warning(status.notice)
    if status.published_at is not None:
        st.caption(
            f"Data published {status.published_at:%d %b %Y %H:%M} UTC (publish #{status.generation})."
        )


def date_range(
    viewer: Viewer,
    key: str,
    default_weeks: int = 26,
    period: tuple[date | None, date | None] | None = None,
) -> tuple[date | None, date | None]:
    """A 'Date range' picker over the weeks with data (or `period`), defaulting to the latest weeks."""
    first, last = period or data.data_period(viewer)
    if first is None or last is None:
        return None, None
    # Data periods end on a week's Monday; a given period ends on its last day.
    last_day = last if period else last + timedelta(days=6)
    default_start = max(first, last - timedelta(weeks=default_weeks - 1))
    picked = st.date_input(
        "Date range",
        value=(default_start, last_day),
        min_value=first,
        max_value=last_day,
        key=key,
        help="Only weeks in this range are shown and downloaded.",
    )
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, tuple | list) and len(picked) == 1:
        return picked[0], last_day
    return default_start, last_day


# plotly's buttons, drawn over the title's line: only saving the picture and undoing a zoom (drag to
# zoom in); the seven of plotly's default covered a title on a phone
CHART_BUTTONS = [["toImage", "resetScale2d"]]


def chart(fig: go.Figure, key: str) -> None:
    """A plotly figure at the full width of the screen."""
    st.plotly_chart(
        fig,
        width="stretch",
        key=key,
        config={"displaylogo": False, "modeBarButtons": CHART_BUTTONS},
    )


EMPTY = "\u2013"  # what an empty cell of any type shows (Streamlit would show "None")


def table(frame: pl.DataFrame, column_config: dict | None = None) -> None:
    """A full-width table without the row index; empty cells show an en dash."""
    st.dataframe(
        frame, hide_index=True, width="stretch", column_config=column_config, placeholder=EMPTY
    )


def table_or_notice(
    frame: pl.DataFrame, column_config: dict, when_empty: str, *, good_news: bool = False
) -> None:
    """The table, or when it has no rows a notice saying so (green when no rows is good news)."""
    if frame.is_empty():
        (st.success if good_news else st.info)(when_empty)
    else:
        table(frame, column_config)


def download(frame: pl.DataFrame, file_name: str, key: str, label: str | None = None) -> None:
    """A button that downloads exactly the rows shown, as CSV."""
    # CSV has no lists: a list column (e.g. exercise categories) becomes "a; b".
    flat = frame.with_columns(cs.list().cast(pl.List(pl.String)).list.join("; "))
    st.download_button(
        label or f"Download these numbers (CSV, {count_text(frame.height, 'row')})",
        flat.write_csv(),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
    )
