"""The FastAPI app: one POST route per Store protocol method (what RestStore calls), ZenML's
REST paths for the main entities (`stackwise.server.rest_routes`), `/health`,
`/api/v1/info`, and the dashboard at `/` (`stackwise.server.dashboard`).

Every request passes `VersionGate`: a client of another stackwise version is refused (HTTP
426) with both versions named, and every answer carries the server's version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from stackwise import __version__
from stackwise.exceptions import IllegalOperationError
from stackwise.server import access
from stackwise.server.dashboard import add_dashboard
from stackwise.server.idempotency import IdempotencyCache
from stackwise.server.rest_routes import add_rest_routes
from stackwise.server.wire import IDEMPOTENCY_HEADER, VERSION_HEADER, status_of
from stackwise.store.base import Store
from stackwise.store.rest.codec import decode, encode, encode_error
from stackwise.store.rest.methods import is_read, store_methods

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
    store: Store, *, version: str = __version__, auth: access.Access | None = None
) -> Any:
    """The server app over `store`. `version` is what clients must run (tests change it);
    `auth` checks callers (default: `OpenAccess`, no authentication)."""
    app = FastAPI(title="stackwise", version=version)
    app.state.store = store
    app.state.access = checks = auth if auth is not None else access.OpenAccess()
    idempotency = IdempotencyCache()

    def replace_secret(
        name: str, expected: str, encrypted_values: str, new_name: str | None = None
    ) -> dict[str, Any]:
        """`update_secret` as compare-and-swap (its `change` function cannot travel): the
        client changed the token it read, and the write fails if another got in between."""

        def change(current: str) -> str:
            if current != expected:
                raise IllegalOperationError(
                    f"Secret '{name}' changed while it was being updated; try again."
                )
            return encrypted_values

        return store.update_secret(name, change, new_name)

    targets: dict[str, Callable[..., Any]] = {
        name: getattr(store, name) for name in store_methods() if name != "update_secret"
    }
    targets["replace_secret"] = replace_secret

    def call(name: str, payload: dict[str, Any], token: str | None) -> tuple[int, Any]:
        try:
            checks.authorize(checks.authenticate(token), name)
            args = decode(payload.get("args", []))
            kwargs = decode(payload.get("kwargs", {}))
            return 200, {"result": encode(targets[name](*args, **kwargs))}
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
            status, answer = await run_in_threadpool(
                idempotency.run_once, key, lambda: call(name, payload, token)
            )
            return Response(_json(answer), status_code=status, media_type="application/json")

        handler.__name__ = name
        return handler

    for name in targets:
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
    async def login(request: Request) -> dict[str, Any]:
        """ZenML's login: a form with username and password, answered with a bearer token."""
        form = parse_qs((await request.body()).decode())
        username, password = form.get("username", [None])[0], form.get("password", [None])[0]
        token = await run_in_threadpool(checks.login, username, password)
        return {k: v for k, v in vars(token).items() if v is not None}

    add_rest_routes(app, store)
    add_dashboard(app)
    app.add_middleware(VersionGate, version=version)
    return app
