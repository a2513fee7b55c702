"""`stackwise server`, `stackwise login` and `stackwise logout`: run a server, and point this
client at one (or back at the local SQLite store).

`login --local` starts a server in the background on a free loopback port over the local
SQLite store; its pid and log live under STACKWISE_HOME (`server.pid`, `server.log`) and
`logout --local` stops it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
def server(host: str, port: int, store_url: str | None) -> None:
    """Run a stackwise server in the foreground (Ctrl+C stops it). No users or roles yet:
    anyone who reaches it can read and change everything, so keep it on a trusted network."""
    import uvicorn

    from stackwise.config.global_config import GlobalConfig
    from stackwise.exceptions import ConfigError
    from stackwise.server import create_app
    from stackwise.store.sql.sql_store import SqlStore

    url = store_url or GlobalConfig().store_url
    if url.startswith(("http://", "https://")):
        raise ConfigError(
            f"The server's store must be a database, not another server ('{url}'). Pass "
            "--store-url sqlite:///PATH or postgresql://..., or `stackwise logout` first."
        )
    click.echo(f"stackwise server on http://{host}:{port} over {url.split('@')[-1]}")
    uvicorn.run(create_app(SqlStore(url)), host=host, port=port, log_level="warning")


@click.command()
@click.argument("url", required=False)
@click.option("--local", is_flag=True, help="Start a server in the background and use it.")
@click.option("--api-key", default=None, help="API key to send to the server.")
def login(url: str | None, local: bool, api_key: str | None) -> None:
    """Point this client at the stackwise server at URL (or, with --local, at a server
    started here in the background)."""
    from stackwise.config.global_config import GlobalConfig
    from stackwise.exceptions import ConfigError
    from stackwise.store import get_store, reset_store_cache

    config = GlobalConfig()
    if local == bool(url):
        raise ConfigError("Give either a server URL or --local: `stackwise login URL`.")
    if local:
        url = _start_local(config.home, config.store_url)
    assert url is not None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"'{url}' is not a server URL: it must start with http:// or https://.")
    url = url.rstrip("/")
    from stackwise.store.rest.rest_store import RestStore

    info = RestStore(url, api_key=api_key).info()  # refuses an unreachable or other version
    config.set_login(url, api_key)
    reset_store_cache()
    get_store()
    click.echo(f"Connected to the stackwise server at {url} (stackwise {info['version']}).")
    if api_key and info.get("auth") == "none":
        click.echo(
            "Note: this server checks no credentials (stackwise has no authentication yet); "
            "the API key is kept and sent, but anyone who reaches the server can use it.",
            err=True,
        )


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


def _start_local(home: Path, store_url: str) -> str:
    """Start `stackwise server` in the background over the local store; its URL once it
    answers /health. A server already running from an earlier `login --local` is reused."""
    pid_file = home / _PID_FILE
    if pid_file.exists():
        pid, _, url = pid_file.read_text().partition(" ")
        if _alive(int(pid)):
            return url.strip()
    if store_url.startswith(("http://", "https://")):
        store_url = f"sqlite:///{home / 'stackwise.db'}"
    home.mkdir(parents=True, exist_ok=True)
    url, process = start_server_process(store_url, home / _LOG_FILE, detach=True)
    pid_file.write_text(f"{process.pid} {url}")
    return url


def start_server_process(
    store_url: str,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    detach: bool = False,
    timeout: float = _START_TIMEOUT,
) -> tuple[str, subprocess.Popen[bytes]]:
    """`stackwise server` over `store_url` in a child process on a free loopback port, its
    output appended to `log`: (its URL, the process) once it answers /health. `detach` puts it
    in a session of its own, so it outlives this process (`login --local`). A server that does
    not answer within `timeout` is killed and ServerUnreachableError shows its log's end."""
    import httpx

    from stackwise.exceptions import ServerUnreachableError

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "stackwise.cli.main", "server", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "--store-url", store_url],
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
