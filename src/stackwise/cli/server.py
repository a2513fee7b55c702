"""`stackwise server`, `stackwise login` and `stackwise logout`: run a server, and point this
client at one (or back at the local SQLite store).

`login --local` starts a server without authentication (`--no-auth`, like ZenML's local
server) in the background on a free loopback port over the local SQLite store; its pid and log
live under STACKWISE_HOME (`server.pid`, `server.log`) and `logout --local` stops it. A team's
server runs with users and roles: `stackwise server --admin-password ...` on first start.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

_PID_FILE = "server.pid"
_LOG_FILE = "server.log"
_START_TIMEOUT = 30.0


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8237, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--store-url",
    default=None,
    help="Database the server keeps (default: this client's store: STACKWISE_STORE_URL or "
    "the SQLite file under STACKWISE_HOME).",
)
@click.option(
    "--admin-username",
    default="admin",
    show_default=True,
    help="Name of the first admin, made with --admin-password when no admin exists.",
)
@click.option(
    "--admin-password",
    envvar="STACKWISE_SERVER_ADMIN_PASSWORD",
    default=None,
    help="Password of the first admin (env STACKWISE_SERVER_ADMIN_PASSWORD); needed once, "
    "when the database has no admin yet.",
)
@click.option(
    "--no-auth",
    is_flag=True,
    help="No users, no roles: every caller is an admin. Only for a trusted network.",
)
@click.option(
    "--jwt-secret-key",
    envvar="STACKWISE_SERVER_JWT_SECRET_KEY",
    default=None,
    help="Secret tokens are signed with (env STACKWISE_SERVER_JWT_SECRET_KEY; default: one "
    "made on the first start and kept in the database).",
)
@click.option(
    "--secrets-key",
    envvar="STACKWISE_SERVER_SECRETS_KEY",
    default=None,
    help="Fernet key secret values are encrypted with at rest (env "
    "STACKWISE_SERVER_SECRETS_KEY; default: the key file STACKWISE_HOME/secret.key).",
)
@click.option(
    "--token-expire-minutes",
    default=24 * 60,
    show_default=True,
    type=click.IntRange(min=1),
    help="Lifetime of a token from a password login (API-key tokens live 60 minutes).",
)
def server(
    host: str,
    port: int,
    store_url: str | None,
    admin_username: str,
    admin_password: str | None,
    no_auth: bool,
    jwt_secret_key: str | None,
    secrets_key: str | None,
    token_expire_minutes: int,
) -> None:
    """Run a stackwise server in the foreground (Ctrl+C stops it). Callers log in as users
    or service accounts with roles (admin, editor, viewer); the first start needs
    --admin-password (or STACKWISE_SERVER_ADMIN_PASSWORD) to make the first admin."""
    import uvicorn

    from stackwise.config.global_config import GlobalConfig
    from stackwise.exceptions import ConfigError
    from stackwise.server import create_app
    from stackwise.server.access import Access, OpenAccess
    from stackwise.server.secrets import server_key
    from stackwise.store.sql.sql_store import SqlStore

    url = store_url or GlobalConfig().store_url
    if url.startswith(("http://", "https://")):
        raise ConfigError(
            f"The server's store must be a database, not another server ('{url}'). Pass "
            "--store-url sqlite:///PATH or postgresql://..., or `stackwise logout` first."
        )
    if no_auth and admin_password:
        raise ConfigError(
            "--no-auth and --admin-password (or STACKWISE_SERVER_ADMIN_PASSWORD) contradict "
            "each other: a server without authentication has no admin. Drop one."
        )
    store = SqlStore(url)
    checks: Access
    if no_auth:
        checks = OpenAccess()
        if host not in ("127.0.0.1", "localhost", "::1"):
            logging.getLogger("stackwise.server").warning(
                "Serving WITHOUT authentication on %s: anyone who reaches this address can "
                "read and change everything, secrets included.",
                host,
            )
    else:
        checks = _server_access(
            store, admin_username, admin_password, jwt_secret_key, token_expire_minutes
        )
    key = server_key(secrets_key)
    auth = "no authentication" if no_auth else "users and roles"
    click.echo(f"stackwise server on http://{host}:{port} over {url.split('@')[-1]} ({auth})")
    app = create_app(store, auth=checks, secrets_key=key)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _server_access(
    store: Any,
    admin_username: str,
    admin_password: str | None,
    jwt_secret_key: str | None,
    token_minutes: int,
) -> Any:
    """ServerAccess over `store`, its first admin made from `admin_password` when it has
    none; a store with no admin and no password is refused."""
    from stackwise.exceptions import ConfigError
    from stackwise.server.auth import ServerAccess, jwt_secret

    if not store.has_admin():
        if not admin_password:
            raise ConfigError(
                "This server has no admin yet. Start it once with --admin-password PASSWORD "
                "(or STACKWISE_SERVER_ADMIN_PASSWORD) to create the admin "
                f"'{admin_username}', or with --no-auth for a server without users "
                "(trusted networks only)."
            )
        try:
            existing = store.get_user(admin_username)
        except KeyError:
            store.create_user(admin_username, password=admin_password, role="admin")
        else:
            if existing.is_service_account:
                raise ConfigError(
                    f"'{admin_username}' is a service account; pick another --admin-username."
                )
            store.update_user(existing.id, password=admin_password, role="admin", active=True)
        click.echo(f"Created the admin '{admin_username}'.")
    elif admin_password:
        click.echo(
            "An admin exists already, so --admin-password (STACKWISE_SERVER_ADMIN_PASSWORD) "
            "was not used; change passwords with `stackwise user update`.",
            err=True,
        )
    return ServerAccess(
        store, secret_key=jwt_secret(store, jwt_secret_key), token_minutes=token_minutes
    )


@click.command()
@click.argument("url", required=False)
@click.option(
    "--local",
    is_flag=True,
    help="Start a server here in the background (on loopback, WITHOUT authentication, like "
    "ZenML's local server) and use it.",
)
@click.option("--api-key", default=None, help="A service account's API key to log in with.")
@click.option("--username", default=None, help="Log in as this user (asks for the password).")
@click.option("--password", default=None, help="The user's password (asked for if not given).")
@click.option("--port", default=None, type=int, help="With --local: the port to listen on.")
@click.option(
    "--ip-address", default=None, help="With --local: the address to listen on (127.0.0.1)."
)
@click.option(
    "--blocking",
    is_flag=True,
    help="With --local: run the server in the foreground until Ctrl+C, then point this "
    "client back at its local store.",
)
def login(
    url: str | None,
    local: bool,
    api_key: str | None,
    username: str | None,
    password: str | None,
    port: int | None,
    ip_address: str | None,
    blocking: bool,
) -> None:
    """Point this client at the stackwise server at URL (or, with --local, at a server
    started here). Log in with --api-key, or --username (and --password, else asked for);
    the API key, or the password login's session token, is kept in the client's config."""
    from stackwise.config.global_config import GlobalConfig
    from stackwise.exceptions import ConfigError
    from stackwise.store import get_store, reset_store_cache

    config = GlobalConfig()
    if local == bool(url):
        raise ConfigError("Give either a server URL or --local: `stackwise login URL`.")
    if not local and (port is not None or ip_address or blocking):
        raise ConfigError("--port, --ip-address and --blocking go with --local only.")
    if api_key and username:
        raise ConfigError("Log in with --api-key or with --username, not both.")
    if password and not username:
        raise ConfigError("--password needs --username.")
    if local and (api_key or username):
        raise ConfigError(
            "`login --local` starts a server without authentication; drop --api-key and "
            "--username (or start `stackwise server --admin-password ...` and log in to it)."
        )
    if local and blocking:
        _run_blocking(config, ip_address or "127.0.0.1", port or _free_port())
        return
    if local:
        url = _start_local(config.home, config.store_url, port=port, host=ip_address)
    assert url is not None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"'{url}' is not a server URL: it must start with http:// or https://.")
    url = url.rstrip("/")
    from stackwise.store.rest.rest_store import RestStore

    if username and password is None:
        password = click.prompt(f"Password for '{username}'", hide_input=True)
    remote = RestStore(url, api_key=api_key, username=username, password=password)
    info = remote.info()  # refuses an unreachable server or another version
    who = remote.current_user() if info.get("auth") != "none" else None
    token = remote.token if username else None
    remote.close()
    config.set_login(url, api_key, token)
    reset_store_cache()
    get_store()
    click.echo(f"Connected to the stackwise server at {url} (stackwise {info['version']}).")
    if who is not None:
        click.echo(f"Logged in as '{who['name']}' (role {who['role']}).")
    if (api_key or username) and info.get("auth") == "none":
        click.echo(
            "Note: this server runs without authentication (--no-auth); the credentials "
            "were not checked, and anyone who reaches the server can use it.",
            err=True,
        )


def _run_blocking(config: Any, host: str, port: int) -> None:
    """`login --local --blocking`: this client uses a no-auth server run in the foreground
    until Ctrl+C, then its local store again."""
    url = f"http://{host}:{port}"
    store_url = config.store_url
    if store_url.startswith(("http://", "https://")):
        store_url = f"sqlite:///{config.home / 'stackwise.db'}"
    config.set_login(url)
    click.echo(f"This client uses the server at {url} until it stops (Ctrl+C).")
    try:
        server.main(
            ["--host", host, "--port", str(port), "--store-url", store_url, "--no-auth"],
            standalone_mode=False,
        )
    finally:
        config.set_login(None)


@click.command()
@click.option("--local", is_flag=True, help="Also stop the server `login --local` started.")
def logout(local: bool) -> None:
    """Point this client back at its local SQLite store."""
    from stackwise.config.global_config import GlobalConfig

    config = GlobalConfig()
    config.set_login(None)
    click.echo(f"Using the local store under {config.home} again.")
    if local:
        click.echo(_stop_local(config.home))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_local(
    home: Path, store_url: str, *, port: int | None = None, host: str | None = None
) -> str:
    """Start `stackwise server --no-auth` in the background over the local store; its URL
    once it answers /health. A server already running from an earlier `login --local` is
    reused (unless another port or address is asked for)."""
    pid_file = home / _PID_FILE
    if pid_file.exists():
        pid, _, url = pid_file.read_text().partition(" ")
        wanted = f"http://{host or '127.0.0.1'}:{port}" if port else None
        if _alive(int(pid)) and (wanted is None or url.strip() == wanted):
            return url.strip()
        if _alive(int(pid)):
            _stop_local(home)
    if store_url.startswith(("http://", "https://")):
        store_url = f"sqlite:///{home / 'stackwise.db'}"
    home.mkdir(parents=True, exist_ok=True)
    url, process = start_server_process(
        store_url, home / _LOG_FILE, detach=True, args=["--no-auth"], port=port, host=host
    )
    pid_file.write_text(f"{process.pid} {url}")
    return url


def start_server_process(
    store_url: str,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    detach: bool = False,
    timeout: float = _START_TIMEOUT,
    args: Sequence[str] = (),
    port: int | None = None,
    host: str | None = None,
) -> tuple[str, subprocess.Popen[bytes]]:
    """`stackwise server` over `store_url` (plus `args`: `--no-auth`, `--admin-password`,
    ...) in a child process on `port` (default: a free loopback port), its output appended to
    `log`: (its URL, the process) once it answers /health. `detach` puts it in a session of
    its own, so it outlives this process (`login --local`). A server that does not answer
    within `timeout` is killed and ServerUnreachableError shows its log's end."""
    import httpx

    from stackwise.exceptions import ServerUnreachableError

    port = port or _free_port()
    host = host or "127.0.0.1"
    url = f"http://{host}:{port}"
    command = [sys.executable, "-m", "stackwise.cli.main", "server", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "--host", host, "--store-url", store_url, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=detach,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return url, process
        except httpx.TransportError:
            time.sleep(0.05)
    if process.poll() is None:
        process.kill()
    tail = log.read_text(errors="replace")[-1500:]
    raise ServerUnreachableError(
        f"The stackwise server did not start within {timeout:.0f} s. The end of its log "
        f"({log}):\n{tail}",
        url,
    )


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child, now reaped
    except ChildProcessError:
        pass  # not our child: started by another `stackwise login --local`
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _stop_local(home: Path) -> str:
    pid_file = home / _PID_FILE
    if not pid_file.exists():
        return "No local server was running."
    pid = int(pid_file.read_text().split()[0])
    pid_file.unlink()
    if not _alive(pid):
        return "The local server had already stopped."
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
    return f"Stopped the local server (pid {pid})."
