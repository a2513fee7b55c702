"""The stackwise server and RestStore against a real `stackwise server` subprocess: what a
team relies on when its pipelines and CLI talk to a shared server."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fixtures.store_server import RunningServer, free_port, running_server

from stackwise import __version__, pipeline, step
from stackwise.client import Client
from stackwise.exceptions import (
    EntityNotFoundError,
    ServerUnreachableError,
    ServerVersionMismatchError,
)
from stackwise.store import get_store
from stackwise.store.rest.rest_store import IDEMPOTENCY_HEADER, VERSION_HEADER, RestStore


@step
def seed() -> int:
    return 1


@step
def increment(value: int) -> int:
    return value + 1


@pipeline(name="server_chain")
def chain() -> None:
    value = seed()
    for _ in range(5):
        value = increment(value)


def test_a_pipeline_runs_through_the_server_within_its_request_budget(
    server_store: RunningServer,
) -> None:
    store = get_store()
    assert isinstance(store, RestStore)
    assert Client().active_stack  # created on first use: not part of a run's cost
    store.requests = 0
    chain()  # every step executes (looked up in the cache, started, finished)
    executed = store.requests
    store.requests = 0
    chain()
    cached = store.requests
    # per run: stack, components, pipeline, run, finish, the run read back (a constant);
    # per step: at most 3 requests executed, 2 cached
    steps = 6
    assert executed <= 3 * steps + 8, executed
    assert cached <= 2 * steps + 8, cached
    assert executed - cached == steps  # an executed step costs one more than a cached one
    run = Client().get_pipeline("server_chain").last_run
    assert run.status == "completed"
    assert run.steps["increment_5"].outputs["output"][0].load() == 6


def test_an_unreachable_server_fails_within_seconds_naming_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(ServerUnreachableError, match=url.replace(".", r"\.")):
        RestStore(url).list_secrets()
    assert time.monotonic() - started < 10


def test_a_client_of_another_version_is_refused_with_both_versions(
    server_store: RunningServer,
) -> None:
    with pytest.raises(ServerVersionMismatchError) as info:
        RestStore(server_store.url, version="0.0.1").list_secrets()
    assert "0.0.1" in str(info.value) and __version__ in str(info.value)
    assert info.value.server_version == __version__


def test_a_retried_write_is_done_once(server_store: RunningServer) -> None:
    body = {"args": ["retried"], "kwargs": {}}
    auth = {"Authorization": f"Bearer {server_store.token()}"}
    headers = {IDEMPOTENCY_HEADER: uuid.uuid4().hex, VERSION_HEADER: __version__, **auth}
    first = httpx.post(f"{server_store.url}/api/v1/store/create_tag", json=body, headers=headers)
    again = httpx.post(f"{server_store.url}/api/v1/store/create_tag", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert [t.name for t in Client().list_tags()] == ["retried"]
    # without the key the same write is a second one, refused as a duplicate
    third = httpx.post(f"{server_store.url}/api/v1/store/create_tag", json=body, headers=auth)
    assert third.status_code == 409


def test_store_errors_arrive_as_the_same_exception_classes(server_store: RunningServer) -> None:
    with pytest.raises(EntityNotFoundError, match="nope"):
        Client().get_pipeline("nope")
    with pytest.raises(KeyError):
        get_store().get_run("no-such-run")


def test_zenml_rest_paths_page_and_filter(server_store: RunningServer) -> None:
    chain()
    chain()
    base = server_store.url
    httpx = _Authorized(server_store.token())
    page = httpx.get(f"{base}/api/v1/runs", params={"size": 1, "sort_by": "desc:created"}).json()
    assert (page["index"], page["max_size"], page["total"], page["total_pages"]) == (1, 1, 2, 2)
    assert page["items"][0]["pipeline_name"] == "server_chain"
    named = httpx.get(f"{base}/api/v1/pipelines", params={"name": "contains:chain"}).json()
    assert [p["name"] for p in named["items"]] == ["server_chain"]
    run_id = page["items"][0]["id"]
    assert httpx.get(f"{base}/api/v1/runs/{run_id}").json()["id"] == run_id
    assert httpx.get(f"{base}/api/v1/runs/missing").status_code == 404
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    info = httpx.get(f"{base}/api/v1/info").json()
    assert (info["version"], info["database_type"]) == (__version__, "sqlite")
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    for path in (
        "/api/v1/steps",
        "/api/v1/artifact_versions",
        "/api/v1/stacks",
        "/api/v1/components",
        "/api/v1/secrets",
        "/api/v1/login",
    ):
        assert path in paths


class _Authorized:
    """httpx's get with the admin's bearer token."""

    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(url, headers=self.headers, **kwargs)


def test_secrets_update_through_the_server(server_store: RunningServer) -> None:
    client = Client()
    client.create_secret("db", {"password": "one"})
    client.update_secret("db", add_or_update_values={"password": "two"})
    assert client.get_secret("db").secret_values == {"password": "two"}


def test_login_local_status_and_logout(invoke, stackwise_home: Path) -> None:  # type: ignore[no-untyped-def]
    login = invoke("login", "--local")
    assert login.exit_code == 0, login.output
    try:
        assert "Connected to the stackwise server at http://127.0.0.1:" in login.output
        chain()
        status = invoke("status")
        assert "Connected to a stackwise server: http://127.0.0.1" in status.output
        assert f"stackwise {__version__}" in status.output
        assert Client().get_pipeline("server_chain").last_run.status == "completed"
    finally:
        logout = invoke("logout", "--local")
    assert logout.exit_code == 0, logout.output
    assert "Stopped the local server" in logout.output
    assert "Connected to the local stackwise database" in invoke("status").output


def test_an_api_key_given_to_a_server_without_auth_is_called_out(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    with running_server(tmp_path / "open.db", auth=False) as server:
        result = invoke("login", server.url, "--api-key", "k-123")
    assert result.exit_code == 0, result.output
    assert "runs without authentication" in result.output
    assert "k-123" not in result.output


def test_login_to_a_dead_url_is_refused_cleanly(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("login", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert "does not answer" in result.output


def test_username_and_password_log_in_first(server_store: RunningServer) -> None:
    """ZenML's STORE_USERNAME/PASSWORD flow (the fixture sets the admin's): a login, then
    requests with the token."""
    store = RestStore(server_store.url)
    assert store.list_secrets() == []
    assert store.requests == 2  # the login, then the call
    assert store.list_secrets() == [] and store.requests == 3


class _DroppingProxy:
    """A loopback TCP proxy to the server that, on its first connection, forwards the request
    and waits for the server's answer, then hangs up without passing it on: a write done on
    the server whose answer the client never got. Later connections pass through."""

    def __init__(self, upstream_port: int) -> None:
        import socket
        import threading

        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dropped = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            if self.dropped == 0:
                self.dropped = 1
                request = b""
                while b"\r\n\r\n" not in request:
                    request += client.recv(65536)
                head, _, body = request.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                while len(body) < length:
                    body += client.recv(65536)
                upstream.sendall(head + b"\r\n\r\n" + body)
                upstream.recv(65536)  # the server answered: the write is done
                client.close()
                upstream.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: Any, target: Any) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            target.close()

    def close(self) -> None:
        self.listener.close()


def test_a_write_whose_answer_was_lost_is_retried_and_done_once(
    server_store: RunningServer,
) -> None:
    proxy = _DroppingProxy(int(server_store.url.rsplit(":", 1)[1]))
    try:
        store = RestStore(f"http://127.0.0.1:{proxy.port}", token=server_store.token())
        tag = store.create_tag("once")
        assert proxy.dropped == 1 and store.requests == 2  # the lost answer, then the replay
    finally:
        proxy.close()
    assert [t.id for t in RestStore(server_store.url).list_tags().items] == [tag.id]
