"""`ServerAccess`: the server's authentication (OAuth2 password flow, JWT) and role checks.

`POST /api/v1/login` takes a form with `username` and `password` and answers a bearer token:
an HS256 JWT with the account's id (`sub`), issued-at (`iat`) and expiry (`exp`). An API key
is exchanged the way ZenML's clients send it: the key as `password`, no username; its token
also names the key (`key`) and the key's rotation (`rot`) and lives `api_key_token_minutes`.

Every request checks the account behind its token as it is now (one indexed read): a disabled
or deleted user, a deactivated, deleted or rotated-out key makes its tokens fail at once, and
a role change applies to the next request. A token that is missing, malformed, tampered with
or expired is refused with 401; a valid caller whose role may not do the action with 403.

The JWT secret is `--jwt-secret-key` / STACKWISE_SERVER_JWT_SECRET_KEY, else one generated
on the first start and kept in the server's database, so a restart keeps tokens valid.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone
from typing import Any

from stackwise.exceptions import AuthorizationException, CredentialsNotValid
from stackwise.server.access import Principal, Token
from stackwise.server.roles import ACTION_CLASSES, allowed
from stackwise.store.base import CredentialStore
from stackwise.store.credentials import key_lookup

JWT_SECRET_ENV = "STACKWISE_SERVER_JWT_SECRET_KEY"  # noqa: S105 - the variable's name
_SETTING = "jwt_secret_key"
_ALGORITHM = "HS256"
_NOT_LOGGED_IN = (
    "Not logged in: send a bearer token from POST /api/v1/login (`stackwise login URL`, or "
    "STACKWISE_STORE_API_KEY / STACKWISE_STORE_USERNAME and STACKWISE_STORE_PASSWORD)."
)


def jwt_secret(store: CredentialStore, given: str | None) -> str:
    """The secret tokens are signed with: the one given, else the one kept in the store."""
    if given:
        if len(given) < 32:
            raise ValueError(
                "The JWT secret key needs at least 32 characters; generate one with "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        return given
    return store.server_setting(_SETTING, lambda: secrets.token_hex(32))


class ServerAccess:
    """Users, service accounts and roles of a server's own database."""

    scheme = "oauth2"

    def __init__(
        self,
        store: CredentialStore,
        *,
        secret_key: str,
        token_minutes: int = 24 * 60,
        api_key_token_minutes: int = 60,
    ) -> None:
        self.store = store
        self._secret = secret_key
        self._lifetimes = (token_minutes * 60, api_key_token_minutes * 60)

    def login(self, username: str | None, password: str | None) -> Token:
        if not password:
            raise CredentialsNotValid("Give a password (or an API key as the password).")
        claims: dict[str, Any]
        if not username and key_lookup(password) is not None:
            account, key, rotation = self.store.authenticate_api_key(password)
            claims = {"sub": account.id, "key": key.id, "rot": rotation}
            lifetime = self._lifetimes[1]
        elif username:
            account = self.store.authenticate_password(username, password)
            claims = {"sub": account.id}
            lifetime = self._lifetimes[0]
        else:
            raise CredentialsNotValid(
                "Give a username and password, or an API key (swk_...) as the password."
            )
        return Token(access_token=self.issue(claims, lifetime), expires_in=lifetime)

    def issue(self, claims: dict[str, Any], lifetime: int) -> str:
        import jwt

        now = int(time.time())
        return str(
            jwt.encode({**claims, "iat": now, "exp": now + lifetime}, self._secret, _ALGORITHM)
        )

    def authenticate(self, token: str | None) -> Principal:
        import jwt

        if not token:
            raise CredentialsNotValid(_NOT_LOGGED_IN)
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise CredentialsNotValid(
                "The token has expired; log in again (`stackwise login`)."
            ) from None
        except jwt.InvalidTokenError:
            raise CredentialsNotValid("The token is not valid; log in again.") from None
        user, key = self.store.credential_state(str(claims["sub"]), claims.get("key"))
        if user is None or not user.active:
            raise CredentialsNotValid("The account of this token is disabled or deleted.")
        if "key" in claims and not _key_valid(key, claims.get("rot")):
            raise CredentialsNotValid(
                "The API key of this token was deactivated, rotated or deleted."
            )
        return Principal(
            name=user.name,
            role=user.role,  # type: ignore[arg-type]  # the store checks it is a Role
            is_service_account=user.is_service_account,
            id=user.id,
        )

    def authorize(self, principal: Principal, action: str) -> None:
        if allowed(principal.role, action):
            return
        if action not in ACTION_CLASSES:
            raise AuthorizationException(f"'{action}' is not an action this server knows.")
        raise AuthorizationException(
            f"'{principal.name}' (role {principal.role}) may not do {action}; ask an admin "
            f"for a role that may ({_roles_for(action)})."
        )


def _key_valid(key: Any, rotation: Any) -> bool:
    if key is None or not key.active:
        return False
    if rotation == key.rotation:
        return True
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return bool(
        rotation == key.rotation - 1 and key.retain_until is not None and now < key.retain_until
    )


def _roles_for(action: str) -> str:
    return ", ".join(r for r in ("viewer", "editor", "admin") if allowed(r, action))
