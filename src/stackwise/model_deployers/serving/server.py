"""The serving process of a deployment: `python -m stackwise.model_deployers.serving
--service-dir DIR --service-id ID --instance NONCE`.

It reads `DIR/server.json` (written by the deployer), loads the model (or starts `mlflow models
serve`), listens on loopback, and writes `DIR/ready-NONCE.json` (`pid`, `port`) once it
answers. The listening socket has SO_REUSEPORT, so the server that replaces a deployment binds
the same port while the old one still serves: no request is refused during the swap.

SIGTERM drains: the listener closes at once (new connections go to the replacement), answers
carry `Connection: close`, and the process exits when its connections are gone (at most
`drain_seconds` later). With `replicas` > 1 this process supervises that many worker processes
sharing its socket (uvicorn servers), forwards signals to them, and exits when they do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DRAIN_SECONDS = 3.0


def listen(port: int | None) -> socket.socket:
    """A loopback socket with SO_REUSEPORT bound to `port` when given and free for us, else
    to any free port."""
    for wanted in ([port] if port else []) + [0]:
        # IPPROTO_TCP named: asyncio sets TCP_NODELAY on accepted connections only when the
        # socket says it is TCP; without it every answer waits ~40 ms for a delayed ACK
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.bind(("127.0.0.1", wanted))
        except OSError:
            sock.close()
            continue
        # no listen() here: uvicorn listens once the model is loaded, so no connection
        # waits in this socket's queue (or is reset with it) while the server starts
        sock.set_inheritable(True)
        return sock
    raise OSError("no loopback port could be bound")  # pragma: no cover - port 0 always binds


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_ready(service_dir: Path, instance: str, port: int) -> None:
    target = service_dir / f"ready-{instance}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), "port": port, "instance": instance}))
    temporary.replace(target)


def _server_class() -> Any:
    import uvicorn

    class DrainingServer(uvicorn.Server):
        """A uvicorn server whose SIGTERM drains instead of cutting connections."""

        def __init__(self, config: Any, state: Any, drain_seconds: float) -> None:
            super().__init__(config)
            self.state = state
            self.drain_seconds = drain_seconds
            self.loop: asyncio.AbstractEventLoop | None = None

        def handle_exit(self, sig: int, frame: Any) -> None:
            if sig == signal.SIGTERM and not self.state.draining and self.loop is not None:
                self.state.draining = True
                self.loop.call_soon_threadsafe(self._drain)
                return
            super().handle_exit(sig, frame)

        def _drain(self) -> None:
            for server in self.servers:
                server.close()
            assert self.loop is not None
            self.loop.create_task(self._exit_when_idle())

        async def _exit_when_idle(self) -> None:
            deadline = time.monotonic() + self.drain_seconds
            await asyncio.sleep(0.05)
            while self.server_state.connections and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            self.should_exit = True

        async def startup(self, sockets: Any = None) -> None:
            self.loop = asyncio.get_running_loop()
            await super().startup(sockets=sockets)

    return DrainingServer


def serve(
    spec: dict[str, Any],
    service_dir: Path,
    instance: str,
    sock: socket.socket,
    *,
    announce: bool,
) -> None:
    """Serve on `sock` until SIGTERM has drained the connections."""
    import uvicorn

    from stackwise.model_deployers.serving.app import ServerState, create_app
    from stackwise.model_deployers.serving.backends import MlflowBackend, ModelBackend, load_model

    backend: Any
    if "mlflow" in spec:
        backend = MlflowBackend(spec["mlflow"], free_port(), sys.stdout)
        try:
            backend.wait_ready(float(spec.get("startup_timeout", 120)))
        except BaseException:
            backend.stop()
            raise
    else:
        backend = ModelBackend(load_model(spec["model"]), spec.get("input_schema"))
    state = ServerState(spec, backend, instance)
    config = uvicorn.Config(
        create_app(state),
        log_level="warning",
        access_log=False,
        timeout_keep_alive=5,
        lifespan="off",
    )
    server = _server_class()(config, state, float(spec.get("drain_seconds", DRAIN_SECONDS)))
    port = int(sock.getsockname()[1])

    async def announce_when_started() -> None:
        while not server.started:
            await asyncio.sleep(0.01)
        if announce:
            write_ready(service_dir, instance, port)
        print(f"Serving {spec.get('model_name')} on http://127.0.0.1:{port}", flush=True)

    async def main() -> None:
        task = asyncio.ensure_future(announce_when_started())
        try:
            await server.serve(sockets=[sock])
        finally:
            task.cancel()

    try:
        asyncio.run(main())
    finally:
        if isinstance(backend, MlflowBackend):
            backend.stop()


def supervise(
    spec: dict[str, Any], service_dir: Path, args: argparse.Namespace, sock: socket.socket
) -> int:
    """Run `replicas` workers on the shared socket; forward SIGTERM/SIGINT; exit with them."""
    from stackwise.model_deployers.serving.backends import die_with_parent

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "stackwise.model_deployers.serving",
                "--service-dir",
                str(service_dir),
                "--service-id",
                args.service_id,
                "--instance",
                f"{args.instance}-w{i}",
                "--fd",
                str(sock.fileno()),
            ],
            pass_fds=[sock.fileno()],
            preexec_fn=die_with_parent,
        )
        for i in range(int(spec.get("replicas", 1)))
    ]

    def forward(sig: int, _frame: Any) -> None:
        if sig == signal.SIGTERM:
            sock.close()  # our copy of the listener: the workers close theirs as they drain
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(sig)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    port = int(sock.getsockname()[1])
    ready = [service_dir / f"ready-{args.instance}-w{i}.json" for i in range(len(workers))]
    announced = False
    while True:
        codes = [w.poll() for w in workers]
        if all(c is not None for c in codes):
            return max(int(c or 0) for c in codes)
        if any(c is not None for c in codes) and not _draining(sock):
            # a worker died on its own: stop the rest, so the deployment shows inactive
            forward(signal.SIGTERM, None)
        if not announced and all(p.exists() for p in ready):
            for p in ready:
                p.unlink(missing_ok=True)
            write_ready(service_dir, args.instance, port)
            announced = True
        time.sleep(0.05)


def preload(modules: list[str]) -> None:
    """Import what serving will need while the deployer still saves the model."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - only a head start; loading says what fails
            print(f"Could not preload {name}: {error}", flush=True)


