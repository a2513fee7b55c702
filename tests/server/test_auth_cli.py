"""What a team's admin does from the command line: start a server with its first admin, log
in, create users and service accounts with API keys, and connect CI with a key."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fixtures.store_server import ADMIN, ADMIN_PASSWORD, running_server


def test_a_server_without_an_admin_refuses_to_start_and_says_how(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = invoke("server", "--store-url", url)
    assert result.exit_code == 1
    assert "--admin-password" in result.output and "--no-auth" in result.output
    both = invoke("server", "--store-url", url, "--no-auth", "--admin-password", "pw-12345678")
    assert both.exit_code == 1 and "contradict" in both.output


def test_an_admin_sets_up_a_team_from_the_cli(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with running_server(tmp_path / "team.db") as server:
        # the password is asked for when not given, as ZenML does
        login = invoke("login", server.url, "--username", ADMIN, input=f"{ADMIN_PASSWORD}\n")
        assert login.exit_code == 0, login.output
        assert f"Logged in as '{ADMIN}' (role admin)" in login.output
        assert ADMIN_PASSWORD not in login.output
        status = invoke("status")
        assert f"Logged in as user '{ADMIN}' (role admin)" in status.output, status.output

        created = invoke("user", "create", "vera", "--role", "viewer", input="vera-pw-1234\n" * 2)
        assert created.exit_code == 0, created.output
        listed = invoke("user", "list", "--role", "viewer")
        assert "vera" in listed.output and "viewer" in listed.output
        assert invoke("user", "update", "vera", "--active", "false").exit_code == 0
        assert "False" in invoke("user", "describe", "vera").output

        account = invoke("service-account", "create", "ci", "--create-api-key")
        assert account.exit_code == 0, account.output
        key = re.search(r"swk_[0-9a-f]{12}_\S+", account.output)
        assert key is not None, account.output
        keys = invoke("service-account", "api-key", "ci", "list")
        assert "default" in keys.output and key.group(0) not in keys.output
        rotated = invoke("service-account", "api-key", "ci", "rotate", "default", "--retain", "5")
        assert rotated.exit_code == 0, rotated.output
        new_key = re.search(r"swk_[0-9a-f]{12}_\S+", rotated.output)
        assert new_key is not None and new_key.group(0) != key.group(0)

        as_ci = invoke("login", server.url, "--api-key", new_key.group(0))
        assert as_ci.exit_code == 0, as_ci.output
        assert "Logged in as 'ci' (role editor)" in as_ci.output
        assert "service account 'ci' (role editor)" in invoke("status").output
        assert "vera" in invoke("user", "list").output  # any role reads users' names and roles
        refused = invoke("user", "create", "eve", "--password", "eve-password-1")
        assert refused.exit_code == 1 and "may not" in refused.output
        invoke("logout")


def test_login_with_a_wrong_password_is_refused_cleanly(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with running_server(tmp_path / "team.db") as server:
        result = invoke("login", server.url, "--username", ADMIN, "--password", "wrong-one")
    assert result.exit_code == 1
    assert "refused the login" in result.output and "wrong-one" not in result.output


def test_login_local_takes_zenmls_port_and_blocking_options(  # type: ignore[no-untyped-def]
    invoke, stackwise_home: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx
    from tests.fixtures.store_server import free_port

    port = free_port()
    started = invoke("login", "--local", "--port", str(port), "--ip-address", "127.0.0.1")
    try:
        assert started.exit_code == 0, started.output
        assert f"http://127.0.0.1:{port}" in invoke("status").output
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/info").json()["auth"] == "none"
    finally:
        invoke("logout", "--local")
    assert invoke("login", "http://x:1", "--port", "1").exit_code == 1  # --local's options only

    port = free_port()
    blocking = subprocess.Popen(
        [sys.executable, "-m", "stackwise.cli.main", "login", "--local", "--blocking"]
        + ["--port", str(port)],
        env={**os.environ, "STACKWISE_HOME": str(stackwise_home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert f"http://127.0.0.1:{port}" in invoke("status").output
    finally:
        blocking.send_signal(signal.SIGINT)
        output = blocking.communicate(timeout=30)[0].decode()
    assert "until it stops" in output, output
    assert "Connected to the local stackwise database" in invoke("status").output


def test_a_restarted_server_keeps_its_tokens_valid(tmp_path: Path) -> None:
    """The JWT secret made on the first start is kept in the server's database."""
    import httpx

    database = tmp_path / "kept.db"
    with running_server(database) as first:
        token = first.token()
    with running_server(database) as again:
        answer = httpx.get(
            f"{again.url}/api/v1/current-user", headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200 and answer.json()["name"] == ADMIN
