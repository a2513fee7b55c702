"""Which database a store URL opens, and what a user sees when it cannot be opened: the
accepted forms of a PostgreSQL URL, a clear error for anything else, and a database that is
down or refuses the login failing within seconds, naming the URL without its password."""

from __future__ import annotations

import time

import pytest

from fixtures.store_backends import only_backend
from stackwise.exceptions import ConfigError, StoreUnavailableError
from stackwise.store import get_store
from stackwise.store.sql.engine import CONNECT_TIMEOUT
from stackwise.store.urls import hide_password, split_password, with_password


def test_hide_password_masks_only_the_password():
    assert (
        hide_password("postgresql://ml:s3cr3t@db:5432/runs") == "postgresql://ml:****@db:5432/runs"
    )
    assert hide_password("postgresql://ml@db/runs") == "postgresql://ml@db/runs"
    assert hide_password("sqlite:////home/me/.stackwise/stackwise.db") == (
        "sqlite:////home/me/.stackwise/stackwise.db"
    )


def test_a_remote_steps_url_and_password_split_and_join_back():
    """A remote engine's task gets the URL without its password, and the password apart (a
    credential): the two join back to the same URL; URLs without one are left alone."""
    url = "postgresql://ml:s3:cr@t@db:5432/runs"
    bare, password = split_password(url)
    assert (bare, password) == ("postgresql://ml@db:5432/runs", "s3:cr@t")
    assert with_password(bare, password) == url
    assert with_password(url, "other") == url  # a URL's own password wins
    for kept in ("postgresql://ml@db/runs", "sqlite:////tmp/x.db", "http://u:p@server:8080"):
        assert split_password(kept) == (kept, None)
        assert with_password(kept, None) == kept


@only_backend("postgresql")
def test_a_url_without_its_password_opens_with_stackwise_store_password(
    store_url: str, monkeypatch: pytest.MonkeyPatch
):
    """What a remote step's process does: URL from the task, password from the credentials."""
    from stackwise.store.sql.sql_store import SqlStore

    bare, password = split_password(store_url)
    assert password, "the PostgreSQL fixture logs in with a password"
    monkeypatch.setenv("STACKWISE_STORE_PASSWORD", password)
    assert SqlStore(bare).list_pipelines() is not None
    monkeypatch.delenv("STACKWISE_STORE_PASSWORD")
    with pytest.raises(StoreUnavailableError, match="password"):
        SqlStore(bare).list_pipelines()


@only_backend("postgresql")
@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_every_postgresql_url_form_opens_the_database_with_psycopg_3(store_url: str, scheme: str):
    url = scheme + "://" + store_url.partition("://")[2]
    store = get_store(url)
    assert store.engine.url.drivername == "postgresql+psycopg"
    assert store.get_or_create_pipeline("reached").name == "reached"
    assert store.url == url  # what subprocesses get is what the user wrote


def test_another_postgresql_driver_is_refused_naming_the_one_to_use():
    with pytest.raises(ConfigError, match=r"driver 'psycopg2'.*psycopg 3: write postgresql://"):
        get_store("postgresql+psycopg2://ml:s3cr3t@localhost/runs")


def test_a_url_of_no_known_database_names_the_accepted_forms_and_hides_the_password():
    with pytest.raises(ConfigError) as info:
        get_store("mysql://ml:s3cr3t@localhost/runs")
    message = str(info.value)
    assert "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE" in message
    assert "mysql://ml:****@localhost/runs" in message
    assert "s3cr3t" not in message


@only_backend("postgresql")
def test_a_refused_login_fails_at_once_naming_the_url_without_the_password(store_url: str):
    wrong = store_url.replace(":stackwise-test-password@", ":not-the-password@")
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as info:
        get_store(wrong)
    assert time.monotonic() - started < CONNECT_TIMEOUT
    message = str(info.value)
    assert hide_password(wrong) in message
    assert "not-the-password" not in message
    assert "password authentication failed" in message
    assert isinstance(info.value, ConnectionError)


@only_backend("postgresql")
def test_a_database_that_is_down_fails_within_the_connect_timeout(store_url: str):
    from fixtures.mlflow_server import free_port

    down = f"postgresql://ml:s3cr3t@127.0.0.1:{free_port()}/runs"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=r"127\.0\.0\.1:\d+/runs") as info:
        get_store(down)
    assert time.monotonic() - started < CONNECT_TIMEOUT + 1
    assert "s3cr3t" not in str(info.value)
    assert "Check that PostgreSQL runs there" in str(info.value)


@only_backend("postgresql")
def test_the_cli_reports_an_unreachable_store_in_one_line_without_a_traceback(invoke):
    from fixtures.mlflow_server import free_port

    down = f"postgresql://ml:s3cr3t@127.0.0.1:{free_port()}/runs"
    result = invoke("pipeline", "list", env={"STACKWISE_STORE_URL": down})
    assert result.exit_code != 0
    assert "Cannot reach the metadata store's database at postgresql://ml:****@" in result.output
    assert "Traceback" not in result.output
    assert "s3cr3t" not in result.output


@only_backend("postgresql")
def test_a_database_stopped_mid_session_fails_the_next_call_within_seconds():
    """A store that worked a moment ago: its server stops, the next call (on a pooled
    connection the server dropped) raises StoreUnavailableError quickly, naming the URL."""
    import tempfile
    from pathlib import Path

    from fixtures.postgres_server import _server_user, find_bindir, start_postgres, stop_postgres

    bindir, user = find_bindir(), _server_user()
    assert bindir is not None  # the session's server started from it
    root = Path(tempfile.mkdtemp(prefix="stackwise-pg-"))
    try:
        server = start_postgres(bindir, root, user)
        url = server.create_database(empty=True)
        store = get_store(url)
        store.get_or_create_pipeline("before")
        stop_postgres(bindir, root, user)
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError) as info:
            store.get_pipeline("before")
        assert time.monotonic() - started < CONNECT_TIMEOUT + 1
        assert hide_password(url) in str(info.value)
    finally:
        stop_postgres(bindir, root, user)
