"""Model deployers: the stack component that serves a model. ZenML's interface —
`deploy_model(config, replace=True, timeout=...)`, `find_model_server(...)`,
`start_model_server`, `stop_model_server`, `delete_model_server`, `get_model_server_info`,
`get_model_server_logs` — over deployments recorded in the store.

Every flavor runs its servers as detached processes on loopback (see `daemon` and `serving`);
a flavor only says how a model becomes what its server loads (`_prepare`). Deploying a model
name that is already deployed replaces it without a gap: the new server binds the same port
(SO_REUSEPORT) and answers `/health` before the old one is told to drain and stop.

Inside a step, a deployment records its pipeline, step, run, the artifact version the model
was loaded from (when the model is one of the step's inputs) and the step's model version;
the input schema is recorded from the training data (the DataFrame the model's producing step
was given), else from the model's feature names.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from stackwise.enums import ServiceState, StackComponentType
from stackwise.exceptions import ConfigError, EntityNotFoundError
from stackwise.model_deployers import daemon
from stackwise.model_deployers.service import (
    ModelDeploymentConfig,
    ModelDeploymentService,
    ServiceConfig,
    ServiceType,
)
from stackwise.stack.stack_component import StackComponent

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord, ServiceRecord

logger = logging.getLogger("stackwise")

DEFAULT_TIMEOUT = 300
MODEL_SERVING = "model-serving"


class _Source:
    """Where a deployment comes from: the step (if any) and the model's artifact version."""

    def __init__(self) -> None:
        self.pipeline_name: str | None = None
        self.step_name: str | None = None
        self.run_id: str | None = None
        self.artifact: ArtifactVersionRecord | None = None
        self.model_version_id: str | None = None
        self.model_version: str | None = None
        self.model_name: str | None = None


