"""MLflow's Model Registry as a stackwise model registry (ZenML's `MLFlowModelRegistry`).

A model version's stage is kept both ways MLflow knows: the stage of the (deprecated, still
served) stage API, and an alias on the registered model (`staging`, `champion` for production,
`archived`: ZenML's names), which moves to the version that takes the stage. Metadata are the
version's tags. Requests to a tracking server use this component's timeout and retries, so a
server that is down is reported in seconds, naming the registry.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from stackwise.exceptions import EntityExistsError, EntityNotFoundError, ModelRegistryError
from stackwise.integrations.mlflow.experiment_trackers.mlflow_experiment_tracker import (
    _mlflow_process_state,
)
from stackwise.integrations.mlflow.flavors.mlflow_model_registry_flavor import (
    MLFlowModelRegistryConfig,
)
from stackwise.integrations.mlflow.model_logging import log_model, stack_tracker, tracking_uri
from stackwise.model_registries.base_model_registry import (
    BaseModelRegistry,
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)
from stackwise.stack.stack_component import StackComponentConfig

if TYPE_CHECKING:
    from mlflow.entities.model_registry import ModelVersion
    from mlflow.tracking import MlflowClient

logger = logging.getLogger("stackwise")

MLFLOW_MODEL_FORMAT = "MLflow"
EXPERIMENT_NAME = "stackwise-model-registry"
STAGE_ALIASES = {
    ModelVersionStage.STAGING: "staging",
    ModelVersionStage.PRODUCTION: "champion",
    ModelVersionStage.ARCHIVED: "archived",
}
"""The alias each stage gives the version holding it (ZenML's names)."""
_PAGE = 1000


class MLFlowModelRegistry(BaseModelRegistry):
    """Models and their versions in MLflow's Model Registry."""

    def __init__(
        self,
        *,
        id: str = "mlflow",
        name: str = "mlflow",
        flavor: str = "mlflow",
        config: StackComponentConfig | None = None,
    ) -> None:
        super().__init__(
            id=id,
            name=name,
            flavor=flavor,
            config=config if config is not None else MLFlowModelRegistryConfig(),
        )

    @property
    def _settings(self) -> MLFlowModelRegistryConfig:
        return cast("MLFlowModelRegistryConfig", self.config)

    @property
    def tracking_uri(self) -> str:
        """The registry's tracking URI: configured, else the stack's MLflow tracker's, else
        MLflow's local default under STACKWISE_HOME."""
        return tracking_uri(self._settings.tracking_uri)

    @property
    def mlflow_client(self) -> MlflowClient:
        """An MLflow client of the registry's tracking URI."""
        from mlflow.tracking import MlflowClient

        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)

    def probe_url(self) -> str | None:
        uri = self.tracking_uri
        return uri if urlsplit(uri).scheme.lower() in ("http", "https") else None

    def verify(self) -> None:
        self.list_models(name="stackwise-verify")

    @contextmanager
    def _calling(self, what: str) -> Iterator[None]:
        """Around one use of MLflow: this component's timeout, retries and the tracker's
        credentials; MLflow's errors turned into stackwise's, naming the registry."""
        from mlflow.exceptions import MlflowException

        variables = {
            "MLFLOW_HTTP_REQUEST_TIMEOUT": str(self._settings.request_timeout),
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(self._settings.request_retries),
        }
        tracker = None if self._settings.tracking_uri else stack_tracker()
        if tracker is not None:
            variables.update(tracker._credentials())
        saved = {k: os.environ.get(k) for k in variables}
        os.environ.update(variables)
        try:
            with warnings.catch_warnings():
                # the stage API is deprecated in MLflow 3, and still what its UI shows
                warnings.filterwarnings(
                    "ignore", message=".*transition_model_version_stage", category=FutureWarning
                )
                yield
        except MlflowException as error:
            code = getattr(error, "error_code", "")
            if code == "RESOURCE_DOES_NOT_EXIST":
                raise EntityNotFoundError(
                    f"Model registry '{self.name}' has no {what}: {error.message}"
                ) from None
            if code == "RESOURCE_ALREADY_EXISTS":
                raise EntityExistsError(
                    f"Model registry '{self.name}' already has {what}: {error.message}"
                ) from None
            raise ModelRegistryError(
                f"Model registry '{self.name}' (MLflow at {self.tracking_uri}) failed on {what}: "
                f"{error.message}. Check the registry with `stackwise stack verify`."
            ) from None
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    # -- registered models ----------------------------------------------------------------
    def register_model(
        self, name: str, description: str | None = None, metadata: dict[str, str] | None = None
    ) -> RegisteredModel:
        with self._calling(f"model '{name}'"):
            found = self.mlflow_client.create_registered_model(
                name, tags=metadata, description=description
            )
        return _registered(found)

    def delete_model(self, name: str) -> None:
        with self._calling(f"model '{name}'"):
            self.mlflow_client.delete_registered_model(name)

    def update_model(
        self,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        remove_metadata: list[str] | None = None,
    ) -> RegisteredModel:
        with self._calling(f"model '{name}'"):
            client = self.mlflow_client
            client.get_registered_model(name)
            if description is not None:
                client.update_registered_model(name, description=description)
            for key, value in (metadata or {}).items():
                client.set_registered_model_tag(name, key, value)
            for key in remove_metadata or []:
                client.delete_registered_model_tag(name, key)
            return _registered(client.get_registered_model(name))

    def get_model(self, name: str) -> RegisteredModel:
        with self._calling(f"model '{name}'"):
            return _registered(self.mlflow_client.get_registered_model(name))

    def list_models(
        self, name: str | None = None, metadata: dict[str, str] | None = None
    ) -> list[RegisteredModel]:
        conditions = [f"name = {_quoted(name)}"] if name else []
        conditions += [f"tags.`{k}` = {_quoted(v)}" for k, v in (metadata or {}).items()]
        with self._calling("models"):
            client = self.mlflow_client
            found, token = [], None
            while True:
                page = client.search_registered_models(
                    " AND ".join(conditions) or None, max_results=_PAGE, page_token=token
                )
                found += [_registered(m) for m in page]
                token = page.token
                if not token:
                    return found

    # -- model versions -------------------------------------------------------------------
    def register_model_version(
        self,
        name: str,
        version: str | None = None,
        model_source_uri: str | None = None,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        **kwargs: Any,
    ) -> RegistryModelVersion:
        if not model_source_uri:
            raise ValueError(
                f"Registering a version of model '{name}' needs the model's URI "
                "(model_source_uri='runs:/<run id>/model', 'models:/...', or a path)."
            )
        if version:
            logger.warning(
                "MLflow numbers the versions of model '%s' itself: version '%s' is not used.",
                name,
                version,
            )
        tags = {k: str(v) for k, v in (metadata.model_dump() if metadata else {}).items()}
        run_id = tags.pop("mlflow_run_id", None) or kwargs.get("mlflow_run_id")
        with self._calling(f"model '{name}'"):
            client = self.mlflow_client
            if not client.search_registered_models(f"name = {_quoted(name)}"):
                client.create_registered_model(name)  # as ZenML: the model is made first
            # MLflow 3's logged models (`models:/m-...`) are registered by their id
            logged = model_source_uri.removeprefix("models:/")
            created = client.create_model_version(
                name,
                model_source_uri,
                run_id=run_id,
                tags=tags,
                description=description,
                model_id=logged if logged.startswith("m-") and "/" not in logged else None,
            )
            return self._cast(created)

    def delete_model_version(self, name: str, version: str) -> None:
        with self._calling(f"version {version} of model '{name}'"):
            self.mlflow_client.delete_model_version(name, str(version))

    def update_model_version(
        self,
        name: str,
        version: str,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        remove_metadata: list[str] | None = None,
        stage: ModelVersionStage | None = None,
    ) -> RegistryModelVersion:
        version = str(version)
        with self._calling(f"version {version} of model '{name}'"):
            client = self.mlflow_client
            current = client.get_model_version(name, version)
            if description is not None:
                client.update_model_version(name, version, description=description)
            for key, value in (metadata.model_dump() if metadata else {}).items():
                client.set_model_version_tag(name, version, key, str(value))
            for key in remove_metadata or []:
                client.delete_model_version_tag(name, version, key)
            if stage is not None:
                client.transition_model_version_stage(name, version, stage.value)
                for alias in current.aliases or []:
                    if alias in STAGE_ALIASES.values() and alias != STAGE_ALIASES.get(stage):
                        client.delete_registered_model_alias(name, alias)
                if stage in STAGE_ALIASES:
                    client.set_registered_model_alias(name, STAGE_ALIASES[stage], version)
            return self._cast(client.get_model_version(name, version))

    def list_model_versions(
        self,
        name: str | None = None,
        model_source_uri: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        stage: ModelVersionStage | None = None,
        count: int | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        order_by_date: str | None = None,
        **kwargs: Any,
    ) -> list[RegistryModelVersion]:
        if order_by_date not in (None, "asc", "desc"):
            raise ValueError(f"order_by_date is 'asc' or 'desc', not {order_by_date!r}.")
        conditions = [f"name = {_quoted(name)}"] if name else []
        if model_source_uri:
            conditions.append(f"source = {_quoted(model_source_uri)}")
        if kwargs.get("mlflow_run_id"):
            conditions.append(f"run_id = {_quoted(kwargs['mlflow_run_id'])}")
        tags = metadata.model_dump() if metadata else {}
        conditions += [f"tags.`{k}` = {_quoted(str(v))}" for k, v in tags.items()]
        with self._calling(f"versions of model '{name}'" if name else "model versions"):
            client = self.mlflow_client
            found: list[ModelVersion] = []
            token = None
            while True:
                page = client.search_model_versions(
                    " AND ".join(conditions) or None, max_results=_PAGE, page_token=token
                )
                found += list(page)
                token = page.token
                if not token:
                    break
        versions = [self._cast(v) for v in found]
        if stage is not None:
            versions = [v for v in versions if v.stage is stage]
        if created_after is not None:
            versions = [v for v in versions if v.created_at and v.created_at > created_after]
        if created_before is not None:
            versions = [v for v in versions if v.created_at and v.created_at < created_before]
        versions.sort(
            key=lambda v: (v.created_at or datetime.min, int(v.version)),
            reverse=order_by_date != "asc",
        )
        return versions[:count] if count is not None else versions

    def get_model_version(self, name: str, version: str) -> RegistryModelVersion:
        with self._calling(f"version {version} of model '{name}'"):
            found = self.mlflow_client.get_model_version(name, str(version))
            registered = self._cast(found)
            registered.model_library = self._library(found)
            return registered

    def load_model_version(self, name: str, version: str, **kwargs: Any) -> Any:
        """The version's model as MLflow's pyfunc model (what `mlflow models serve` loads)."""
        self.get_model_version(name, version)
        with self._calling(f"version {version} of model '{name}'"):
            import mlflow.pyfunc

            with _mlflow_process_state(self.tracking_uri, {}):
                return mlflow.pyfunc.load_model(f"models:/{name}/{version}", **kwargs)

    def get_model_uri_artifact_store(self, model_version: RegistryModelVersion) -> str:
        name, version = model_version.registered_model.name, model_version.version
        with self._calling(f"version {version} of model '{name}'"):
            return str(self.mlflow_client.get_model_version_download_uri(name, version))

    # -- storing model objects ------------------------------------------------------------
    def save_model(self, model: Any, name: str, tags: dict[str, str]) -> str:
        """Log `model` to MLflow (sklearn, XGBoost, else a pyfunc around `predict`)."""
        with self._calling(f"a new version of model '{name}'"):
            return log_model(
                model,
                name,
                self.tracking_uri,
                artifact_version_id=tags.get("stackwise_artifact_version_id"),
                experiment=EXPERIMENT_NAME,
                tags=tags,
            )

    # -- helpers ---------------------------------------------------------------------------
    def _cast(self, found: ModelVersion) -> RegistryModelVersion:
        metadata: dict[str, Any] = dict(found.tags or {})
        if found.run_id:
            metadata["mlflow_run_id"] = found.run_id
        if found.run_link:
            metadata["mlflow_run_link"] = found.run_link
        if getattr(found, "aliases", None):
            metadata["mlflow_aliases"] = ",".join(found.aliases)
        stage = found.current_stage
        updated = found.last_updated_timestamp or found.creation_timestamp
        return RegistryModelVersion(
            version=str(found.version),
            model_source_uri=str(found.source),
            model_format=MLFLOW_MODEL_FORMAT,
            registered_model=RegisteredModel(name=found.name),
            description=found.description,
            created_at=datetime.fromtimestamp(int(found.creation_timestamp) / 1e3),
            last_updated_at=datetime.fromtimestamp(int(updated) / 1e3),
            stage=ModelVersionStage(stage) if stage else ModelVersionStage.NONE,
            metadata=ModelRegistryModelMetadata(**metadata),
        )

    def _library(self, found: ModelVersion) -> str | None:
        """The module that loads the model (`mlflow.sklearn`, ...), read from its MLmodel."""
        from mlflow.models import get_model_info

        try:
            with _mlflow_process_state(self.tracking_uri, {}):
                info = get_model_info(f"models:/{found.name}/{found.version}")
        except Exception:  # noqa: BLE001 - the files may be gone: the version still reads
            return None
        loader = info.flavors.get("python_function", {}).get("loader_module")
        return str(loader) if loader else None


def _registered(found: Any) -> RegisteredModel:
    return RegisteredModel(
        name=found.name, description=found.description or None, metadata=dict(found.tags or {})
    )


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "\\'") + "'"


__all__ = ["MLFlowModelRegistry", "MLFlowModelRegistryConfig"]
