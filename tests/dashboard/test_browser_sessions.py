"""Sessions as a person keeps the dashboard open, in headless Chromium: a reload, a bookmark, a new
tab and a restart of the dashboard keep them logged in; logging out ends the session for good."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.browser import dashboard_server
from dashboard.accounts import web
from tests.dashboard.conftest import COACH, MEMBER, make_club_home
from tests.dashboard.test_browser import (
    browser,  # noqa: F401 (the browser fixture)
    log_in,
)

pytestmark = pytest.mark.browser


def heading(page, title: str) -> None:
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=30_000)


def logged_in(page) -> bool:
    """Whether the page offers "Log out" once it has drawn its account button (the sidebar's
    button can arrive after the page heading, so wait for one of the two buttons, not the heading)."""
    log_out = page.get_by_role("button", name="Log out")
    log_out.or_(page.get_by_role("button", name="Log in")).first.wait_for(timeout=30_000)
    return log_out.count() > 0


def test_a_session_survives_reload_tab_and_restart_and_ends_at_log_out(
    demo_home: Path,
    tmp_path: Path,
    browser,  # noqa: F811
) -> None:
    club = make_club_home(demo_home, tmp_path / "home")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    with dashboard_server(club.home, tmp_path / "first.log") as (base, _):
        log_in(page, base, MEMBER, path="my_program")  # a bookmark: the page opens after log-in
        heading(page, "My strength program")
        page.reload()
        heading(page, "My strength program")
        assert logged_in(page)
        tab = context.new_page()
        tab.goto(f"{base}/my_injuries")
        heading(tab, "My health check-ins")
        assert logged_in(tab)
        tab.goto(f"{base}/club_overview")  # a member's cookie does not open a coach page
        tab.get_by_text("This page is not available for your account").wait_for(timeout=30_000)
        assert tab.locator(".js-plotly-plot").count() == 0
        tab.close()
    old_cookie = next(c for c in context.cookies() if c["name"] == web.COOKIE)
    assert old_cookie["httpOnly"] and old_cookie["sameSite"] == "Strict"
    with dashboard_server(club.home, tmp_path / "second.log") as (base, _):  # a restart
        page.goto(f"{base}/my_trends")
        heading(page, "My running")
        assert logged_in(page)
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
        assert web.COOKIE not in {c["name"] for c in context.cookies()}
        context.add_cookies([old_cookie])  # the old cookie, replayed, opens nothing
        page.goto(f"{base}/my_trends")
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
        assert page.get_by_text("Your session has ended").count() == 1
        assert page.locator(".js-plotly-plot").count() == 0

        fresh = browser.new_page()  # another browser: a coach's bookmark of a page
        log_in(fresh, base, COACH, path="pace_trends")
        heading(fresh, "Pace trends")
        fresh.close()
    context.close()
