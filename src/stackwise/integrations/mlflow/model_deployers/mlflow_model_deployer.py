"""The MLflow model deployer: logs the model to MLflow if it is not there yet, then serves it
with `mlflow models serve --env-manager local` as a background process on loopback, behind
the same gateway the `local` flavor uses (checks columns, answers `/health` and `/metadata`,
and hands the port over without a gap when a model is deployed again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stackwise.exceptions import ConfigError
from stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor import (
    MLFlowModelDeployerConfig,
)
from stackwise.integrations.mlflow.model_logging import log_model, tracking_uri
from stackwise.integrations.mlflow.services.mlflow_deployment import (
    MLFlowDeploymentConfig,
    MLFlowDeploymentService,
)
from stackwise.model_deployers.base_model_deployer import BaseModelDeployer, _Source
from stackwise.model_deployers.service import ModelDeploymentConfig
from stackwise.stack.stack_component import StackComponentConfig


class MLFlowModelDeployer(BaseModelDeployer):
    """Serves models with `mlflow models serve`."""

    SERVICE_CLASS = MLFlowDeploymentService
    CONFIG_CLASS = MLFlowDeploymentConfig

    def __init__(
        self,
        *,
        id: str = "mlflow",
        name: str = "mlflow",
        flavor: str = "mlflow",
        config: StackComponentConfig | None = None,
    ) -> None:
        # Defaults let user code build one directly, as ZenML users do in tests and notebooks.
        super().__init__(
            id=id,
            name=name,
            flavor=flavor,
            config=config if config is not None else MLFlowModelDeployerConfig(),
        )

    @property
    def tracking_uri(self) -> str:
        """Where models are logged: this deployer's `tracking_uri`, else the stack's MLflow
        experiment tracker's, else MLflow's local default under STACKWISE_HOME."""
        return tracking_uri(str(getattr(self.config, "tracking_uri", "") or ""))

    def _preload(self, model: Any) -> tuple[str, ...]:
        return ("httpx",)  # the gateway forwards; `mlflow models serve` loads the model

    def _prepare(
        self, deployment: ModelDeploymentConfig, service_dir: Path, source: _Source
    ) -> dict[str, Any]:
        assert isinstance(deployment, MLFlowDeploymentConfig)
        if deployment.mlserver:
            raise ConfigError(
                "mlserver=True is not supported: stackwise serves MLflow models with `mlflow "
                "models serve --env-manager local`. Remove mlserver from the configuration."
            )
        if deployment.workers != 1 and deployment.replicas not in (1, deployment.workers):
            raise ConfigError(
                f"workers={deployment.workers} and replicas={deployment.replicas} disagree; "
                "give one of them."
            )
        workers = max(deployment.workers, deployment.replicas)
        uri = self.tracking_uri
        model_uri = deployment.model_uri or _registry_uri(deployment)
        if not model_uri:
            if deployment.model is None:
                raise ConfigError(
                    f"Model deployer '{self.name}' needs the model to serve: "
                    "deploy_model(config={'model': model, 'model_name': 'NAME'}), or "
                    "model_uri='runs:/<run id>/<path>'."
                )
            model_uri = log_model(
                deployment.model,
                deployment.model_name or "model",
                uri,
                artifact_version_id=source.artifact.id if source.artifact is not None else None,
            )
        model_type = (
            f"{type(deployment.model).__module__}.{type(deployment.model).__qualname__}"
            if deployment.model is not None
            else None
        )
        return {
            "mlflow": {"model_uri": model_uri, "tracking_uri": uri, "workers": workers},
            "model_uri": model_uri,
            "tracking_uri": uri,
            "model_type": model_type,
            "replicas": workers,
            "startup_timeout": float(deployment.timeout or 300),
        }


def _registry_uri(deployment: MLFlowDeploymentConfig) -> str:
    name = deployment.registry_model_name
    if not name:
        return ""
    version = deployment.registry_model_version or deployment.registry_model_stage
    if not version:
        raise ConfigError(
            f"registry_model_name='{name}' needs registry_model_version or registry_model_stage."
        )
    return f"models:/{name}/{version}"


__all__ = ["MLFlowModelDeployer", "MLFlowModelDeployerConfig"]
