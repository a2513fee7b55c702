"""Who may do what on the server: the one seam where authentication and roles will go.

Users, service accounts and roles are not built yet: every request is allowed and
`/api/v1/login` hands out an opaque token that nothing checks. Do not expose a server beyond a
network you trust.
"""

from __future__ import annotations

import secrets


def authorize(action: str, authorization: str | None) -> None:
    """Raise `AuthorizationException` when the bearer of `authorization` may not do `action`
    (a Store method name). Today: always allowed."""
    del action, authorization


def issue_token(username: str | None, password: str | None) -> str:
    """A token for a client that logged in with a username and password (not checked yet)."""
    del username, password
    return secrets.token_urlsafe(24)
