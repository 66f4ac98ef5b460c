"""The app through Streamlit's AppTest: open every page as a logged-in coach or member, try to reach
others' data.

AppTest runs the script without a browser, so it has no cookie jar: the tests log in through the real
authenticator (as the log-in endpoint does) and hand its session cookie to the script the way a
browser's request would, through Streamlit's client context. The log-in and log-out endpoints
themselves are tested over HTTP (test_session_routes.py) and in Chromium (test_browser_sessions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import streamlit.runtime.context
import yaml
from streamlit.testing.v1 import AppTest

from dashboard.accounts import sessions, web
from dashboard.config import load_config
from dashboard.ui import NOT_AVAILABLE
from pipelines.parsers.club.programs import default_programs_yaml
from tests.dashboard.conftest import APP, COACH, MEMBER, DashClub

COACH_PAGES = {  # page -> plotly charts it must render on the demo club
    "club_overview": 1,
    "adherence": 3,
    "injuries": 2,
    "pace_trends": 2,
    "athlete": 4,
    "data_health": 1,
    "assessment_results": 3,
    "running_form": 0,
    "strength_progress": 1,
}
MEMBER_PAGES = {
    "my_trends": 4,
    "my_program": 2,
    "my_injuries": 1,
    "my_assessments": 5,
    "my_strength": 2,
    "my_form": 0,
    "upload": 0,
}
INJECTIONS = ["'; DROP TABLE mart_athletes; --", "' OR '1'='1"]


SENT_COOKIES: dict[str, str] = {}  # what the "browser" sends with the next run


@dataclass(frozen=True)
class _Client:
    cookies: dict[str, str]


@pytest.fixture(scope="module", autouse=True)
def browser_cookies() -> Iterator[None]:
    """Streamlit reads cookies from the session's client; AppTest has none, so give it one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            streamlit.runtime.context, "_get_client_context", lambda: _Client(dict(SENT_COOKIES))
        )
        yield


@pytest.fixture(autouse=True)
def no_cookie_left_over() -> None:
    """Each test starts as a browser that has sent no cookie yet."""
    SENT_COOKIES.clear()


def login(
    user: str, password: str, query: dict | None = None, client: str = "127.0.0.1"
) -> AppTest:
    """An app run by a browser that logged in as `user` (no cookie when the log-in fails)."""
    outcome = sessions.authenticator(load_config()).login(user, password, client)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.cookies = {web.COOKIE: outcome.token} if outcome.ok else {}  # type: ignore[attr-defined]
    at.query_params.update(query or {})
    return run(at)


def run(at: AppTest) -> AppTest:
    """Run the app with this browser's cookies."""
    SENT_COOKIES.clear()
    SENT_COOKIES.update(getattr(at, "cookies", {}))
    return at.run()


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def open_page(at: AppTest, page: str) -> AppTest:
    return run(at.switch_page(f"app_pages/{page}.py"))


def charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def page_text(node) -> str:
    """Everything a page shows as text: words, tables, metric values and chart data."""
    parts = []
    for child in getattr(node, "children", {}).values():
        parts.append(page_text(child))
    for attribute in ("label", "value"):
        try:
            value = getattr(node, attribute, None)
        except Exception:  # some elements have no readable value
            value = None
        if isinstance(value, str):
            parts.append(value)
        elif hasattr(value, "to_csv"):
            parts.append(value.to_csv())
    spec = getattr(getattr(node, "proto", None), "spec", None)
    if isinstance(spec, str):
        parts.append(spec)
    return "\n".join(parts)


def shown(at: AppTest) -> str:
    return page_text(at.main) + page_text(at.sidebar)


@pytest.fixture(scope="module")
def module_env(dash_club: DashClub) -> Iterator[DashClub]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRONGSTRIDE_HOME", str(dash_club.home))
        yield dash_club


@pytest.fixture(scope="module")
def coach_app(module_env: DashClub) -> AppTest:
    return login(*COACH)


@pytest.fixture(scope="module")
def member_app(module_env: DashClub) -> AppTest:
    return login(*MEMBER, query={"athlete": module_env.other_athlete})


