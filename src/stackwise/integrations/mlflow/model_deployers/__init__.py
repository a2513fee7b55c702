"""The MLflow model deployer (ZenML's `zenml.integrations.mlflow.model_deployers`)."""

from __future__ import annotations

from stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor import (
    MLFlowModelDeployerConfig,
)
from stackwise.integrations.mlflow.model_deployers.mlflow_model_deployer import (
    MLFlowModelDeployer,
)

__all__ = ["MLFlowModelDeployer", "MLFlowModelDeployerConfig"]
