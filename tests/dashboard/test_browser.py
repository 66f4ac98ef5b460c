"""The real app in headless Chromium: log in as member and coach, visit every page, save screenshots.

Tables are drawn on a canvas (Streamlit's data grid), so what a person sees in a cell is read from
the canvas's own text calls, recorded by a script the page runs before Streamlit's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.browser import CHROMIUM, chromium, dashboard_server, drawn_charts
from tests.dashboard.conftest import APP, COACH, MEMBER, DashClub, make_club_home

pytestmark = pytest.mark.browser

REPO = APP.parents[1]
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
COACH_PAGES = [  # (url path, menu title, has charts)
    ("club_overview", "Club overview", True),
    ("adherence", "Strength adherence", True),
    ("strength_progress", "Strength progression", True),
    ("injuries", "Injuries and health", True),
    ("follow_up", "Follow-up", False),
    ("pace_trends", "Pace trends", True),
    ("running_form", "Running form", True),
    ("athlete", "Athlete", True),
    ("data_health", "Data health", True),
    ("methods", "Methods", False),
]
MEMBER_PAGES = [
    ("my_trends", "My running", True),
    ("my_form", "My running form", True),
    ("my_program", "My strength program", True),
    ("my_strength", "My strength progress", True),
    ("my_injuries", "My health check-ins", True),
    ("upload", "Upload files", False),
    ("checkin", "Weekly check-in", False),
]


@pytest.fixture(scope="module")
def server(
    demo_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, DashClub]]:
    club = make_club_home(demo_home, tmp_path_factory.mktemp("browser_home"))
    with dashboard_server(club.home, club.home / "streamlit.log") as (base, _):
        yield base, club


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with chromium() as launched:
        yield launched


# every text drawn on a canvas, with the canvas and the row (y) it was drawn at
CANVAS_TEXT = """(() => {
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  let canvases = 0;
  window.canvasText = [];
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    this.canvas.canvasId ??= ++canvases;
    const at = this.getTransform().transformPoint({x, y});
    window.canvasText.push({canvas: this.canvas.canvasId, text: String(text), y: Math.round(at.y)});
    return fillText.call(this, text, x, y, ...rest);
  };
})()"""


def new_page(browser, **options):
    """A browser tab that records the text its canvases draw (the tables' cells)."""
    page = browser.new_page(**options)
    page.add_init_script(CANVAS_TEXT)
    return page


def table_row(page, first_cell: str) -> list[str]:
    """The cells drawn on the table row that starts with `first_cell`, left to right as drawn."""
    drawn = page.evaluate("() => window.canvasText")
    (row, *_) = [(d["canvas"], d["y"]) for d in drawn if d["text"] == first_cell]
    return list(dict.fromkeys(d["text"] for d in drawn if (d["canvas"], d["y"]) == row))


def log_in(page, base: str, user: tuple[str, str], path: str = "") -> None:
    page.goto(f"{base}/{path}")
    page.get_by_role("textbox", name="Username").fill(user[0])
    page.get_by_role("textbox", name="Password").fill(user[1])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(timeout=30_000)


def visit(page, title: str, has_charts: bool, shot: Path) -> str:
    """Open a page from the menu, wait until it has rendered, screenshot it and return its text."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    page.locator("h1").filter(has_text=title.split(" ")[-1].capitalize()).first.wait_for(
        timeout=30_000
    )
    if has_charts:
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    text = page.inner_text("body")
    assert "Traceback" not in text, text[:4000]
    assert_every_chart_draws(page, title)
    page.evaluate("() => { window.canvasText = []; }")  # this page's tables only
    screenshot(page, shot)
    cells = {d["text"] for d in page.evaluate("() => window.canvasText")}
    assert "None" not in cells, f"{title}: an empty table cell shows None"
    return text


def assert_every_chart_draws(page, where: str) -> None:
    """Each chart has a drawn size and at least one data mark, or says itself why it has none."""
    for chart in drawn_charts(page):
        name = f"{where}: {chart['title']!r}"
        if not chart["width"] and not chart["height"]:
            continue  # inside a closed tab or expander: not on screen
        assert chart["width"] >= 200 and chart["height"] >= 150, f"{name} is {chart}"
        assert chart["marks"] > 0 or any(chart["messages"]), f"{name} draws nothing: {chart}"


def screenshot(page, shot: Path) -> None:
    """Grow the window to the page's scrolling height (Streamlit scrolls inside a container), then shoot."""
    width = page.viewport_size["width"]
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight + 120"
    )
    page.set_viewport_size({"width": width, "height": min(max(height, 600), 9000)})
    page.wait_for_timeout(700)
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    page.set_viewport_size({"width": width, "height": 900})


def test_member_sees_only_their_own_pages_and_data(server, browser) -> None:
    base, club = server
    page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, base, MEMBER)
    for path, title, has_charts in MEMBER_PAGES:
        text = visit(page, title, has_charts, SCREENSHOTS / f"member_{path}.png")
        assert not [name for name in club.other_names if name in text], path
    menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Club overview" not in menu and "Data health" not in menu
    assert page.get_by_text("Deploy", exact=True).count() == 0  # no developer toolbar
    page.close()


def test_member_typing_a_coach_url_is_told_it_is_not_available(server, browser) -> None:
    base, club = server
    page = browser.new_page()
    log_in(page, base, MEMBER, path="club_overview?athlete=" + club.other_athlete)
    page.get_by_text("This page is not available for your account").wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 0
    assert not [name for name in club.other_names if name in page.inner_text("body")]
    page.close()


def test_coach_visits_every_page(server, browser) -> None:
    base, _ = server
    page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, base, COACH)
    for path, title, has_charts in COACH_PAGES:
        visit(page, title, has_charts, SCREENSHOTS / f"coach_{path}.png")
        if path == "injuries":  # the club has no rate ratio: its empty cells show a dash
            whole_club = table_row(page, "Whole club")
            assert whole_club[:2] == ["Whole club", "all"] and "\u2013" in whole_club, whole_club
    page.close()


def test_phone_width_screens(server, browser) -> None:
    base, _ = server
    phone_pages = [p for p in MEMBER_PAGES if p[0] in ("my_trends", "my_form", "my_strength")]
    for user, role, (path, title, _) in [
        *[(MEMBER, "member", page) for page in phone_pages],
        (COACH, "coach", COACH_PAGES[0]),
    ]:
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        log_in(page, base, user, path=path)
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        # the page's own address opens it, also the first page's (once "Page not found" first)
        assert "Page not found" not in page.inner_text("body"), path
        assert page.url.endswith(f"/{path}"), page.url
        width = page.evaluate("() => document.documentElement.scrollWidth")
        screenshot(page, SCREENSHOTS / f"{role}_{path}_phone.png")
        assert width <= 390 + 1, f"{title} scrolls sideways on a phone ({width}px)"
        cut = [c["title"] for c in drawn_charts(page) if c["width"] and not c["titleFits"]]
        assert not cut, f"{title}: chart titles cut off on a phone: {cut}"
        page.close()