def wait_for_spec(service_dir: Path, instance: str, timeout: float) -> dict[str, Any]:
    """`server.json` once the deployer has written it for this instance."""
    path = service_dir / "server.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            spec: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError):
            spec = {}
        if spec.get("instance") == instance:
            return spec
        time.sleep(0.005)
    raise SystemExit(f"No server.json for instance {instance} within {timeout:.0f} s.")


def _draining(sock: socket.socket) -> bool:
    return sock.fileno() == -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stackwise.model_deployers.serving")
    parser.add_argument("--service-dir", required=True)
    parser.add_argument("--service-id", required=True)
    parser.add_argument("--instance", required=True)
    parser.add_argument("--fd", type=int, default=None, help="a worker: the shared socket")
    parser.add_argument("--preload", default="", help="modules to import while waiting")
    parser.add_argument("--wait", type=float, default=600.0, help="for server.json, seconds")
    args = parser.parse_args(argv)
    service_dir = Path(args.service_dir)
    if args.fd is not None:  # a worker of a supervisor
        from stackwise.model_deployers.serving.backends import die_with_parent

        die_with_parent()
        spec = json.loads((service_dir / "server.json").read_text())
        serve(spec, service_dir, args.instance, socket.socket(fileno=args.fd), announce=True)
        return 0
    try:
        os.setsid()  # our own process group: stopping the deployment stops all it started
    except OSError:
        pass
    preload(["fastapi", "uvicorn", *filter(None, args.preload.split(","))])
    spec = wait_for_spec(service_dir, args.instance, args.wait)
    sock = listen(spec.get("port"))
    if int(spec.get("replicas", 1)) > 1 and "mlflow" not in spec:
        return supervise(spec, service_dir, args, sock)
    serve(spec, service_dir, args.instance, sock, announce=True)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a module
    sys.exit(main())