def test_login_form_has_the_agreed_labels(club_env: DashClub) -> None:
    at = run(AppTest.from_file(str(APP), default_timeout=60))
    form = next(h.proto.body for h in at.get("html") if web.LOGIN_PATH in h.proto.body)
    assert "Username<input" in form and "Password<input" in form and ">Log in</button>" in form
    assert 'type="password"' in form
    assert not charts(at)


@pytest.mark.parametrize("username", ["nobody", *INJECTIONS])
def test_wrong_password_or_injected_username_gives_no_session(
    club_env: DashClub, username: str
) -> None:
    # from a client of its own: the lockout it earns must not slow the other tests' log-ins
    at = login(username, "definitely not the password", client=f"10.9.{len(username)}.1")
    assert not charts(at) and "Log out" not in shown(at)
    assert web.LOGIN_PATH in "".join(h.proto.body for h in at.get("html"))


def test_a_failed_log_in_is_explained_on_the_form(club_env: DashClub) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"login": "failed"})
    assert [e.value for e in run(at).error] == ["Wrong username or password."]


@pytest.mark.parametrize(("page", "expected_charts"), COACH_PAGES.items())
def test_coach_pages_render(coach_app: AppTest, page: str, expected_charts: int) -> None:
    at = open_page(coach_app, page)
    assert not at.exception, at.exception
    assert len(charts(at)) >= expected_charts
    assert at.get("download_button")
    assert web.LOGOUT_PATH in "".join(h.proto.body for h in at.sidebar.get("html"))


@pytest.mark.parametrize(("page", "expected_charts"), MEMBER_PAGES.items())
def test_member_pages_show_only_their_own_data(
    member_app: AppTest, module_env: DashClub, page: str, expected_charts: int
) -> None:
    member_app.query_params["athlete"] = module_env.other_athlete
    at = open_page(member_app, page)
    assert not at.exception, at.exception
    assert len(charts(at)) >= expected_charts
    text = shown(at)
    assert not [name for name in module_env.other_names if name in text]


@pytest.mark.parametrize("page", COACH_PAGES)
def test_coach_pages_are_not_available_to_members(member_app: AppTest, page: str) -> None:
    at = open_page(member_app, page)
    assert not at.exception
    assert any(NOT_AVAILABLE in e.value for e in at.error)
    assert not charts(at) and not at.dataframe


def test_only_the_login_page_exists_before_log_in(club_env: DashClub) -> None:
    at = run(AppTest.from_file(str(APP), default_timeout=60))
    for page in [*COACH_PAGES, *MEMBER_PAGES]:
        with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
            at.switch_page(f"app_pages/{page}.py")
        assert "app_pages" not in str(refused.value).split("Known pages:")[1]


@pytest.mark.parametrize("page", [*COACH_PAGES, *MEMBER_PAGES])
def test_a_page_run_on_its_own_shows_nothing_without_a_session(
    club_env: DashClub, page: str
) -> None:
    at = AppTest.from_file(str(APP.parent / "app_pages" / f"{page}.py"), default_timeout=60).run()
    assert not at.exception
    assert any("Please log in" in w.value for w in at.warning)
    assert not charts(at) and not at.dataframe


def test_methods_page_lists_each_figure_in_strobe_siis_order(
    coach_app: AppTest, member_app: AppTest
) -> None:
    at = open_page(coach_app, "methods")
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == [
        "Case definitions",
        "Exposure",
        "Follow-up",
        "Analysis",
    ]
    figures = [h.value for h in at.subheader]
    assert figures[0] == "Running-related injury"
    assert "Acute:chronic workload ratio (load spike)" in figures
    text = "\n".join(m.value for m in at.markdown)
    # settings show the values the demo club was published with (the pipeline's defaults)
    assert "`acwr_seed_days` = 7" in text and "`default_load_per_minute` = 1.4" in text
    assert "The week in progress is left out until it ends" in text
    refused = open_page(member_app, "methods")
    assert any(NOT_AVAILABLE in e.value for e in refused.error) and not refused.markdown


