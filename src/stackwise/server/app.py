"""The FastAPI app: one POST route per Store protocol method (what RestStore calls), ZenML's
REST paths for the main entities (`stackwise.server.rest_routes`), `/health`,
`/api/v1/info`, `/api/v1/login`, `/api/v1/current-user` and the dashboard at `/`
(`stackwise.server.dashboard`).

Every route but health, info and login authenticates its caller and authorizes the action
through `app.state.access` (`stackwise.server.access`); secret values pass through
`stackwise.server.secrets` (encrypted at rest with the server's key, shown only to roles that
may read them).

Every request passes `VersionGate`: a client of another stackwise version is refused (HTTP
426) with both versions named, and every answer carries the server's version.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from stackwise import __version__
from stackwise.exceptions import IllegalOperationError
from stackwise.server import access
from stackwise.server.dashboard import add_dashboard
from stackwise.server.idempotency import IdempotencyCache
from stackwise.server.rest_routes import add_rest_routes
from stackwise.server.roles import sees_secret_values
from stackwise.server.secrets import SecretsAtRest
from stackwise.server.wire import IDEMPOTENCY_HEADER, VERSION_HEADER, status_of
from stackwise.store.base import Store
from stackwise.store.rest.codec import decode, encode, encode_error
from stackwise.store.rest.methods import is_read, store_methods

if TYPE_CHECKING:
    from stackwise.secrets.encryption_key import EncryptionKey

logger = logging.getLogger("stackwise.server")
STORE_PREFIX = "/api/v1/store"


class VersionGate:
    """ASGI middleware: refuses clients of another version, stamps answers."""

    def __init__(self, app: Any, version: str) -> None:
        self.app, self.version = app, version
        self._stamp = (VERSION_HEADER.lower().encode(), version.encode())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = dict(scope["headers"]).get(self._stamp[0])
        if wanted is not None and wanted.decode() != self.version:
            client = wanted.decode()
            body = _json(
                {
                    "error": {
                        "type": "ServerVersionMismatchError",
                        "message": version_mismatch(client, self.version),
                    },
                    "server_version": self.version,
                    "client_version": client,
                }
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 426,
                    "headers": [(b"content-type", b"application/json"), self._stamp],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def stamped(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self._stamp]
            await send(message)

        await self.app(scope, receive, stamped)


def version_mismatch(client: str, server: str) -> str:
    return (
        f"This client runs stackwise {client} but the server runs stackwise {server}. Install "
        f"the server's version (`pip install stackwise=={server}`) or point the client at a "
        "server of its own version."
    )


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _dialect(store: Store) -> str:
    url = str(getattr(store, "url", ""))
    return url.split(":", 1)[0].split("+", 1)[0] or "unknown"


def create_app(
    store: Store,
    *,
    version: str = __version__,
    auth: access.Access | None = None,
    secrets_key: EncryptionKey | None = None,
) -> Any:
    """The server app over `store`. `version` is what clients must run (tests change it);
    `auth` checks callers (default: `OpenAccess`, no authentication); `secrets_key` encrypts
    secret values at rest (default: `stackwise.server.secrets.server_key()`, read on first
    use)."""
    app = FastAPI(title="stackwise", version=version)
    app.state.store = store
    app.state.access = checks = auth if auth is not None else access.OpenAccess()
    secrets = SecretsAtRest(store, secrets_key)
    idempotency = IdempotencyCache()

    def view(principal: access.Principal) -> Any:
        """The store as `principal` sees it (secret values or not)."""
        return secrets.view(sees_secret_values(principal.role))

    app.state.view = view

    def replace_secret(
        store: Any, name: str, expected: str, encrypted_values: str, new_name: str | None = None
    ) -> dict[str, Any]:
        """`update_secret` as compare-and-swap (its `change` function cannot travel): the
        client changed the document it read, and the write fails if another got in between."""

        def change(current: str) -> str:
            if current != expected:
                raise IllegalOperationError(
                    f"Secret '{name}' changed while it was being updated; try again."
                )
            return encrypted_values

        result: dict[str, Any] = store.update_secret(name, change, new_name)
        return result

    names = [name for name in store_methods() if name != "update_secret"]

    def call(name: str, payload: dict[str, Any], token: str | None) -> tuple[int, Any]:
        try:
            principal = checks.authenticate(token)
            checks.authorize(principal, name)
            args = decode(payload.get("args", []))
            kwargs = decode(payload.get("kwargs", {}))
            seen = view(principal)
            if name == "replace_secret":
                return 200, {"result": encode(replace_secret(seen, *args, **kwargs))}
            return 200, {"result": encode(getattr(seen, name)(*args, **kwargs))}
        except Exception as error:
            status = status_of(error)
            if status == 500:
                logger.exception("%s failed", name)
            return status, {"error": encode_error(error)}

    def route(name: str) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            body = await request.body()
            payload = json.loads(body) if body else {}
            token = access.token_of(request)
            key = None if is_read(name) else request.headers.get(IDEMPOTENCY_HEADER)
            if key:  # one caller's key never replays another caller's answer
                key = f"{hashlib.sha256((token or '').encode()).hexdigest()}:{key}"
            status, answer = await run_in_threadpool(
                idempotency.run_once, key, lambda: call(name, payload, token)
            )
            return Response(_json(answer), status_code=status, media_type="application/json")

        handler.__name__ = name
        return handler

    for name in [*names, "replace_secret"]:
        app.add_api_route(
            f"{STORE_PREFIX}/{name}", route(name), methods=["POST"], summary=f"Store.{name}"
        )

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/info")
    def info() -> dict[str, Any]:
        return {"version": version, "database_type": _dialect(store), "auth": checks.scheme}

    @app.post("/api/v1/login")
    async def login(request: Request) -> JSONResponse:
        """ZenML's login: a form with username and password (or an API key as the password
        and no username), answered with a bearer token."""
        form = parse_qs((await request.body()).decode(errors="replace"))
        username, password = form.get("username", [None])[0], form.get("password", [None])[0]
        try:
            token = await run_in_threadpool(checks.login, username, password)
        except Exception as error:
            status = status_of(error)
            if status == 500:
                logger.exception("login failed")
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)
        return JSONResponse({k: v for k, v in vars(token).items() if v is not None})

    @app.get("/api/v1/current-user")
    async def current_user(request: Request) -> JSONResponse:
        """Who the caller is: name, role, whether a service account (`stackwise status`)."""

        def who() -> JSONResponse:
            try:
                principal = checks.authenticate(access.token_of(request))
                checks.authorize(principal, "current_user")
            except Exception as error:  # noqa: BLE001 - every refusal is an HTTP answer
                return JSONResponse({"detail": str(error)}, status_code=status_of(error))
            return JSONResponse(vars(principal))

        return await run_in_threadpool(who)

    add_rest_routes(app)
    add_dashboard(app)
    app.add_middleware(VersionGate, version=version)
    return app
