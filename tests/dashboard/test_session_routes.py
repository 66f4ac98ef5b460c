"""The log-in and log-out endpoints over real HTTP, on the real dashboard server (st.App)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.client import HTTPResponse
from pathlib import Path

import pytest

from benchmarks.browser import dashboard_server
from dashboard.accounts import sessions, web
from dashboard.config import load_config
from tests.dashboard.conftest import MEMBER, DashClub, make_club_home

pytestmark = pytest.mark.slow


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 itself is what is tested
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


@pytest.fixture(scope="module")
def server(
    demo_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, DashClub]]:
    club = make_club_home(demo_home, tmp_path_factory.mktemp("routes_home"))
    # as behind a reverse proxy on this machine: each test's client is its X-Forwarded-For address,
    # so the lockout one test earns does not slow the next
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRONGSTRIDE_TRUSTED_PROXY_HEADER", "X-Forwarded-For")
        with dashboard_server(club.home, club.home / "streamlit.log") as (base, _):
            yield base, club


def post(
    base: str, path: str, fields: dict, headers: dict | None = None, client: str = "10.1.0.1"
) -> HTTPResponse:
    request = urllib.request.Request(
        base + path,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"X-Forwarded-For": f"203.0.113.9, {client}", **(headers or {})},
    )
    try:
        return OPENER.open(request, timeout=30)
    except urllib.error.HTTPError as reply:  # a 303 without a followed redirect
        return reply


def cookie_of(reply: HTTPResponse) -> dict[str, str]:
    """The session cookie's value and attributes from Set-Cookie."""
    header = next(h for h in reply.headers.get_all("set-cookie") if h.startswith(web.COOKIE))
    name_value, *attributes = [part.strip() for part in header.split(";")]
    parsed = {"value": name_value.split("=", 1)[1]}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        parsed[key.lower()] = value or "true"
    return parsed


def test_log_in_sets_a_strict_http_only_cookie_and_returns_to_the_page(server) -> None:
    base, club = server
    reply = post(
        base, web.LOGIN_PATH, {"username": MEMBER[0], "password": MEMBER[1], "next": "my_program"}
    )
    assert reply.status == 303 and reply.headers["location"] == "/my_program"
    cookie = cookie_of(reply)
    assert cookie["httponly"] == "true" and cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/" and "secure" not in cookie  # plain http on 127.0.0.1
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRONGSTRIDE_HOME", str(club.home))
        session = sessions.authenticator(load_config()).session(cookie["value"])
    assert session.athlete_id == club.member_athlete


def test_a_wrong_password_sets_no_cookie_and_says_why(server) -> None:
    base, _ = server
    reply = post(
        base,
        web.LOGIN_PATH,
        {"username": "nobody", "password": "not it", "next": "upload"},
        client="10.1.0.2",
    )
    assert reply.status == 303 and reply.headers["location"] == "/upload?login=failed&wait=0"
    assert not [h for h in reply.headers.get_all("set-cookie") or [] if h.startswith(web.COOKIE)]


def test_next_is_a_page_name_never_another_site(server) -> None:
    base, _ = server
    for bad in ("https://evil.example/", "//evil.example", "../accounts.json"):
        reply = post(
            base, web.LOGIN_PATH, {"username": "x", "password": "y", "next": bad}, client=bad
        )
        assert reply.headers["location"].startswith("/?"), bad


def test_a_post_from_another_site_is_refused(server) -> None:
    base, _ = server
    reply = post(
        base,
        web.LOGIN_PATH,
        {"username": MEMBER[0], "password": MEMBER[1], "next": ""},
        headers={"Origin": "https://evil.example"},
        client="10.1.0.4",
    )
    assert reply.headers["location"] == "/?login=refused"
    assert not [h for h in reply.headers.get_all("set-cookie") or [] if h.startswith(web.COOKIE)]


def test_the_lockout_counts_the_client_the_trusted_proxy_names(server) -> None:
    base, _ = server
    fields = {"username": "ghost", "password": "wrong", "next": ""}
    assert (
        post(base, web.LOGIN_PATH, fields, client="10.1.0.5")
        .headers["location"]
        .endswith("login=failed&wait=0")
    )
    # at once again from the same client: slowed down; from another client (another name): not
    assert (
        "login=locked" in post(base, web.LOGIN_PATH, fields, client="10.1.0.5").headers["location"]
    )
    other = fields | {"username": "somebody"}  # the account "ghost" is slowed down too
    assert (
        "login=failed" in post(base, web.LOGIN_PATH, other, client="10.1.0.6").headers["location"]
    )


def test_log_out_revokes_the_session_and_clears_the_cookie(server) -> None:
    base, club = server
    logged_in = post(base, web.LOGIN_PATH, {"username": MEMBER[0], "password": MEMBER[1]})
    assert logged_in.headers["location"] == "/", logged_in.headers["location"]
    token = cookie_of(logged_in)["value"]
    reply = post(base, web.LOGOUT_PATH, {}, headers={"Cookie": f"{web.COOKIE}={token}"})
    assert reply.status == 303 and reply.headers["location"] == "/"
    assert cookie_of(reply)["value"] in ("", '""')
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRONGSTRIDE_HOME", str(club.home))
        assert sessions.authenticator(load_config()).session(token) is None
