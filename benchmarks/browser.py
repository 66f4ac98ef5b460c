"""The dashboard as a user meets it: a Streamlit server on a club folder, driven by headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    env = {**os.environ, "STRONGSTRIDE_HOME": str(home)}
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
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
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
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
    if not charts:
        return 0.0, time.perf_counter() - started
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
    first = time.perf_counter() - started
    _charts_drawn(page, charts)
    return first, time.perf_counter() - started
