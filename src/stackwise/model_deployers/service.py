"""The service object a model deployer returns: one deployment of one model, with ZenML's
members (`uuid`, `config`, `status`, `is_running`, `prediction_url`, `predict(...)`,
`start`/`stop`, `get_logs`).

A service is a view of its store record plus a look at its process: `status` is read when
asked (a server whose process is gone — killed, crashed, machine restarted — is `inactive`),
so a service loaded in another process (`model-deployer models list`) tells the truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackwise.enums import ServiceState
from stackwise.model_deployers import daemon

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import ServiceRecord


@dataclass(frozen=True)
class ServiceType:
    """What kind of service: ZenML's `ServiceType` (`type`, `flavor`, `name`, `description`)."""

    type: str = "model-serving"
    flavor: str = ""
    name: str = ""
    description: str = ""


class ServiceConfig(BaseModel):
    """ZenML's common service fields; the deployment configs add the flavor's."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, protected_namespaces=())

    name: str = ""
    description: str = ""
    pipeline_name: str = ""
    pipeline_step_name: str = ""
    model_name: str = ""
    model_version: str = ""
    service_name: str = ""


class ModelDeploymentConfig(ServiceConfig):
    """What `deploy_model(config=...)` takes (a dict of these keys works as well):

    - `model`: the model object to serve (any object stackwise can save: sklearn, a custom
      materializer's type, anything with `predict`);
    - `model_name` (default `model`), `model_version`: what the deployment serves; deploying
      the same `model_name` again replaces it;
    - `replicas`: serving processes (the `local` flavor: uvicorn workers; `mlflow`: `mlflow
      models serve --workers`);
    - `input_schema`: the columns requests must have (`{"columns": [{"name", "type"}]}`, a
      `{name: dtype}` dict or a list of names); by default recorded from the training data.
    """

    model: Any = Field(default=None, exclude=True)
    replicas: int = Field(default=1, ge=1, le=64)
    input_schema: Any = None
    timeout: int | None = None
    labels: dict[str, str] = Field(default_factory=dict)


class ServiceStatus(BaseModel):
    """`state` (ZenML's `ServiceState`), `last_error` when the process is not there."""

    state: ServiceState = ServiceState.INACTIVE
    last_state: ServiceState = ServiceState.INACTIVE
    last_error: str = ""


class ModelDeploymentService:
    """One deployment of a model. Built by a model deployer; re-read with
    `model_deployer.find_model_server(service_uuid=...)`."""

    SERVICE_TYPE: ClassVar[ServiceType] = ServiceType(
        flavor="local", name="local-model-server", description="stackwise local model server"
    )

    def __init__(self, record: ServiceRecord, store: Store, deployer: Any = None) -> None:
        self._record = record
        self._store = store
        self._deployer = deployer

    # -- what it is ---------------------------------------------------------------------
    @property
    def uuid(self) -> UUID:
        return UUID(self._record.id)

    @property
    def id(self) -> UUID:
        """The deployment's id (ZenML's `ServiceResponse.id`; `uuid` on service objects)."""
        return self.uuid

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def labels(self) -> dict[str, str]:
        return dict(self._record.labels)

    @property
    def service_type(self) -> ServiceType:
        return self.SERVICE_TYPE

    @property
    def record(self) -> ServiceRecord:
        return self._record

    @property
    def config(self) -> ModelDeploymentConfig:
        r = self._record
        return ModelDeploymentConfig(
            name=r.name,
            service_name=r.name,
            pipeline_name=r.pipeline_name or "",
            pipeline_step_name=r.pipeline_step_name or "",
            model_name=r.model_name,
            model_version=r.model_version or "",
            replicas=int(r.config.get("replicas", 1)),
            input_schema=r.config.get("input_schema"),
            labels=r.labels,
        )

    @property
    def model_name(self) -> str:
        return self._record.model_name

    @property
    def model_version(self) -> str | None:
        return self._record.model_version

    @property
    def model_version_id(self) -> str | None:
        return self._record.model_version_id

    @property
    def flavor(self) -> str:
        return self._record.flavor

    @property
    def service_name(self) -> str:
        return self._record.name

    @property
    def state(self) -> ServiceState:
        """The state now (ZenML's `ServiceResponse.state`)."""
        return self.check_status()[0]

    @property
    def artifact_version_id(self) -> str | None:
        return self._record.artifact_version_id

    @property
    def pipeline_name(self) -> str | None:
        return self._record.pipeline_name

    @property
    def pipeline_step_name(self) -> str | None:
        return self._record.pipeline_step_name

    @property
    def pipeline_run_id(self) -> str | None:
        return self._record.pipeline_run_id

    @property
    def created(self) -> Any:
        return self._record.created

    @property
    def updated(self) -> Any:
        return self._record.updated

    @property
    def admin_state(self) -> ServiceState:
        return ServiceState(self._record.admin_state)

    @property
    def pid(self) -> int | None:
        return self._record.pid

    @property
    def port(self) -> int | None:
        return self._record.port

    @property
    def service_dir(self) -> Path:
        return Path(self._record.service_dir)

    @property
    def log_file(self) -> Path:
        return daemon.log_path(self._record.service_dir)

    # -- where it answers ---------------------------------------------------------------
    @property
    def endpoint_url(self) -> str | None:
        return f"http://127.0.0.1:{self._record.port}" if self._record.port else None

    @property
    def prediction_url(self) -> str | None:
        base = self.endpoint_url
        return f"{base}/invocations" if base and self.is_running else None

    @property
    def healthcheck_url(self) -> str | None:
        base = self.endpoint_url
        return f"{base}/health" if base and self.is_running else None

    @property
    def health_check_url(self) -> str | None:
        """ZenML's `ServiceResponse` spelling of `healthcheck_url`."""
        return self.healthcheck_url

    def get_prediction_url(self) -> str | None:
        return self.prediction_url

    def get_healthcheck_url(self) -> str | None:
        return self.healthcheck_url

    # -- its state ----------------------------------------------------------------------
    def check_status(self) -> tuple[ServiceState, str]:
        """The state now: the record is re-read (another process may have replaced, stopped
        or deleted the deployment) and its process looked at."""
        from stackwise.exceptions import EntityNotFoundError

        try:
            self._record = self._store.get_service(self._record.id)
        except EntityNotFoundError:
            return ServiceState.INACTIVE, "deleted"
        r = self._record
        if r.admin_state != ServiceState.ACTIVE:
            return ServiceState.INACTIVE, "stopped"
        if daemon.alive(r.pid, r.id):
            return ServiceState.ACTIVE, ""
        return (
            ServiceState.INACTIVE,
            f"the serving process (pid {r.pid}) is gone; start it again with `stackwise "
            f"model-deployer models start {r.id}`",
        )

    @property
    def status(self) -> ServiceStatus:
        state, message = self.check_status()
        return ServiceStatus(
            state=state, last_state=ServiceState(self._record.admin_state), last_error=message
        )

    def update_status(self) -> None:
        """Re-read the record (the process is looked at on every `status` anyway)."""
        self._record = self._store.get_service(self._record.id)

    def get_service_status_message(self) -> str:
        state, message = self.check_status()
        return f"service state: {state.value}" + (f" ({message})" if message else "")

    @property
    def is_running(self) -> bool:
        return self.check_status()[0] == ServiceState.ACTIVE

    @property
    def is_stopped(self) -> bool:
        return not self.is_running

    @property
    def is_failed(self) -> bool:
        return self.check_status()[0] == ServiceState.ERROR

    # -- using it -----------------------------------------------------------------------
    def predict(self, request: Any, timeout: float = 30.0) -> Any:
        """Predictions for `request`: a DataFrame, a numpy array, a list of row dicts, or a
        request body of the scoring protocol (`{"dataframe_split": ...}`); a numpy array
        back (a list when numpy is not installed)."""
        import httpx

        url = self.prediction_url
        if url is None:
            from stackwise.exceptions import ModelServerError

            raise ModelServerError(
                f"Deployment {self.uuid} of '{self.model_name}' is not running "
                f"({self.get_service_status_message()})."
            )
        response = httpx.post(url, json=_request_body(request), timeout=timeout)
        if response.status_code != 200:
            from stackwise.exceptions import ModelServerError

            raise ModelServerError(
                f"The model server of '{self.model_name}' answered {response.status_code}: "
                f"{response.text}"
            )
        predictions = response.json()["predictions"]
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy comes with every model library
            return predictions
        return np.asarray(predictions)

    def get_logs(self, follow: bool = False, tail: int | None = None) -> Iterator[str]:
        return daemon.read_log(self.log_file, follow=follow, tail=tail)

    def start(self, timeout: int = 300) -> None:
        from stackwise.model_deployers.base_model_deployer import start_service

        start_service(self._store, self._record.id, timeout)
        self.update_status()

    def stop(self, timeout: int = 300, force: bool = False) -> None:
        from stackwise.model_deployers.base_model_deployer import stop_service

        stop_service(self._store, self._record.id, timeout, force)
        self.update_status()

    def __str__(self) -> str:
        where = self.prediction_url or f"not running ({self.check_status()[1]})"
        return (
            f"{type(self).__name__}[{self.uuid}] (type: {self.SERVICE_TYPE.type}, flavor: "
            f"{self.SERVICE_TYPE.flavor}) serving '{self.model_name}' at {where}"
        )

    def __repr__(self) -> str:
        return str(self)


def _request_body(request: Any) -> Any:
    if isinstance(request, dict) and any(
        k in request for k in ("dataframe_split", "dataframe_records", "instances", "inputs")
    ):
        return request
    if hasattr(request, "to_dict") and hasattr(request, "columns"):  # a DataFrame
        import json

        return {"dataframe_split": json.loads(request.to_json(orient="split", index=False))}
    if hasattr(request, "tolist"):  # a numpy array
        return {"instances": request.tolist()}
    if isinstance(request, dict):
        return {"dataframe_records": [request]}
    if isinstance(request, list) and request and all(isinstance(r, dict) for r in request):
        return {"dataframe_records": request}
    return {"instances": request}


BaseService = ModelDeploymentService
"""ZenML's name for the service base class."""

__all__ = [
    "BaseService",
    "ModelDeploymentConfig",
    "ModelDeploymentService",
    "ServiceConfig",
    "ServiceStatus",
    "ServiceType",
]
