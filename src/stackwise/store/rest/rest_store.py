"""RestStore: the Store protocol over HTTP, spoken to a stackwise server (`stackwise server`).

A pipeline, a worker process or a Dask worker given an `http(s)://` store URL uses this
instead of a database, so none of them needs database credentials. Every Store method is one
POST to `/api/v1/store/<method>` (see `stackwise.store.rest.methods`), its arguments and result
in the wire format of `stackwise.store.rest.codec`.

One keep-alive connection pool per store; connecting gives up after 2 s. A request that fails
on the way (connection refused or dropped, 502/503/504) is retried a bounded number of times;
a write carries an `Idempotency-Key` that stays the same across its retries, so the server
replays its first answer instead of writing twice. A server that stays down raises
`ServerUnreachableError` naming the URL within seconds. Every request names the client's
version; a server of another version refuses it (`ServerVersionMismatchError`, both named).
Credentials: `STACKWISE_STORE_API_KEY` (a service account's key), or
`STACKWISE_STORE_USERNAME` + `STACKWISE_STORE_PASSWORD`, are exchanged at `/api/v1/login` for
a short-lived token on the first request, and again when the server refuses the token (401:
expired); every other request reuses the token. A saved session token (`stackwise login URL
--username`) is used as it is until it expires.
"""

from __future__ import annotations

import inspect
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import Any

from stackwise import __version__
from stackwise.exceptions import (
    IllegalOperationError,
    ServerUnreachableError,
    ServerVersionMismatchError,
)
from stackwise.store import base
from stackwise.store.rest.codec import decode, decode_error, encode
from stackwise.store.rest.methods import is_read, store_methods

VERSION_HEADER = "X-Stackwise-Version"
IDEMPOTENCY_HEADER = "Idempotency-Key"
STORE_PREFIX = "/api/v1/store"
API_KEY_ENV = "STACKWISE_STORE_API_KEY"
USERNAME_ENV = "STACKWISE_STORE_USERNAME"
PASSWORD_ENV = "STACKWISE_STORE_PASSWORD"  # noqa: S105 - the variable's name, not a password

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 60.0
RETRY_DELAYS = (0.2, 0.5, 1.0)  # seconds before the 2nd, 3rd and 4th attempt
_RETRY_STATUS = frozenset({502, 503, 504})
_SECRET_RETRIES = 5


def is_server_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


