"""The dashboard as a user meets it: a Streamlit server on a club folder, driven by headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COACH = ("bench-coach", "bench coach password 2026")
MEMBER = ("bench-member", "bench member password 2026")


def ensure_accounts(home: Path, member_athlete: str) -> None:
    """A coach and a member account for the benchmark (the member is `member_athlete`)."""
    from dashboard.accounts import auth

    accounts = home / "accounts.json"
    if not auth.find_account(accounts, COACH[0]):
        auth.add_account(accounts, COACH[0], "coach", COACH[1])
    member = auth.find_account(accounts, MEMBER[0])
    if member and member.athlete_id != member_athlete:
        auth.remove_account(accounts, MEMBER[0])
        member = None
    if not member:
        auth.add_account(accounts, MEMBER[0], "member", MEMBER[1], athlete_id=member_athlete)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dashboard_server(
    home: Path, log_path: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A Streamlit server of the dashboard on the club at `home`, on a free local port."""
    from pipelines.cli.main import dashboard_command, stop

    port = _free_port()
    env = {**os.environ, "STRONGSTRIDE_HOME": str(home)}
    command = dashboard_command(port)
    log_path = log_path or home / "streamlit-bench.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed below, after the server)
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start; the end of {log_path}:\n"
                        f"{log_path.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.3)
        yield base, process
    finally:
        stop(process, grace_s=15)
        log.close()


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _charts_drawn(page, charts: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=charts, timeout=60_000
    )


def log_in(page, base: str, user: tuple[str, str], path: str, charts: int) -> float:
    """Log in on `path`; returns seconds from pressing 'Log in' to that page's charts drawn."""
    page.goto(f"{base}/{path}")
    page.get_by_role("textbox", name="Username").fill(user[0])
    page.get_by_role("textbox", name="Password").fill(user[1])
    started = time.perf_counter()
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
    _charts_drawn(page, charts)
    return time.perf_counter() - started


def open_from_menu(page, title: str, charts: int) -> tuple[float, float]:
    """Click a page in the menu; returns seconds to its first chart visible and to `charts` drawn.

    Streamlit clears the previous page's elements when the new page starts, so any chart seen
    once the new title is up belongs to the new page. Charts inside closed tabs are drawn but not
    visible, so only the first chart must be visible (the timed pages show theirs at the top).
    """
    started = time.perf_counter()
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
    if not charts:
        return 0.0, time.perf_counter() - started
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
    first = time.perf_counter() - started
    _charts_drawn(page, charts)
    return first, time.perf_counter() - started


# The default OSTRC areas (pipelines/club_defaults/ostrc_areas.yaml) as the check-in names them.
CHECKIN_AREAS = ("hip/groin", "thigh", "knee", "lower leg/Achilles", "ankle/foot", "lower back")
# The answers answer_checkin gives about its problem area: Q1 17 + Q2 17 + Q3 8 + Q4 17 = 59.
PROBLEM_ANSWERS = (
    ("modified your training or competition due to", "To a moderate extent"),
    ("problems affected your performance", "To a minor extent"),
    ("pain related to your sport", "Moderate pain"),
)


def answer_checkin(page, problem_area: str) -> float:
    """Answer the open check-in: no problem in every area but `problem_area` (reduced participation,
    PROBLEM_ANSWERS); returns the time.perf_counter() of the click on 'Send my check-in'."""
    for area in CHECKIN_AREAS:
        if area != problem_area:  # one tap per area with no problem
            page.get_by_text(f"Full participation without {area} problems", exact=True).click()
    page.get_by_text(f"Reduced participation due to {problem_area} problems", exact=True).click()
    for question, answer in PROBLEM_ANSWERS:
        group = page.locator(
            f'[role="radiogroup"][aria-label*="{question}"][aria-label*="{problem_area}"]'
        )
        group.get_by_text(answer, exact=True).click()
    settle(page)
    clicked = time.perf_counter()
    page.get_by_role("button", name="Send my check-in").click()
    return clicked


def settle(page) -> None:
    """Wait until the app's rerun has finished and its stale elements are gone."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=30_000)


def close_sidebar(page) -> None:
    """Fold the menu away on a phone, where it stays open over the page after navigating."""
    button = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if button.count():
        button.first.click(force=True)
        page.locator('[data-testid="stSidebar"][data-collapsed="true"]').wait_for(
            state="attached", timeout=10_000
        )


def open_page(page, title: str) -> str:
    """Open a page from the menu (unfolding the sidebar first on a phone); returns its text."""
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)
    if page.locator('[data-testid="stSidebar"][data-collapsed="true"]').count():
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    link.click()
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=30_000)
    settle(page)
    text = page.inner_text("body")
    assert "Traceback" not in text, text[:3000]
    return text


def severity_chart_point(page, week: str) -> float | None:
    """The severity bar the member's OSTRC chart draws for `week` (None when it draws none)."""
    return page.evaluate(
        """(week) => {
            for (const gd of document.querySelectorAll('.js-plotly-plot')) {
                const title = ((gd.layout && gd.layout.title && gd.layout.title.text) || '')
                    .replaceAll('<br>', ' ');
                if (!title.includes('OSTRC severity')) continue;
                const trace = gd._fullData[0];  // as drawn: typed arrays decoded
                const xs = Array.from(trace.x).map(String);
                const i = xs.findIndex((x) => x.startsWith(week));
                return i < 0 ? null : Number(Array.from(trace.y)[i]);
            }
            return null;
        }""",
        week,
    )


def drawn_charts(page) -> list[dict]:
    """Every plotly chart on the page as drawn: its title (line breaks as spaces), whether the
    drawn title fits inside the chart, its size in px, how many data marks it
    drew (points, bars, lines, heatmap images, pie slices, in the SVG), the text of its
    annotations (a chart's own "no data" message is one) and of its legend's entries."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map((gd) => {
            const box = gd.getBoundingClientRect();
            const layout = gd._fullLayout || {};
            const marks = gd.querySelectorAll(
                '.cartesianlayer .point, .cartesianlayer .js-line, .heatmaplayer image, ' +
                '.pielayer .slice, .cartesianlayer .js-fill'
            ).length;
            return {
                title: ((layout.title && layout.title.text) || '').replaceAll('<br>', ' '),
                // the title as drawn lies inside the chart (plotly cuts off what does not)
                titleFits: [...gd.querySelectorAll('.gtitle')].every(
                    (t) => t.getBoundingClientRect().right <= box.right + 1
                ),
                width: box.width,
                height: box.height,
                marks: marks,
                messages: [...gd.querySelectorAll('.annotation-text')].map((a) => a.textContent),
                legend: [...gd.querySelectorAll('.legendtext')].map((a) => a.textContent),
            };
        })"""
    )


def chart_traces(page, title_part: str) -> list[dict]:
    """The traces of the first chart whose title contains `title_part`, as drawn: each trace's name,
    fill, x (as text) and y (empty when no such chart is on the page)."""
    return page.evaluate(
        """(part) => {
            for (const gd of document.querySelectorAll('.js-plotly-plot')) {
                const title = ((gd.layout && gd.layout.title && gd.layout.title.text) || '')
                    .replaceAll('<br>', ' ');
                if (!title.includes(part)) continue;
                return gd._fullData.map((t) => ({  // as drawn: typed arrays decoded
                    name: t.name || '',
                    fill: t.fill || 'none',
                    x: Array.from(t.x || []).map(String),
                    y: Array.from(t.y || []).map(Number),
                }));
            }
            return [];
        }""",
        title_part,
    )