class BaseModelDeployer(StackComponent):
    """Deploys models as local background servers; subclasses say how a model is prepared."""

    TYPE: ClassVar[StackComponentType] = StackComponentType.MODEL_DEPLOYER
    SERVICE_CLASS: ClassVar[type[ModelDeploymentService]] = ModelDeploymentService
    CONFIG_CLASS: ClassVar[type[ModelDeploymentConfig]] = ModelDeploymentConfig

    # -- flavor hooks ---------------------------------------------------------------------
    def _prepare(
        self, deployment: ModelDeploymentConfig, service_dir: Path, source: _Source
    ) -> dict[str, Any]:
        """What the serving process needs to serve `deployment.model` (written into its
        `server.json`): `{"model": {...}}` for the in-process server, `{"mlflow": {...}}` for
        `mlflow models serve`. Keys `model_dir` (removed once replaced) and `model_type`
        are recorded too; `replicas`, when given, is the number of serving processes."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to serve a model.")

    def _check_replicas(self, replicas: int) -> None:
        """Refuse `replicas` this flavor cannot honour (ConfigError naming it)."""

    def _preload(self, model: Any) -> tuple[str, ...]:
        """Modules the server can import before the model is saved (the model's library and
        the materializer that will load it): deploying overlaps with the server's start."""
        if model is None:
            return ()
        from stackwise.materializers.materializer_registry import materializer_registry

        modules = [type(model).__module__]
        try:
            modules.append(materializer_registry.get(type(model)).__module__)
        except Exception as error:  # noqa: BLE001 - only a head start: the server imports it
            logger.debug("No materializer module to preload for %s: %s", type(model), error)
        return tuple(m for m in modules if m and m != "__main__")

    # -- ZenML's interface ------------------------------------------------------------------
    @classmethod
    def get_active_model_deployer(cls) -> BaseModelDeployer:
        """The active stack's model deployer; TypeError (as ZenML) when it has none of this
        class."""
        from stackwise.stack.active_stack import active_stack
        from stackwise.store import get_store

        stack = active_stack(get_store())
        deployer = stack.model_deployer
        if deployer is None or not isinstance(deployer, cls):
            raise TypeError(
                f"The active stack '{stack.name}' needs a {cls.__name__} model deployer: "
                "register one (`stackwise model-deployer register NAME --flavor=local`) and "
                f"add it (`stackwise stack update {stack.name} -d NAME`)."
            )
        return deployer

    @property
    def store(self) -> Store:
        from stackwise.store import get_store

        return get_store()

    @property
    def local_path(self) -> Path:
        """Where this deployer keeps its deployments' folders (models, logs)."""
        configured = getattr(self.config, "service_path", "")
        if configured:
            return Path(configured).expanduser()
        from stackwise.config.global_config import stackwise_home

        return stackwise_home() / "model_deployers" / self.id

    def deploy_model(
        self,
        config: ServiceConfig | dict[str, Any],
        service_type: Any = None,
        replace: bool = True,
        continuous_deployment_mode: bool = False,
        timeout: int = DEFAULT_TIMEOUT,
    ) -> ModelDeploymentService:
        """Serve `config["model"]` and return its service, once it answers.

        `config` is a dict (the lesson's `{"model": model, "model_name": "fraud-detector",
        "replicas": 1}`) or a deployment config object. With `replace` (the default) a
        deployment of the same `model_name` by this deployer is replaced without a gap and
        keeps its id and URL; without it, another deployment starts beside it.
        """
        _require_serving_libraries(self.name)
        deployment = self._deployment_config(config)
        self._check_replicas(deployment.replicas)
        wait = float(deployment.timeout or timeout)
        source = _source_of(deployment.model, self.store)
        name = deployment.model_name or source.model_name or "model"
        previous = self._deployments_of(name) if replace or continuous_deployment_mode else []
        old = previous[0] if previous else None
        service_id = old.id if old else str(uuid4())
        service_dir = self.local_path / service_id
        service_dir.mkdir(parents=True, exist_ok=True)
        instance = daemon.new_instance()
        # the server starts importing its libraries while the model is being saved
        pid = daemon.spawn(
            service_dir, service_id, instance, preload=self._preload(deployment.model)
        )
        try:
            prepared = self._prepare(deployment, service_dir, source)
        except BaseException:
            daemon.terminate(pid, service_id, timeout=5, force=True)
            raise
        replicas = int(prepared.pop("replicas", deployment.replicas))
        schema = _input_schema(deployment, source, self.store)
        spec = {
            **prepared,
            "service_id": service_id,
            "flavor": self.flavor,
            "model_name": name,
            "model_version": deployment.model_version or source.model_version,
            "model_version_id": source.model_version_id,
            "artifact_version_id": source.artifact.id if source.artifact else None,
            "input_schema": schema,
            "replicas": replicas,
            "port": old.port if old else None,
            "drain_seconds": float(getattr(self.config, "drain_seconds", 3.0)),
            "instance": instance,
        }
        _write_json(service_dir / "server.json", spec)
        try:
            port = daemon.wait_ready(service_dir, service_id, pid, instance, wait)
        except BaseException:
            daemon.terminate(pid, service_id, timeout=5, force=True)
            _remove(prepared.get("model_dir"))
            raise
        _await_health(port, instance, wait)
        fields = {
            "name": deployment.service_name or deployment.name or f"{name}-{self.flavor}",
            "model_name": name,
            "model_version": spec["model_version"],
            "model_version_id": source.model_version_id,
            "artifact_version_id": spec["artifact_version_id"],
            "pipeline_name": deployment.pipeline_name or source.pipeline_name,
            "pipeline_step_name": deployment.pipeline_step_name or source.step_name,
            "pipeline_run_id": source.run_id,
            "config": {
                "replicas": replicas,
                "input_schema": schema,
                "model_dir": prepared.get("model_dir"),
                "model_type": prepared.get("model_type"),
                **{k: v for k, v in prepared.items() if k in ("model_uri", "tracking_uri")},
            },
            "admin_state": ServiceState.ACTIVE.value,
            "pid": pid,
            "port": port,
            "service_dir": str(service_dir),
            "labels": dict(deployment.labels),
        }
        if old is None:
            now = _now()
            record = self.store.create_service(
                _new_record(service_id, self.id, self.flavor, fields, now)
            )
        else:
            record = self.store.update_service(service_id, **fields)
            daemon.terminate(old.pid, old.id, timeout=wait)
            if old.config.get("model_dir") != prepared.get("model_dir"):
                _remove(old.config.get("model_dir"))
        return self._service(record)

    def find_model_server(
        self,
        config: dict[str, Any] | None = None,
        running: bool | None = None,
        service_uuid: UUID | str | None = None,
        pipeline_name: str | None = None,
        pipeline_step_name: str | None = None,
        service_name: str | None = None,
        model_name: str | None = None,
        model_version: str | None = None,
        service_type: Any = None,
        type: str | None = None,
        flavor: str | None = None,
        pipeline_run_id: str | None = None,
    ) -> list[ModelDeploymentService]:
        """This deployer's deployments matching every given value, newest first; `running`
        keeps only those whose process serves (True) or does not (False)."""
        wanted = {
            "pipeline_name": pipeline_name,
            "pipeline_step_name": pipeline_step_name,
            "name": service_name,
            "model_name": model_name,
            "model_version": model_version,
            "flavor": flavor,
            "pipeline_run_id": str(pipeline_run_id) if pipeline_run_id else None,
        }
        for key in ("pipeline_name", "pipeline_step_name", "model_name", "model_version"):
            value = (config or {}).get(key)
            if value and wanted[key] is None:
                wanted[key] = value
        if service_uuid is not None:
            wanted["id"] = str(service_uuid)
        if type is not None and type != MODEL_SERVING:
            return []
        filters = {k: v for k, v in wanted.items() if v is not None}
        filters["deployer_id"] = self.id
        services = [
            self._service(r) for r in _all_pages(self.store, filters, sort_by="desc:created")
        ]
        if running is not None:
            services = [s for s in services if s.is_running == running]
        return services

    def load_service(self, service_id: UUID | str) -> ModelDeploymentService:
        return self._service(self.store.get_service(str(service_id)))

    def start_model_server(self, uuid: UUID | str, timeout: int = DEFAULT_TIMEOUT) -> None:
        """Start a stopped (or dead) deployment again, on its port when that is free."""
        start_service(self.store, str(uuid), timeout)

    def stop_model_server(
        self, uuid: UUID | str, timeout: int = DEFAULT_TIMEOUT, force: bool = False
    ) -> None:
        """Stop serving (the deployment stays recorded, `inactive`, and can be started)."""
        stop_service(self.store, str(uuid), timeout, force)

    def delete_model_server(
        self, uuid: UUID | str, timeout: int = DEFAULT_TIMEOUT, force: bool = False
    ) -> None:
        """Stop the deployment, delete its record and its folder (model copy and log)."""
        delete_service(self.store, str(uuid), timeout, force)

    def get_model_server_logs(
        self, uuid: UUID | str, follow: bool = False, tail: int | None = None
    ) -> Iterator[str]:
        """The server's log lines (its output and errors), the last `tail` of them."""
        record = self.store.get_service(str(uuid))
        return daemon.read_log(daemon.log_path(record.service_dir), follow=follow, tail=tail)

    @staticmethod
    def get_model_server_info(service: ModelDeploymentService) -> dict[str, str | None]:
        r = service.record
        return {
            "PREDICTION_URL": service.prediction_url,
            "HEALTH_CHECK_URL": service.healthcheck_url,
            "METADATA_URL": f"{service.endpoint_url}/metadata" if service.is_running else None,
            "MODEL_NAME": r.model_name,
            "MODEL_VERSION": r.model_version,
            "MODEL_URI": r.config.get("model_uri"),
            "SERVICE_PATH": r.service_dir,
            "DAEMON_PID": str(r.pid) if r.pid else None,
            "LOG_FILE": str(service.log_file),
        }

    # -- helpers ----------------------------------------------------------------------------
    def _service(self, record: ServiceRecord) -> ModelDeploymentService:
        return self.SERVICE_CLASS(record, self.store, self)

    def _deployments_of(self, model_name: str) -> list[ServiceRecord]:
        return _all_pages(
            self.store, {"deployer_id": self.id, "model_name": model_name}, "desc:created"
        )

    def _deployment_config(
        self, config: ServiceConfig | dict[str, Any] | None
    ) -> ModelDeploymentConfig:
        if isinstance(config, self.CONFIG_CLASS):
            return config
        if isinstance(config, ServiceConfig):
            values = dict(config.__dict__)
        elif isinstance(config, dict):
            values = dict(config)
        else:
            raise ConfigError(
                f"deploy_model(config=...) takes a dict or a {self.CONFIG_CLASS.__name__}, not "
                f"a {type(config).__name__}: e.g. config={{'model': model, 'model_name': "
                "'fraud-detector'}."
            )
        from pydantic import ValidationError

        try:
            return self.CONFIG_CLASS(**values)
        except ValidationError as error:
            from stackwise.utils.pydantic_problems import describe_validation_error

            raise ConfigError(
                f"Invalid deployment configuration for model deployer '{self.name}' "
                f"(flavor {self.flavor}): "
                + describe_validation_error(error, self.CONFIG_CLASS.model_fields, set())
            ) from None


