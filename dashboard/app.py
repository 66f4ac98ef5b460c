"""StrongStride dashboard entry point: the log-in gate and the page router (no queries of its own:
which page a member sees first comes from forms.checkin)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import ui
from dashboard.accounts import auth, sessions
from dashboard.accounts.viewer import Viewer
from dashboard.config import load_config
from dashboard.data import DataUnavailable
from dashboard.forms.checkin import checkin_missing

# Not "pages/": Streamlit treats a pages/ folder beside the entry script as a legacy multipage app
# and would run those files directly, bypassing this router and its log-in gate.
PAGES = Path(__file__).parent / "app_pages"
COACH_SECTIONS = {
    "Club": [
        ("club_overview", "Club overview", ":material/groups:"),
        ("adherence", "Strength adherence", ":material/fitness_center:"),
        ("injuries", "Injuries and health", ":material/healing:"),
        ("follow_up", "Follow-up", ":material/assignment_late:"),
        ("pace_trends", "Pace trends", ":material/trending_up:"),
    ],
    "Athletes": [("athlete", "Athlete", ":material/person:")],
    "Data": [("data_health", "Data health", ":material/fact_check:")],
}
MEMBER_PAGES = [
    ("checkin", "Weekly check-in", ":material/checklist:"),
    ("my_trends", "My running", ":material/directions_run:"),
    ("my_program", "My strength program", ":material/fitness_center:"),
    ("my_injuries", "My health check-ins", ":material/healing:"),
    ("upload", "Upload files", ":material/upload_file:"),
]


def _page(
    stem: str, title: str, icon: str, hidden: bool = False, default: bool = False
) -> StreamlitPage:
    return st.Page(
        PAGES / f"{stem}.py",
        title=title,
        icon=icon,
        url_path=stem,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def _client_key() -> str:
    """Who is knocking, for per-client lockout: the peer address when Streamlit knows it."""
    return st.context.ip_address or "local"


def login_page() -> None:
    """The log-in form."""
    st.title("StrongStride")
    st.write("Log in to see your running, your strength program and your health check-ins.")
    config = load_config()
    if not config.accounts_file.exists():
        st.info(
            "No accounts exist yet. The operator creates them with "
            "`strongstride users add NAME --role coach --password-stdin`."
        )
    with st.form("login", clear_on_submit=True):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary")
    if not submitted:
        return
    try:
        outcome = sessions.authenticator(config).login(
            username, password, _client_key(), st.session_state.get(ui.TOKEN_KEY)
        )
    except auth.AccountError as err:
        st.error(str(err))
        return
    if outcome.ok:
        st.session_state[ui.TOKEN_KEY] = outcome.token
        st.rerun()
    st.error(outcome.message)


def _sidebar(viewer: Viewer) -> None:
    role = "coach" if viewer.is_coach else f"member, athlete {viewer.athlete_id}"
    st.sidebar.caption(f"Logged in as **{viewer.username}** ({role})")
    if st.sidebar.button("Log out", key="logout"):
        sessions.authenticator(load_config()).logout(st.session_state.pop(ui.TOKEN_KEY, None))
        st.rerun()


def _navigation(viewer: Viewer) -> StreamlitPage:
    if viewer.is_coach:
        sections = {
            section: [
                _page(stem, title, icon, default=(stem == "club_overview"))
                for stem, title, icon in pages
            ]
            for section, pages in COACH_SECTIONS.items()
        }
        return st.navigation(sections)
    # a member whose check-in for the due week is missing sees it first
    first = "checkin" if checkin_missing(viewer) else "my_trends"
    mine = [_page(s, t, i, default=(s == first)) for s, t, i in MEMBER_PAGES]
    # Coach pages stay reachable by URL only to say they are not available; their data calls refuse too.
    hidden = [_page(s, t, i, hidden=True) for pages in COACH_SECTIONS.values() for s, t, i in pages]
    return st.navigation({"My training": mine + hidden})


def _login_routes() -> list[StreamlitPage]:
    """The log-in form at every page address, so a bookmarked page opens after logging in."""
    stems = [stem for pages in COACH_SECTIONS.values() for stem, _, _ in pages]
    stems += [stem for stem, _, _ in MEMBER_PAGES]
    form = st.Page(login_page, title="Log in", url_path="login", default=True)
    return [form] + [
        st.Page(login_page, title="Log in", url_path=stem, visibility="hidden") for stem in stems
    ]


def main() -> None:
    """Route a logged-in viewer to their pages; everyone else to the log-in form."""
    st.set_page_config(
        page_title="StrongStride", page_icon=":material/directions_run:", layout="wide"
    )
    try:
        viewer = ui.session_viewer()
    except auth.AccountError as err:
        st.error(str(err))
        st.stop()
    if viewer is None:
        if st.session_state.pop(ui.TOKEN_KEY, None):
            st.info("Your session has ended. Please log in again.")
        page = st.navigation(_login_routes(), position="hidden")
    else:
        _sidebar(viewer)
        page = _navigation(viewer)
    try:
        page.run()
    except DataUnavailable as err:
        st.info(str(err))


main()
