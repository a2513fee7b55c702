"""Secrets on a team's server: encrypted at rest with the server's key, values only for roles
that may read them, never in a log line (the server's or the client's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from tests.server.conftest import Team

from stackwise.client import Client
from stackwise.exceptions import AuthorizationException


def _as(monkeypatch: pytest.MonkeyPatch, team: Team, who: str) -> Client:
    from stackwise.store import reset_store_cache

    monkeypatch.setenv("STACKWISE_STORE_URL", team.url)
    monkeypatch.setenv("STACKWISE_STORE_USERNAME", who)
    monkeypatch.setenv("STACKWISE_STORE_PASSWORD", team.passwords[who])
    reset_store_cache()
    return Client()


def test_a_viewer_sees_a_secrets_keys_but_never_its_values(
    team: Team, monkeypatch: pytest.MonkeyPatch, secret_value: Callable[[str], str]
) -> None:
    value = secret_value("s3cr3t-viewer-never-sees")
    editor = _as(monkeypatch, team, "edith")
    editor.create_secret("warehouse", {"password": value, "user": "etl"})
    assert editor.get_secret("warehouse").secret_values["password"] == value

    viewer = _as(monkeypatch, team, "victor")
    listed = viewer.list_secrets()
    assert [s.name for s in listed] == ["warehouse"]
    with pytest.raises(AuthorizationException, match="may not read the values"):
        viewer.get_secret("warehouse")
    with pytest.raises(AuthorizationException):
        viewer.update_secret("warehouse", add_or_update_values={"password": "x"})
    # nor over the REST routes or the Store routes
    for answer in (
        httpx.get(f"{team.url}/api/v1/secrets", headers=team.headers("victor")),
        httpx.get(f"{team.url}/api/v1/secrets/warehouse", headers=team.headers("victor")),
        httpx.post(
            f"{team.url}/api/v1/store/get_secret",
            json={"args": ["warehouse"], "kwargs": {}},
            headers=team.headers("victor"),
        ),
    ):
        assert answer.status_code == 200 and "password" in answer.text
        assert value not in answer.text


def test_values_are_encrypted_at_rest_with_the_servers_key(
    team: Team, monkeypatch: pytest.MonkeyPatch, secret_value: Callable[[str], str]
) -> None:
    value = secret_value("s3cr3t-at-rest")
    editor = _as(monkeypatch, team, "edith")
    editor.create_secret("bucket", {"key": value})
    editor.update_secret("bucket", add_or_update_values={"region": "eu"})
    assert editor.get_secret("bucket").secret_values == {"key": value, "region": "eu"}
    database = sqlite3.connect(team.server.database)
    try:
        (stored,) = database.execute(
            "SELECT encrypted_values FROM secrets WHERE name = 'bucket'"
        ).fetchone()
    finally:
        database.close()
    assert value not in stored and "region" not in stored  # a Fernet token, keys sealed too
    # the client keeps no key of its own for a server's secrets
    from stackwise.secrets.encryption_key import key_file_path

    assert not key_file_path().exists()
    log = team.server.database.with_suffix(".log").read_text()
    assert value not in log


def test_no_server_log_record_carries_a_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, secret_value: Callable[[str], str]
) -> None:
    """The server in this process (real uvicorn on loopback) so that its log records are
    captured: every logger at DEBUG, SQL statements and uvicorn's access log included."""
    import logging
    import threading
    import time

    import uvicorn
    from tests.fixtures.store_server import free_port

    from stackwise.secrets.encryption_key import key_from_text
    from stackwise.server import create_app
    from stackwise.server.auth import ServerAccess
    from stackwise.store.rest.rest_store import RestStore
    from stackwise.store.sql.sql_store import SqlStore

    value = secret_value("s3cr3t-in-no-log-line")
    caplog.set_level(logging.DEBUG)
    for name in ("stackwise", "sqlalchemy.engine", "uvicorn", "uvicorn.access"):
        caplog.set_level(logging.DEBUG, logger=name)
    store = SqlStore(f"sqlite:///{tmp_path / 'logged.db'}")
    store.create_user("admin", password="admin-password", role="admin")
    store.create_user("viewer", password="viewer-password", role="viewer")
    from cryptography.fernet import Fernet

    app = create_app(
        store,
        auth=ServerAccess(store, secret_key="k" * 40),
        secrets_key=key_from_text(Fernet.generate_key().decode(), "a test key"),
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="debug"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{port}"
        client = Client(RestStore(url, username="admin", password="admin-password"))
        client.create_secret("db", {"password": value})
        client.update_secret("db", add_or_update_values={"user": "etl"})
        assert client.get_secret("db").secret_values["password"] == value
        viewer = Client(RestStore(url, username="viewer", password="viewer-password"))
        with pytest.raises(AuthorizationException):
            viewer.get_secret("db")
        with pytest.raises(AuthorizationException):
            viewer.create_secret("other", {"password": value})
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()
    assert any("/api/v1/store/" in r.getMessage() for r in caplog.records)  # access log seen
    assert not [r for r in caplog.records if value in r.getMessage()]