def _require_serving_libraries(name: str) -> None:
    from importlib.util import find_spec

    missing = [m for m in ("fastapi", "uvicorn", "httpx") if find_spec(m) is None]
    if missing:
        raise ConfigError(
            f"Model deployer '{name}' serves models with FastAPI and uvicorn, and "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed: "
            'pip install "stackwise[serving]".'
        )


def start_service(store: Store, service_id: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Start deployment `service_id` again from its folder (any deployer's)."""
    record = store.get_service(service_id)
    if daemon.alive(record.pid, record.id):
        if record.admin_state != ServiceState.ACTIVE:
            store.update_service(record.id, admin_state=ServiceState.ACTIVE.value)
        return
    service_dir = Path(record.service_dir)
    if not (service_dir / "server.json").exists():
        raise EntityNotFoundError(
            f"Deployment {record.id} cannot be started: its folder {service_dir} is gone. "
            "Deploy the model again."
        )
    spec = json.loads((service_dir / "server.json").read_text())
    spec["port"] = record.port
    spec["instance"] = instance = daemon.new_instance()
    _write_json(service_dir / "server.json", spec)
    pid, port = daemon.launch(service_dir, record.id, instance, float(timeout))
    store.update_service(record.id, pid=pid, port=port, admin_state=ServiceState.ACTIVE.value)


def stop_service(
    store: Store, service_id: str, timeout: float = DEFAULT_TIMEOUT, force: bool = False
) -> None:
    record = store.get_service(service_id)
    daemon.terminate(record.pid, record.id, timeout=float(timeout), force=force)
    store.update_service(record.id, admin_state=ServiceState.INACTIVE.value, pid=None)


def delete_service(
    store: Store, service_id: str, timeout: float = DEFAULT_TIMEOUT, force: bool = False
) -> None:
    record = store.get_service(service_id)
    daemon.terminate(record.pid, record.id, timeout=float(timeout), force=force)
    store.delete_service(record.id)
    shutil.rmtree(record.service_dir, ignore_errors=True)


def service_of(record: ServiceRecord, store: Store) -> ModelDeploymentService:
    """The service object of a record, of its flavor's class when that flavor loads."""
    cls: type[ModelDeploymentService] = ModelDeploymentService
    try:
        from stackwise.stack.flavor_registry import flavor_registry

        implementation = flavor_registry.get(StackComponentType.MODEL_DEPLOYER, record.flavor)
        deployer_class = implementation.implementation_class()
        cls = getattr(deployer_class, "SERVICE_CLASS", cls)
    except (KeyError, ConfigError):  # flavor gone or its library missing: the base class
        pass
    return cls(record, store)


def _all_pages(store: Store, filters: dict[str, Any], sort_by: str) -> list[ServiceRecord]:
    records: list[ServiceRecord] = []
    index = 1
    while True:
        page = store.list_services(filters=filters, sort_by=sort_by, index=index, size=200)
        records.extend(page.items)
        if index >= page.total_pages:
            return records
        index += 1


def _source_of(model: Any, store: Store) -> _Source:
    """The running step (if any), the artifact version `model` was loaded from, and the
    step's model version."""
    from stackwise.steps.step_context import current_step_context

    source = _Source()
    context = current_step_context()
    if context is None:
        return source
    source.pipeline_name = context.pipeline.name
    source.step_name = context.step_name
    source.run_id = str(context.pipeline_run.id)
    if model is not None:
        for name, value in getattr(context, "input_values", {}).items():
            if value is model:
                source.artifact = context._input_records.get(name)
                break
    version = getattr(context, "model_version", None)
    if version is not None:  # the Model Control Plane's model version of the step
        source.model_version_id = str(getattr(version, "id", "") or "") or None
        number = getattr(version, "name", None) or getattr(version, "number", None)
        source.model_version = str(number) if number is not None else None
        model_obj = getattr(version, "model", None)
        source.model_name = getattr(model_obj, "name", None) or getattr(version, "model_name", None)
    return source


def _input_schema(
    deployment: ModelDeploymentConfig, source: _Source, store: Store
) -> dict[str, Any] | None:
    if deployment.input_schema is not None:
        return _schema_from_user(deployment.input_schema)
    from stackwise.model_deployers.serving.predictors import schema_of_model

    named = schema_of_model(deployment.model) if deployment.model is not None else None
    names = [c["name"] for c in named] if named else None
    found = _training_frame(source.artifact, store, names) if source.artifact else None
    if found is not None:
        label, dtypes = found
        order = names or list(dtypes)
        return {
            "columns": [{"name": n, "type": dtypes.get(n)} for n in order],
            "source": f"training data ({label})",
        }
    if named:
        return {"columns": named, "source": "the model's feature names"}
    return None


def _training_frame(
    artifact: ArtifactVersionRecord, store: Store, names: list[str] | None
) -> tuple[str, dict[str, str]] | None:
    """The dtypes of the DataFrame the model's producing step was trained on."""
    if not artifact.producer_step_run_id:
        return None
    try:
        step_run = store.get_step_run(artifact.producer_step_run_id)
    except EntityNotFoundError:
        return None
    versions = store.get_artifact_versions(step_run.inputs.values())
    frames = [v for v in versions.values() if v.data_type.endswith(":DataFrame")]
    if not frames:
        return None
    metadata = store.get_metadata("artifact_version", [v.id for v in frames])
    candidates = []
    for version in frames:
        dtypes = metadata.get(version.id, {}).get("dtypes")
        if isinstance(dtypes, dict) and dtypes:
            candidates.append((version, {str(k): str(v) for k, v in dtypes.items()}))
    if names:
        candidates = [c for c in candidates if set(c[1]) == set(names)]
    if not candidates:
        return None
    version, dtypes = candidates[0]
    return f"artifact '{version.name}' version {version.version}", dtypes


def _schema_from_user(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and "columns" in value:
        columns = value["columns"]
        return {
            "columns": [
                c if isinstance(c, dict) else {"name": str(c), "type": None} for c in columns
            ],
            "source": "given",
        }
    if isinstance(value, dict):
        return {
            "columns": [{"name": str(k), "type": str(v) if v else None} for k, v in value.items()],
            "source": "given",
        }
    if isinstance(value, (list, tuple)):
        return {"columns": [{"name": str(n), "type": None} for n in value], "source": "given"}
    raise ConfigError(
        "input_schema must be {'columns': [{'name': ..., 'type': ...}]}, a {column: dtype} "
        f"dict or a list of column names, not a {type(value).__name__}."
    )


def _await_health(port: int, instance: str, timeout: float) -> None:
    """Wait until a `/health` answer comes from the new server (`instance`): with the old
    server still on the same port, each fresh connection may reach either one."""
    import httpx

    deadline = time.monotonic() + min(timeout, 10.0)
    prefix = instance
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
            if response.status_code == 200 and str(response.json().get("instance", "")).startswith(
                prefix
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.01)
    # it wrote its ready file, so it serves; the old one kept winning the connections


def _write_json(path: Path, value: dict[str, Any]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(value, indent=2, default=str))
    temporary.replace(path)


def _remove(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _new_record(
    service_id: str, deployer_id: str, flavor: str, fields: dict[str, Any], now: datetime
) -> ServiceRecord:
    from stackwise.store.records import ServiceRecord

    return ServiceRecord(
        id=service_id,
        deployer_id=deployer_id,
        flavor=flavor,
        created=now,
        updated=now,
        **fields,
    )


__all__ = [
    "DEFAULT_TIMEOUT",
    "BaseModelDeployer",
    "ServiceType",
    "delete_service",
    "service_of",
    "start_service",
    "stop_service",
]
