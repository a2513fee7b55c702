"""The `local` model deployer: serves any model stackwise can save (sklearn via skops, a type
with its own materializer such as the lesson's XGBoost `Booster`, anything with `predict`)
from a FastAPI + uvicorn server in a background process on loopback. `replicas` runs that many
uvicorn worker processes on one port."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

from pydantic import Field

from stackwise.exceptions import ConfigError
from stackwise.model_deployers.base_model_deployer import BaseModelDeployer, _Source
from stackwise.model_deployers.service import ModelDeploymentConfig, ModelDeploymentService
from stackwise.stack.stack_component import StackComponentConfig


class LocalModelDeployerConfig(StackComponentConfig):
    service_path: str = Field(
        default="",
        description="Folder for the deployments' models and logs (default: "
        "$STACKWISE_HOME/model_deployers/<component id>)",
    )
    drain_seconds: float = Field(
        default=3.0,
        ge=0,
        description="How long a replaced or stopped server keeps answering the connections "
        "it has before it exits",
    )


class LocalDeploymentConfig(ModelDeploymentConfig):
    """`deploy_model` configuration of the `local` flavor (see ModelDeploymentConfig)."""


class LocalDeploymentService(ModelDeploymentService):
    """A model served by stackwise's own FastAPI + uvicorn server."""


class LocalModelDeployer(BaseModelDeployer):
    SERVICE_CLASS = LocalDeploymentService
    CONFIG_CLASS = LocalDeploymentConfig

    def __init__(
        self,
        *,
        id: str = "local",
        name: str = "local",
        flavor: str = "local",
        config: StackComponentConfig | None = None,
    ) -> None:
        super().__init__(
            id=id,
            name=name,
            flavor=flavor,
            config=config if config is not None else LocalModelDeployerConfig(),
        )

    def _prepare(
        self, deployment: ModelDeploymentConfig, service_dir: Path, source: _Source
    ) -> dict[str, Any]:
        if deployment.model is None:
            raise ConfigError(
                f"Model deployer '{self.name}' needs the model to serve: "
                "deploy_model(config={'model': model, 'model_name': 'NAME'})."
            )
        return save_model(deployment.model, service_dir, source)


def save_model(model: Any, service_dir: Path, source: _Source) -> dict[str, Any]:
    """Save `model` into a fresh folder of the deployment, with the materializer of the
    artifact it was loaded from (else its type's default), for the server to load."""
    from stackwise.artifact_stores.local_artifact_store import (
        LocalArtifactStore,
        LocalArtifactStoreConfig,
    )
    from stackwise.materializers.artifact_saving import save_data
    from stackwise.materializers.materializer_registry import import_materializer

    model_dir = service_dir / f"model-{uuid4().hex[:8]}"
    materializer = None
    if source.artifact is not None:
        try:
            materializer = import_materializer(source.artifact.materializer)
        except (ImportError, AttributeError):
            materializer = None
    store = LocalArtifactStore(
        id="deployment",
        name="deployment",
        flavor="local",
        config=LocalArtifactStoreConfig(path=str(model_dir)),
    )
    saved = save_data(
        model,
        version_id=model_dir.name,
        name="model",
        uri=str(model_dir),
        artifact_store=store,
        save_type="manual",
        materializer=materializer,
        extract_metadata=False,
        include_visualizations=False,
    )
    model_type = type(model)
    return {
        "model": {
            "uri": str(model_dir),
            "materializer": saved.materializer,
            "data_type": saved.data_type,
        },
        "model_dir": str(model_dir),
        "model_type": f"{model_type.__module__}.{model_type.__qualname__}",
    }


__all__ = [
    "LocalDeploymentConfig",
    "LocalDeploymentService",
    "LocalModelDeployer",
    "LocalModelDeployerConfig",
    "save_model",
]
