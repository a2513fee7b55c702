"""What answers predictions behind the HTTP face: `ModelBackend` calls a model loaded in this
process through the materializer that saved it; `MlflowBackend` runs `mlflow models serve
--env-manager local` as a child process on a private loopback port and forwards to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from stackwise.model_deployers.serving.predictors import (
    predictor_for,
    to_json,
    to_model_input,
)
from stackwise.model_deployers.serving.protocol import ProtocolError, Table, Tensor


def load_model(model: dict[str, Any]) -> Any:
    """The model saved in the deployment's folder, loaded by the materializer that saved it."""
    from stackwise.artifact_stores.local_artifact_store import (
        LocalArtifactStore,
        LocalArtifactStoreConfig,
    )
    from stackwise.materializers.artifact_loading import import_type
    from stackwise.materializers.materializer_registry import import_materializer
    from stackwise.materializers.staging import load_with

    uri = model["uri"]
    store = LocalArtifactStore(
        id="serving", name="serving", flavor="local", config=LocalArtifactStoreConfig(path=uri)
    )
    return load_with(
        import_materializer(model["materializer"]), uri, store, import_type(model["data_type"])
    )


class ModelBackend:
    def __init__(self, model: Any, schema: dict[str, Any] | None) -> None:
        self.model = model
        self.schema = schema
        self._predict = predictor_for(model)

    async def predict(self, request: Table | Tensor) -> tuple[int, bytes]:
        data = to_model_input(request, self.schema)
        try:
            predictions = self._predict(self.model, data)
        except ProtocolError:
            raise
        except Exception as error:  # noqa: BLE001 - the model's error goes back to the caller
            return 400, json.dumps(
                {
                    "error_code": "BAD_REQUEST",
                    "message": f"The model failed on this input: {type(error).__name__}: {error}",
                }
            ).encode()
        return 200, json.dumps({"predictions": to_json(predictions)}).encode()

    def healthy(self) -> bool:
        return True


def die_with_parent() -> None:
    """Linux: this process gets SIGTERM when the process that started it dies (a killed
    server takes its workers and MLflow child along)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:  # no libc.so.6 (musl): children are still stopped by process group
            pass


class MlflowBackend:
    """`mlflow models serve -m URI --env-manager local` on a private loopback port."""

    def __init__(self, mlflow: dict[str, Any], port: int, log: Any) -> None:
        self.port = port
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        if mlflow.get("tracking_uri"):
            env["MLFLOW_TRACKING_URI"] = mlflow["tracking_uri"]
        command = [
            sys.executable,
            "-m",
            "mlflow",
            "models",
            "serve",
            "-m",
            mlflow["model_uri"],
            "--env-manager",
            "local",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(mlflow.get("workers", 1)),
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=die_with_parent,
        )
        import httpx

        self.client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60.0)

    def wait_ready(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"mlflow models serve exited with code {self.process.returncode} before "
                    "it answered (its output is in this log above)."
                )
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/ping", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"mlflow models serve did not answer within {timeout:.0f} s.")

    async def predict(self, request: Table | Tensor) -> tuple[int, bytes]:
        body = request.as_split() if isinstance(request, Table) else request.as_body()
        response = await self.client.post("/invocations", json=body)
        return response.status_code, response.content

    def healthy(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


__all__ = ["MlflowBackend", "ModelBackend", "die_with_parent", "load_model"]
