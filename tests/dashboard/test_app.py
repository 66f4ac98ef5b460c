"""The app through Streamlit's AppTest: log in through the form, open every page, try to reach others' data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import NOT_AVAILABLE
from tests.dashboard.conftest import APP, COACH, MEMBER, DashClub

COACH_PAGES = {  # page -> plotly charts it must render on the demo club
    "club_overview": 1,
    "adherence": 3,
    "injuries": 2,
    "pace_trends": 2,
    "athlete": 4,
    "data_health": 1,
}
MEMBER_PAGES = {"my_trends": 4, "my_program": 2, "my_injuries": 1, "upload": 0}
INJECTIONS = ["'; DROP TABLE mart_athletes; --", "' OR '1'='1"]


def login(user: str, password: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    widget(at.text_input, "Username").input(user)
    widget(at.text_input, "Password").input(password)
    widget(at.button, "Log in").click()
    return at.run()


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def open_page(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"app_pages/{page}.py").run()


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
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert [w.label for w in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.button] == ["Log in"]
    assert not charts(at)


@pytest.mark.parametrize("username", ["member", *INJECTIONS])
def test_wrong_password_or_injected_username_is_refused(club_env: DashClub, username: str) -> None:
    at = login(username, "definitely not the password")
    assert [e.value for e in at.error] == ["Wrong username or password."]
    assert not charts(at) and not at.sidebar.button


@pytest.mark.parametrize(("page", "expected_charts"), COACH_PAGES.items())
def test_coach_pages_render(coach_app: AppTest, page: str, expected_charts: int) -> None:
    at = open_page(coach_app, page)
    assert not at.exception, at.exception
    assert len(charts(at)) >= expected_charts
    assert at.get("download_button")
    assert [b.label for b in at.sidebar.button] == ["Log out"]


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
    at = AppTest.from_file(str(APP), default_timeout=60).run()
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


def test_coach_athlete_page_follows_the_deep_link(club_env: DashClub) -> None:
    at = open_page(login(*COACH, query={"athlete": club_env.other_athlete}), "athlete")
    assert widget(at.selectbox, "Athlete").value == club_env.other_athlete
    widget(at.selectbox, "Athlete").select(club_env.member_athlete)
    at.run()
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


def test_logout_returns_to_the_form(club_env: DashClub) -> None:
    at = login(*MEMBER)
    widget(at.sidebar.button, "Log out").click()
    at.run()
    assert [w.label for w in at.text_input] == ["Username", "Password"]
    assert not charts(at)


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


def test_missing_serving_file_shows_how_to_publish(fresh_club: DashClub) -> None:
    fresh_club.serving.unlink()
    at = login(*MEMBER)
    assert not at.exception
    assert any("No data published yet: run `strongstride ingest`" in i.value for i in at.info)
    assert not charts(at)
