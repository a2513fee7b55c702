"""The MLflow model registry (ZenML's `zenml.integrations.mlflow.model_registries`)."""

from stackwise.integrations.mlflow.model_registries.mlflow_model_registry import (
    MLFlowModelRegistry,
)

__all__ = ["MLFlowModelRegistry"]