class RestStore:
    """The Store protocol over HTTP. Thread-safe (httpx's client is); one per process and URL
    (see `stackwise.store.get_store`)."""

    encrypts_secrets = True  # the server encrypts secret values with its own key

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        version: str = __version__,
    ) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.version = version
        self._api_key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        self._username = username if username is not None else os.environ.get(USERNAME_ENV)
        self._password = password if password is not None else os.environ.get(PASSWORD_ENV)
        self._token: str | None = token
        self._http = httpx.Client(
            base_url=self.url,
            # a request is written in two parts (head, body): without NODELAY, Nagle's
            # algorithm holds the body until the server's delayed ACK, 40 ms per request
            transport=httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            ),
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            headers={VERSION_HEADER: version},
        )
        self.requests = 0  # requests sent, retries included (benchmarks and tests read it)

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"RestStore({self.url!r})"

    # -- the wire ------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """The server's `/api/v1/info`: its version, database and `auth` (oauth2 or none)."""
        answer = self._send("GET", "/api/v1/info", None, retry=True, authenticate=False)
        result: dict[str, Any] = answer.json()
        return result

    def current_user(self) -> dict[str, Any]:
        """Who this client is on the server: name, role, is_service_account."""
        answer = self._send("GET", "/api/v1/current-user", None, retry=True)
        if answer.status_code != 200:
            raise decode_error(_error_of(answer, "current-user"))
        result: dict[str, Any] = answer.json()
        return result

    def credentials(self) -> dict[str, str | None]:
        """What another process needs to act as this client (a Dask worker whose environment
        predates the login): `RestStore(url, **credentials)`."""
        return {
            "api_key": self._api_key,
            "username": self._username,
            "password": self._password,
            "token": self._token,
        }

    @property
    def token(self) -> str | None:
        """The bearer token in use (`stackwise login` saves a password login's token)."""
        return self._token

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call Store method `name` on the server; its result, or its error raised here."""
        body = json.dumps({"args": encode(list(args)), "kwargs": encode(kwargs)}).encode()
        headers = {} if is_read(name) else {IDEMPOTENCY_HEADER: uuid.uuid4().hex}
        answer = self._send("POST", f"{STORE_PREFIX}/{name}", body, headers=headers, retry=True)
        try:
            payload = answer.json()
        except ValueError:
            payload = None
        if answer.status_code >= 400 or not isinstance(payload, dict):
            error = payload.get("error") if isinstance(payload, dict) else None
            if error is None:
                raise ServerUnreachableError(
                    f"The stackwise server at {self.url} answered {name} with HTTP "
                    f"{answer.status_code}: {answer.text[:300]}",
                    self.url,
                )
            raise decode_error(error)
        return decode(payload["result"])

    def _send(
        self,
        method: str,
        path: str,
        body: bytes | None,
        *,
        headers: dict[str, str] | None = None,
        retry: bool,
        authenticate: bool = True,
    ) -> Any:
        import httpx

        if authenticate and self._token is None and self._can_login:
            self._login()
        last_error: Exception | None = None
        relogged = False
        attempt = 0
        while True:
            self.requests += 1
            try:
                answer = self._http.request(
                    method, path, content=body, headers=self._headers(headers)
                )
            except (httpx.TransportError, httpx.TimeoutException) as error:
                last_error, answer = error, None
            if answer is not None:
                if answer.status_code == 426:
                    self._refuse_version(answer)
                if answer.status_code == 401 and authenticate and self._can_login and not relogged:
                    relogged = True
                    self._login()
                    continue
                if answer.status_code not in _RETRY_STATUS:
                    return answer
            if not retry or attempt >= len(RETRY_DELAYS):
                break
            time.sleep(RETRY_DELAYS[attempt])
            attempt += 1
        reason = (
            f"{type(last_error).__name__}: {last_error}"
            if answer is None
            else f"HTTP {answer.status_code}"
        )
        raise ServerUnreachableError(
            f"The stackwise server at {self.url} does not answer ({reason}, {attempt + 1} "
            "attempts). Start it (`stackwise server`, or `stackwise login --local`), or point "
            "this client elsewhere (STACKWISE_STORE_URL, `stackwise login URL`, "
            "`stackwise logout`).",
            self.url,
        )

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    @property
    def _can_login(self) -> bool:
        return bool(self._api_key or self._username)

    def _login(self) -> None:
        """Exchange the API key (ZenML's way: as the password, no username) or the username
        and password for a token."""
        from urllib.parse import urlencode

        self._token = None
        if self._api_key:
            form, who = {"password": self._api_key}, f"the API key ({API_KEY_ENV})"
        else:
            form = {"username": self._username or "", "password": self._password or ""}
            who = f"'{self._username}' ({USERNAME_ENV}/{PASSWORD_ENV})"
        answer = self._send(
            "POST",
            "/api/v1/login",
            urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            retry=True,
            authenticate=False,
        )
        if answer.status_code != 200:
            from stackwise.exceptions import CredentialsNotValid

            detail = _error_of(answer, "login").get("message", "")
            raise CredentialsNotValid(
                f"The stackwise server at {self.url} refused the login of {who}: "
                f"HTTP {answer.status_code}. {detail}".strip()
            )
        self._token = str(answer.json()["access_token"])

    def _refuse_version(self, answer: Any) -> None:
        server = answer.headers.get(VERSION_HEADER, "unknown")
        raise ServerVersionMismatchError(
            f"This client runs stackwise {self.version} but the server at {self.url} runs "
            f"stackwise {server}. Install the server's version (`pip install "
            f"stackwise=={server}`) or point the client at a server of its own version.",
            client_version=self.version,
            server_version=server,
        )

    # -- methods that cannot travel as they are ------------------------------------------
    def update_secret(
        self, name: str, change: Callable[[str], str], new_name: str | None = None
    ) -> dict[str, Any]:
        """Read the token, change it here, and write it back only if nobody else did."""
        for _ in range(_SECRET_RETRIES):
            current = self.call("get_secret", name)
            try:
                result: dict[str, Any] = self.call(
                    "replace_secret",
                    name=name,
                    expected=current["encrypted_values"],
                    encrypted_values=change(current["encrypted_values"]),
                    new_name=new_name,
                )
                return result
            except IllegalOperationError:
                continue
        raise IllegalOperationError(
            f"Secret '{name}' kept changing while it was being updated; try again."
        )


def _error_of(answer: Any, what: str) -> dict[str, Any]:
    """The error of a REST answer (`{"detail": ...}`) as the wire's error shape."""
    try:
        detail = answer.json().get("detail", "")
    except (ValueError, AttributeError):
        detail = answer.text[:300]
    kind = {401: "CredentialsNotValid", 403: "AuthorizationException"}.get(
        answer.status_code, "StackwiseError"
    )
    return {"type": kind, "message": f"{detail} ({what})"}


def _remote(name: str) -> Callable[..., Any]:
    def method(self: RestStore, *args: Any, **kwargs: Any) -> Any:
        return self.call(name, *args, **kwargs)

    template = getattr(base.Store, name)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = template.__doc__
    method.__signature__ = inspect.signature(template)  # type: ignore[attr-defined]
    return method


for _name in store_methods():
    if _name not in vars(RestStore):
        setattr(RestStore, _name, _remote(_name))
