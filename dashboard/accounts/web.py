"""Log-in and log-out as ordinary HTTP endpoints (served beside Streamlit by st.App, server.py).

POST /session/login checks the password under the lockout policy and, on success, sets the session
cookie: HttpOnly (scripts cannot read it), SameSite=Strict (no other site's page sends it), Secure
over HTTPS (or as configured), a fresh random id at every log-in. The browser is then sent back to
the page it asked for, so a bookmarked page opens after logging in. POST /session/logout revokes the
session on the server and clears the cookie. The app reads the session from the cookie
(ui.session_viewer), never from anything the page sends.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dashboard.accounts import auth, sessions
from dashboard.config import DashboardConfig, load_config

COOKIE = "strongstride_session"
LOGIN_PATH = "/session/login"
LOGOUT_PATH = "/session/logout"
_PAGE = re.compile(r"^[a-z_]{1,40}$")  # where to go after log-in: a page name, never a URL


def client_address(request: Request, config: DashboardConfig) -> str:
    """Who is knocking, for the per-client lockout: the peer address, or behind a trusted reverse
    proxy the address it adds last to its configured header; never a header from anyone else."""
    peer = request.client.host if request.client else "unknown"
    header = config.trusted_proxy_header
    if header and peer in config.trusted_proxies:
        forwarded = [part.strip() for part in request.headers.get(header, "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return peer


def _secure(request: Request, config: DashboardConfig) -> bool:
    if config.cookie_secure != "auto":
        return config.cookie_secure == "always"
    return request.url.scheme == "https"


def _back_to(page: str, **query: str) -> str:
    target = "/" + (page if _PAGE.match(page) else "")
    return target + ("?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()) if query else "")


def _same_origin(request: Request) -> bool:
    """A form post from this site's own page (browsers send Origin with every POST)."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")


async def login(request: Request) -> Response:
    config = load_config()
    form = await request.form()
    page = str(form.get("next", ""))
    if not _same_origin(request):
        return RedirectResponse(_back_to(page, login="refused"), status_code=303)
    authenticator = sessions.authenticator(config)
    try:
        outcome = authenticator.login(
            str(form.get("username", "")),
            str(form.get("password", "")),
            client_address(request, config),
            request.cookies.get(COOKIE),  # the old session ends: the id changes at log-in
        )
    except auth.AccountError:
        return RedirectResponse(_back_to(page, login="unavailable"), status_code=303)
    if not outcome.ok:
        wait = str(round(outcome.retry_after_seconds))
        reason = "locked" if outcome.retry_after_seconds else "failed"
        return RedirectResponse(_back_to(page, login=reason, wait=wait), status_code=303)
    response = RedirectResponse(_back_to(page), status_code=303)
    response.set_cookie(
        COOKIE,
        outcome.token,
        max_age=int(config.session_max_seconds),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request, config),
    )
    return response


async def logout(request: Request) -> Response:
    config = load_config()
    if _same_origin(request):
        sessions.authenticator(config).logout(request.cookies.get(COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


def routes() -> list[Route]:
    """The log-in and log-out endpoints."""
    return [
        Route(LOGIN_PATH, login, methods=["POST"]),
        Route(LOGOUT_PATH, logout, methods=["POST"]),
    ]
