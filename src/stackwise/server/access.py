"""Who may do what on the server: the one seam where authentication and roles live.

Every route (REST, Store, dashboard) asks the app's `Access` object two questions:
`authenticate(token)` — who is calling (a `Principal`), and `authorize(principal, action)` —
may they do `action` (a Store method name, or a dashboard page's read). The token comes from
`token_of(request)`: the `Authorization: Bearer` header, else the dashboard's session cookie.

`stackwise.server.auth.ServerAccess` is the server with users and roles (`auth: oauth2`);
`OpenAccess` is the server without authentication (`auth: none` in `/api/v1/info`): every
caller is the default admin. Do not expose such a server beyond a network you trust.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

Role = Literal["admin", "editor", "viewer"]
SESSION_COOKIE = "stackwise_token"
_COOKIE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    name: str
    role: Role
    is_service_account: bool = False
    id: str | None = None


@dataclass(frozen=True)
class Token:
    """What `/api/v1/login` answers (OAuth2's token response)."""

    access_token: str
    expires_in: int | None = None
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 scheme name, not a secret


class Access(Protocol):
    """The server's authentication and role checks."""

    scheme: str  # what `/api/v1/info` reports as `auth`: "none" or "oauth2"

    def authenticate(self, token: str | None) -> Principal:
        """The caller behind `token`; raises `CredentialsNotValid` (HTTP 401) when missing,
        malformed, tampered, expired or belonging to a disabled account."""
        ...

    def login(self, username: str | None, password: str | None) -> Token:
        """A token for a username and password, or for an API key given as password with no
        username; raises `CredentialsNotValid` when refused."""
        ...

    def authorize(self, principal: Principal, action: str) -> None:
        """Raise `AuthorizationException` (HTTP 403) when `principal` may not do `action`."""
        ...


def token_of(request: HTTPConnection) -> str | None:
    """The bearer token of a request: the Authorization header, else the session cookie.

    CSRF: the cookie is only accepted on GET and HEAD (which change nothing), so a page on
    another site that makes a browser POST or DELETE here carries no credentials; every write
    needs the Authorization header, which a browser never adds by itself."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    if request.scope.get("method", "GET") not in _COOKIE_METHODS:
        return None
    return request.cookies.get(SESSION_COOKIE) or None


class OpenAccess:
    """No authentication: every caller is the default admin."""

    scheme = "none"
    default = Principal(name="default", role="admin")

    def authenticate(self, token: str | None) -> Principal:
        del token
        return self.default

    def login(self, username: str | None, password: str | None) -> Token:
        del username, password
        return Token(access_token=secrets.token_urlsafe(24))

    def authorize(self, principal: Principal, action: str) -> None:
        del principal, action
