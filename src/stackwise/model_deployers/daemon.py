"""Serving processes: started detached (they outlive the process that deployed them), checked
for life by pid (a pid that now belongs to another program, or a zombie, counts as gone), and
stopped by signal — SIGTERM drains, SIGKILL follows when the timeout passes, and the process
group goes with it (workers, `mlflow models serve`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from stackwise.exceptions import ModelServerError

LOG_FILE = "server.log"


def log_path(service_dir: str | Path) -> Path:
    return Path(service_dir) / LOG_FILE


def _environment() -> dict[str, str]:
    """This process's environment, with its import path: the server imports the same modules
    (the user's materializers and model classes) from the same places."""
    env = dict(os.environ)
    paths = [os.path.abspath(p or os.getcwd()) for p in sys.path]
    paths = [p for p in dict.fromkeys(paths) if os.path.isdir(p)]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def new_instance() -> str:
    """A nonce naming one start of a serving process (its ready file, its /health answer)."""
    return uuid.uuid4().hex[:12]


def spawn(
    service_dir: Path, service_id: str, instance: str, *, preload: tuple[str, ...] = ()
) -> int:
    """Start the serving process for `service_dir` detached (re-parented to init) and return
    its pid at once. It imports `preload` (the model's libraries) while the deployer is still
    saving the model, then waits for `server.json` naming `instance`."""
    log = log_path(service_dir)
    command = [
        sys.executable,
        "-m",
        "stackwise.model_deployers.serving",
        "--service-dir",
        str(service_dir),
        "--service-id",
        service_id,
        "--instance",
        instance,
    ]
    if preload:
        command += ["--preload", ",".join(preload)]
    # `sh` starts the server in the background and exits: the server is nobody's child, so
    # it outlives us and never lingers as our zombie.
    started = subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" >>"$LOG" 2>&1 </dev/null & echo $!', "sh", *command],
        capture_output=True,
        text=True,
        env={**_environment(), "LOG": str(log)},
        check=True,
    )
    return int(started.stdout.strip())


def wait_ready(service_dir: Path, service_id: str, pid: int, instance: str, timeout: float) -> int:
    """Wait until the process `pid` answers; its port. A process that exits or does not
    answer within `timeout` is an error quoting the end of its log (and is stopped)."""
    log = log_path(service_dir)
    ready = service_dir / f"ready-{instance}.json"
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if not alive(pid, service_id):
            raise ModelServerError(
                f"The model server for deployment {service_id} exited while starting. Its "
                f"log ({log}) ends with:\n{tail_text(log, 20)}"
            )
        if time.monotonic() > deadline:
            terminate(pid, service_id, timeout=5, force=True)
            raise ModelServerError(
                f"The model server for deployment {service_id} did not answer within "
                f"{timeout:.0f} s (stopped). Its log ({log}) ends with:\n{tail_text(log, 20)}"
            )
        time.sleep(0.01)
    port = int(json.loads(ready.read_text())["port"])
    ready.unlink(missing_ok=True)
    return port


def launch(service_dir: Path, service_id: str, instance: str, timeout: float) -> tuple[int, int]:
    """`spawn` + `wait_ready`, for a deployment whose `server.json` names `instance`."""
    pid = spawn(service_dir, service_id, instance)
    return pid, wait_ready(service_dir, service_id, pid, instance, timeout)


def alive(pid: int | None, service_id: str) -> bool:
    """True when `pid` is a running serving process of this deployment."""
    if not pid:
        return False
    proc = Path(f"/proc/{pid}")
    if proc.parent.is_dir() and sys.platform.startswith("linux"):
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            return False
        state = stat.rsplit(")", 1)[-1].split()[0]
        return state not in ("Z", "X") and service_id.encode() in cmdline
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def terminate(pid: int | None, service_id: str, *, timeout: float, force: bool = False) -> None:
    """Stop the serving process: SIGTERM (drain) or, with `force`, SIGKILL; SIGKILL after
    `timeout` seconds; then whatever is left of its process group."""
    if not pid:
        return
    if alive(pid, service_id):
        try:
            os.kill(pid, signal.SIGKILL if force else signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while alive(pid, service_id) and time.monotonic() < deadline:
            time.sleep(0.02)
        if alive(pid, service_id):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while alive(pid, service_id) and time.monotonic() < deadline + 5:
                time.sleep(0.02)
    try:  # workers and an MLflow child: the server made its own process group
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def tail_text(path: Path, lines: int) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def read_log(path: Path, *, follow: bool = False, tail: int | None = None) -> Iterator[str]:
    """The log's lines (the last `tail` of them), then, with `follow`, new lines as they come."""
    if not path.exists():
        return
    with open(path, errors="replace") as handle:
        lines = handle.read().splitlines()
        yield from lines[-tail:] if tail else lines
        if not follow:
            return
        while True:
            line = handle.readline()
            if line:
                yield line.rstrip("\n")
            else:
                time.sleep(0.2)


__all__ = [
    "LOG_FILE",
    "alive",
    "launch",
    "new_instance",
    "spawn",
    "wait_ready",
    "log_path",
    "read_log",
    "tail_text",
    "terminate",
]
