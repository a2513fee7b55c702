"""The HTTP face of a deployment (FastAPI): `POST /invocations` (MLflow's scoring protocol),
`GET /health` and `GET /metadata`, the same for every flavor. A `Backend` does the predicting:
the model itself, loaded in this process (`local`), or `mlflow models serve` behind this
process (`mlflow`).

While the server drains (it is being replaced or stopped) every answer carries
`Connection: close`, so clients that keep connections open reconnect — to the server that
replaces this one.

FastAPI reads the endpoints' annotations at run time, so this module does not use
`from __future__ import annotations`.
"""

import json
import os
from typing import TYPE_CHECKING, Any, Protocol

from stackwise.model_deployers.serving.protocol import ProtocolError, Table, Tensor, normalize

if TYPE_CHECKING:
    from fastapi import FastAPI


class Backend(Protocol):
    async def predict(self, request: Table | Tensor) -> tuple[int, bytes]: ...
    def healthy(self) -> bool: ...


class ServerState:
    """What the app answers with; `draining` is set when the server starts to shut down."""

    def __init__(self, spec: dict[str, Any], backend: Backend, instance: str) -> None:
        self.spec = spec
        self.backend = backend
        self.instance = instance
        self.schema: dict[str, Any] | None = spec.get("input_schema")
        self.draining = False

    def metadata(self) -> dict[str, Any]:
        s = self.spec
        return {
            "service_id": s["service_id"],
            "flavor": s["flavor"],
            "model_name": s.get("model_name"),
            "model_version": s.get("model_version"),
            "model_version_id": s.get("model_version_id"),
            "artifact_version_id": s.get("artifact_version_id"),
            "model_type": s.get("model_type"),
            "input_schema": self.schema,
            "replicas": s.get("replicas", 1),
            "protocol": "mlflow-scoring",
        }


def create_app(state: ServerState) -> "FastAPI":
    from fastapi import FastAPI, Request
    from fastapi.responses import Response

    app = FastAPI(title=f"stackwise model server: {state.spec.get('model_name')}", docs_url=None)
    app.state.server = state

    def answer(status: int, payload: bytes) -> Response:
        headers = {"connection": "close"} if state.draining else None
        return Response(payload, status_code=status, media_type="application/json", headers=headers)

    def dumped(value: Any) -> bytes:
        return json.dumps(value).encode()

    @app.post("/invocations")
    async def invocations(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError as error:
            return answer(
                400, dumped({"error_code": "BAD_REQUEST", "message": f"Invalid JSON: {error}"})
            )
        try:
            parsed = normalize(body, state.schema)
            status, payload = await state.backend.predict(parsed)
        except ProtocolError as error:
            return answer(error.status, dumped(error.body()))
        return answer(status, payload)

    @app.get("/health")
    async def health() -> Response:
        ok = state.backend.healthy()
        return answer(
            200 if ok else 503,
            dumped(
                {
                    "status": "ok" if ok else "unavailable",
                    "service_id": state.spec["service_id"],
                    "instance": state.instance,
                    "pid": os.getpid(),
                    "draining": state.draining,
                }
            ),
        )

    @app.get("/ping")
    async def ping() -> Response:  # MLflow's own liveness path, for clients that use it
        return await health()

    @app.get("/metadata")
    async def metadata() -> Response:
        return answer(200, dumped(state.metadata()))

    return app


__all__ = ["Backend", "ServerState", "create_app"]
