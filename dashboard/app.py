"""StrongStride dashboard entry point: the log-in gate and the page router (no queries of its own:
which page a member sees first comes from forms.checkin)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import ui
from dashboard.accounts import auth, web
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
        ("strength_progress", "Strength progression", ":material/stacked_line_chart:"),
        ("injuries", "Injuries and health", ":material/healing:"),
        ("follow_up", "Follow-up", ":material/assignment_late:"),
        ("assessments", "Assessments", ":material/assignment_add:"),
        ("assessment_results", "Assessment results", ":material/monitoring:"),
        ("pace_trends", "Pace trends", ":material/trending_up:"),
        ("running_form", "Running form", ":material/sprint:"),
    ],
    "Athletes": [("athlete", "Athlete", ":material/person:")],
    "Data": [
        ("data_health", "Data health", ":material/fact_check:"),
        ("methods", "Methods", ":material/menu_book:"),
    ],
}
MEMBER_PAGES = [
    ("checkin", "Weekly check-in", ":material/checklist:"),
    ("my_trends", "My running", ":material/directions_run:"),
    ("my_form", "My running form", ":material/sprint:"),
    ("my_program", "My strength program", ":material/fitness_center:"),
    ("my_strength", "My strength progress", ":material/stacked_line_chart:"),
    ("my_injuries", "My health check-ins", ":material/healing:"),
    ("my_assessments", "My assessments", ":material/accessibility_new:"),
    ("upload", "Upload files", ":material/upload_file:"),
]


def _page(stem: str, title: str, icon: str, hidden: bool = False) -> StreamlitPage:
    return st.Page(
        PAGES / f"{stem}.py",
        title=title,
        icon=icon,
        url_path=stem,
        visibility="hidden" if hidden else "visible",
    )


LOGIN_MESSAGES = {
    "failed": "Wrong username or password.",
    "locked": "Too many failed log-in attempts. Try again in {wait} seconds, or ask the coach to "
    "reset your password.",
    "refused": "The log-in came from another site and was refused. Log in on this page.",
    "unavailable": "The accounts file cannot be read: tell the operator.",
}


def _form(action: str, fields: str, button: str, button_style: str = "") -> None:
    """A plain HTML form posting to one of the session endpoints (accounts/web.py)."""
    st.html(
        f'''<form method="post" action="{action}" class="strongstride-form">{fields}
        <button type="submit" style="{button_style}">{escape(button)}</button></form>'''
    )


LOGIN_STYLE = """<style>
.strongstride-form label { display: block; margin: 0 0 0.8rem; font-size: 0.9rem; }
.strongstride-form input { display: block; width: 100%; max-width: 24rem; padding: 0.5rem;
  margin-top: 0.25rem; font-size: 1rem; border: 1px solid #ccc; border-radius: 0.4rem; }
.strongstride-form button { padding: 0.5rem 1.2rem; font-size: 1rem; border-radius: 0.4rem;
  border: 1px solid #ff4b4b; background: #ff4b4b; color: white; cursor: pointer; }
</style>"""


def login_page() -> None:
    """The log-in form: it posts to the log-in endpoint, which sets the cookie and comes back here."""
    st.title("StrongStride")
    st.write("Log in to see your running, your strength program and your health check-ins.")
    config = load_config()
    if not config.accounts_file.exists():
        st.info(
            "No accounts exist yet. The operator creates them with "
            "`strongstride users add NAME --role coach --password-stdin`."
        )
    outcome = st.query_params.get("login")
    if outcome in LOGIN_MESSAGES:
        st.error(LOGIN_MESSAGES[outcome].format(wait=st.query_params.get("wait", "some")))
    page = st.context.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] if st.context.url else ""
    st.html(LOGIN_STYLE)
    _form(
        web.LOGIN_PATH,
        f'''<input type="hidden" name="next" value="{escape(page)}">
        <label>Username<input type="text" name="username" autocomplete="username" required></label>
        <label>Password<input type="password" name="password" autocomplete="current-password"
         required></label>''',
        "Log in",
    )


def _sidebar(viewer: Viewer) -> None:
    role = "coach" if viewer.is_coach else f"member, athlete {viewer.athlete_id}"
    st.sidebar.caption(f"Logged in as **{viewer.username}** ({role})")
    with st.sidebar:
        st.html(LOGIN_STYLE)
        _form(web.LOGOUT_PATH, "", "Log out")


def _start_at(first: StreamlitPage) -> StreamlitPage:
    """The app's address without a page name, opening `first` at its own address.

    Streamlit gives its default page the empty address instead of the page's own, so a link to that
    page by name (the check-in reminder's /checkin, a bookmarked /club_overview) showed "Page not
    found" before opening it. No page is the default; this one only moves on to the first page,
    keeping the address's query (a coach's ?athlete= link).
    """
    return st.Page(
        lambda: st.switch_page(first, query_params=st.query_params.to_dict()),
        title=first.title,
        url_path="start",
        default=True,
        visibility="hidden",
    )


def _navigation(viewer: Viewer) -> StreamlitPage:
    if viewer.is_coach:
        sections = {
            section: [_page(stem, title, icon) for stem, title, icon in pages]
            for section, pages in COACH_SECTIONS.items()
        }
        club = sections[next(iter(COACH_SECTIONS))]
        club.insert(0, _start_at(club[0]))  # the club overview
        return st.navigation(sections)
    # a member whose check-in for the due week is missing sees it first
    first_stem = "checkin" if checkin_missing(viewer) else "my_trends"
    mine = [_page(s, t, i) for s, t, i in MEMBER_PAGES]
    first = next(
        page for page, (stem, _, _) in zip(mine, MEMBER_PAGES, strict=True) if stem == first_stem
    )
    # Coach pages stay reachable by URL only to say they are not available; their data calls refuse too.
    hidden = [_page(s, t, i, hidden=True) for pages in COACH_SECTIONS.values() for s, t, i in pages]
    return st.navigation({"My training": [_start_at(first), *mine, *hidden]})


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
        if st.context.cookies.get(web.COOKIE):
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