def test_coach_athlete_page_follows_the_deep_link(club_env: DashClub) -> None:
    at = open_page(login(*COACH, query={"athlete": club_env.other_athlete}), "athlete")
    assert widget(at.selectbox, "Athlete").value == club_env.other_athlete
    widget(at.selectbox, "Athlete").select(club_env.member_athlete)
    run(at)
    assert at.query_params["athlete"] == club_env.member_athlete
    assert len(charts(at)) >= 4


@pytest.mark.parametrize("text", INJECTIONS)
def test_injected_text_is_only_a_search_term(
    coach_app: AppTest, member_app: AppTest, text: str
) -> None:
    at = open_page(coach_app, "athlete")
    widget(at.text_input, "Find an athlete").input(text)
    at.run()
    assert not at.exception
    assert any("No athlete matches" in i.value for i in at.info)

    at = open_page(coach_app, "data_health")
    widget(at.text_input, "Find files by name").input(text)
    at.run()
    assert not at.exception
    assert any("No files match" in i.value for i in at.info)

    at = open_page(member_app, "my_trends")
    widget(at.text_input, "Find runs by name").input(text)
    at.run()
    assert not at.exception
    assert any("No runs match" in i.value for i in at.info)
    widget(at.text_input, "Find runs by name").input("")
    at.run()
    assert not any("No runs match" in i.value for i in at.info)


def test_upload_goes_to_the_members_own_inbox(fresh_club: DashClub, realdata: Path) -> None:
    gpx = (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    fit = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    at = open_page(login(*MEMBER), "upload")
    at.file_uploader[0].set_value(
        [
            ("../evening run.gpx", gpx, "application/gpx+xml"),
            ("fake.gpx", fit, "application/gpx+xml"),
        ]
    )
    widget(at.button, "Send files").click()
    at.run()
    assert not at.exception
    folder = fresh_club.home / "inbox" / fresh_club.member_athlete
    assert sorted(p.name for p in folder.iterdir()) == ["evening run.gpx"]
    assert (folder / "evening run.gpx").read_bytes() == gpx
    assert any("Received evening run.gpx" in s.value for s in at.success)
    assert any("fake.gpx does not contain what a .gpx file should" in e.value for e in at.error)
    assert "pending until the next run" in shown(at)


def test_injuries_page_names_a_covariate_the_adjusted_model_left_out(
    fresh_club: DashClub,
) -> None:
    note = (
        "not adjusted for a previous injury because no case fell in the 13 athlete-weeks "
        "without a previous injury, so its effect cannot be estimated"
    )
    con = duckdb.connect(str(fresh_club.serving))
    con.execute(
        "UPDATE mart_injury_adjusted SET covariates_left_out = $note "
        "WHERE case_definition = 'running_related_injury'",
        {"note": note},
    )
    con.close()
    at = open_page(login(*COACH), "injuries")
    assert not at.exception, at.exception
    # one note for the fit both bands share
    assert [i.value for i in at.info if note in i.value] == [f"Adjusted rate ratios: {note}."]


def test_missing_serving_file_shows_how_to_publish(fresh_club: DashClub) -> None:
    fresh_club.serving.unlink()
    at = login(*MEMBER)
    assert not at.exception
    assert any("No data published yet: run `strongstride ingest`" in i.value for i in at.info)
    assert not charts(at)


def test_the_member_sees_their_programs_name_not_its_code(
    member_app: AppTest, module_env: DashClub
) -> None:
    # the demo club's programs are the shipped ones: each program's name from that file
    shipped = yaml.safe_load(default_programs_yaml())["programs"]
    names = {p["id"]: p["name"] for p in shipped}
    with duckdb.connect(str(module_env.serving), read_only=True) as con:
        [(code,)] = con.sql(
            "select program_id from mart_adherence_athlete where athlete_id = $a",
            params={"a": module_env.member_athlete},
        ).fetchall()
    text = shown(open_page(member_app, "my_program"))
    assert f"weeks enrolled in {names[code]}" in text and f"in {code}" not in text
