"""A model served by `mlflow models serve`: its configuration (ZenML's
`MLFlowDeploymentConfig` fields that stackwise acts on) and its service object."""

from __future__ import annotations

from pydantic import Field

from stackwise.model_deployers.service import (
    ModelDeploymentConfig,
    ModelDeploymentService,
    ServiceType,
)


class MLFlowDeploymentConfig(ModelDeploymentConfig):
    """`deploy_model` configuration of the `mlflow` flavor.

    - `model`: a model object, logged to MLflow before it is served (once: a model loaded
      from an artifact version already logged is reused);
    - `model_uri`: serve this MLflow model instead (`runs:/...`, `models:/...`, a path);
    - `registry_model_name` / `registry_model_version` / `registry_model_stage`: serve a
      registered model (`models:/NAME/VERSION` or `models:/NAME/STAGE`);
    - `workers` (ZenML's name) or `replicas`: `mlflow models serve --workers`.
    """

    model_uri: str = ""
    registry_model_name: str | None = None
    registry_model_version: str | None = None
    registry_model_stage: str | None = None
    workers: int = Field(default=1, ge=1, le=64)
    mlserver: bool = False


class MLFlowDeploymentService(ModelDeploymentService):
    """A model served by `mlflow models serve --env-manager local`, behind stackwise's
    gateway (the same `/invocations`, `/health` and `/metadata` as the `local` flavor)."""

    SERVICE_TYPE = ServiceType(
        flavor="mlflow",
        name="mlflow-deployment",
        description="MLflow prediction service",
    )


__all__ = ["MLFlowDeploymentConfig", "MLFlowDeploymentService"]
