"""The model registry component: ZenML's interface for a registry of named models and their
versions (register, update, list, get, delete, load), with the data classes a registry hands
back. Flavors implement the abstract methods over a real registry (MLflow's in
`stackwise.integrations.mlflow.model_registries`).

Beyond ZenML's interface, a registry may store a model object itself (`save_model`): that is
how the model a step returns is registered when its run's model version asks for it
(`Model(save_models_to_registry=True)`, see `stackwise.model_registries.syncing`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError
from stackwise.stack.stack_component import StackComponent, StackComponentConfig


class ModelVersionStage(Enum):
    """The stage a registered model version is in (the registry's spelling)."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"


class RegisteredModel(BaseModel):
    """A model in the registry: a name its versions share."""

    name: str
    description: str | None = None
    metadata: dict[str, str] | None = None


class ModelRegistryModelMetadata(BaseModel):
    """Where a registered model version came from. Keys beyond the named ones are kept as
    custom attributes (stored as strings, like the registry's tags)."""

    model_config = ConfigDict(extra="allow")

    stackwise_version: str | None = None
    stackwise_run_name: str | None = None
    stackwise_pipeline_name: str | None = None
    stackwise_pipeline_uuid: str | None = None
    stackwise_pipeline_run_uuid: str | None = None
    stackwise_step_name: str | None = None
    stackwise_project: str | None = None

    @property
    def custom_attributes(self) -> dict[str, str]:
        """The keys given beyond the named fields, as strings."""
        return {k: str(v) for k, v in (self.model_extra or {}).items()}

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """The metadata without the fields that are not set (None)."""
        return {k: v for k, v in super().model_dump(**kwargs).items() if v is not None}


class RegistryModelVersion(BaseModel):
    """One version of a registered model: where the model is and what it is."""

    model_config = ConfigDict(protected_namespaces=())

    version: str
    model_source_uri: str
    model_format: str
    model_library: str | None = None
    registered_model: RegisteredModel
    description: str | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    stage: ModelVersionStage = ModelVersionStage.NONE
    metadata: ModelRegistryModelMetadata | None = None


class BaseModelRegistryConfig(StackComponentConfig):
    """The configuration every model registry flavor extends."""


class BaseModelRegistry(StackComponent, ABC):
    """A registry of models and their versions (ZenML's `BaseModelRegistry` interface)."""

    TYPE: ClassVar[StackComponentType] = StackComponentType.MODEL_REGISTRY

    # -- registered models ----------------------------------------------------------------
    @abstractmethod
    def register_model(
        self, name: str, description: str | None = None, metadata: dict[str, str] | None = None
    ) -> RegisteredModel:
        """Register a new model named `name`."""

    @abstractmethod
    def delete_model(self, name: str) -> None:
        """Delete the model `name` with all its versions."""

    @abstractmethod
    def update_model(
        self,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        remove_metadata: list[str] | None = None,
    ) -> RegisteredModel:
        """Change a model's description and metadata."""

    @abstractmethod
    def get_model(self, name: str) -> RegisteredModel:
        """The model `name`; KeyError when there is none."""

    @abstractmethod
    def list_models(
        self, name: str | None = None, metadata: dict[str, str] | None = None
    ) -> list[RegisteredModel]:
        """The models, optionally only those named `name` or carrying all of `metadata`."""

    # -- model versions -------------------------------------------------------------------
    @abstractmethod
    def register_model_version(
        self,
        name: str,
        version: str | None = None,
        model_source_uri: str | None = None,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        **kwargs: Any,
    ) -> RegistryModelVersion:
        """Register the model at `model_source_uri` as a new version of model `name`."""

    @abstractmethod
    def delete_model_version(self, name: str, version: str) -> None:
        """Delete one version of model `name`."""

    @abstractmethod
    def update_model_version(
        self,
        name: str,
        version: str,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        remove_metadata: list[str] | None = None,
        stage: ModelVersionStage | None = None,
    ) -> RegistryModelVersion:
        """Change a version's description, metadata or stage."""

    @abstractmethod
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
        """The versions matching every filter given; `count` caps how many,
        `order_by_date` is "asc" or "desc"."""

    def get_latest_model_version(
        self, name: str, stage: ModelVersionStage | None = None
    ) -> RegistryModelVersion | None:
        """The newest version of model `name` (in `stage`, when given), or None."""
        found = self.list_model_versions(name=name, stage=stage, count=1, order_by_date="desc")
        return found[0] if found else None

    @abstractmethod
    def get_model_version(self, name: str, version: str) -> RegistryModelVersion:
        """One version of model `name`; KeyError when there is none."""

    @abstractmethod
    def load_model_version(self, name: str, version: str, **kwargs: Any) -> Any:
        """The model object of one version, loaded."""

    @abstractmethod
    def get_model_uri_artifact_store(self, model_version: RegistryModelVersion) -> str:
        """Where the version's model files are (a URI its artifact store can read)."""

    # -- storing model objects (stackwise) ------------------------------------------------
    def save_model(self, model: Any, name: str, tags: dict[str, str]) -> str:
        """Store `model` (the object a step returned) where this registry can register it
        from, and return that URI. A flavor that cannot store model objects says so."""
        raise ConfigError(
            f"Model registry '{self.name}' ({self.flavor}) cannot store the model objects steps "
            "return, so it cannot register them: use a flavor that can (mlflow), or turn it off "
            "with Model(..., save_models_to_registry=False)."
        )


__all__ = [
    "BaseModelRegistry",
    "BaseModelRegistryConfig",
    "ModelRegistryModelMetadata",
    "ModelVersionStage",
    "RegisteredModel",
    "RegistryModelVersion",
]
