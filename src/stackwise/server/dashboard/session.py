"""Who is looking at a dashboard page: every page and poll asks the app's `Access` (the same
seam the REST routes use) to authenticate the session cookie and authorize the page's read.

Logging in sets the `stackwise_token` cookie HttpOnly (no script reads it) and SameSite=Strict
(no other site's page sends it along), Secure when served over HTTPS. A server without
authentication (`OpenAccess`) has no login page: `/login` goes straight to the runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stackwise.exceptions import AuthorizationException, CredentialsNotValid
from stackwise.server import access
from stackwise.server.wire import status_of


class LoginRequired(Exception):
    """No valid session: the page redirects to the login form, a poll answers 401."""


class Forbidden(Exception):
    """A valid session whose role may not read this page (HTTP 403)."""


def check(request: Request, action: str) -> access.Principal:
    """The caller of `request`, allowed to do `action` (a Store method name)."""
    checks: access.Access = request.app.state.access
    try:
        principal = checks.authenticate(access.token_of(request))
    except CredentialsNotValid:
        raise LoginRequired from None
    try:
        checks.authorize(principal, action)
    except AuthorizationException as error:
        raise Forbidden(str(error)) from None
    return principal


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this server only (never `//other.host`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/runs"


def login_redirect(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


async def form_of(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (first value of each)."""
    parsed = parse_qs((await request.body()).decode(errors="replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def start_session(request: Request, token: access.Token, target: str) -> Response:
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        access.SESSION_COOKIE,
        token.access_token,
        max_age=token.expires_in,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def end_session(target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(access.SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


class DashboardRoute(APIRoute):
    """A dashboard route: no session → the login page (a poll: 401), a role without the
    read → 403, an unknown id or a bad filter → an error page, never a stack trace."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            from stackwise.server.dashboard.rendering import html_page

            poll = request.url.path.startswith("/dashboard/api/")
            try:
                return await handler(request)
            except LoginRequired:
                if poll:
                    return JSONResponse({"detail": "Not logged in."}, status_code=401)
                return login_redirect(request)
            except Exception as error:  # every failure is an answer (a 500 re-raised)
                status = 403 if isinstance(error, Forbidden) else status_of(error)
                message = str(error.args[0]) if error.args else str(error)
                if status == 500:
                    raise
                if poll:
                    return JSONResponse({"detail": message}, status_code=status)
                return html_page(
                    "error.html", http_status=status, status=status, message=message, path=""
                )

        return guarded
