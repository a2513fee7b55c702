"""The MLflow model deployer (a placeholder until MLflow model serving is implemented)."""

from __future__ import annotations

from stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor import (
    MLFlowModelDeployerConfig,
)
from stackwise.integrations.mlflow.model_deployers.mlflow_model_deployer import (
    MLFlowModelDeployer,
)

__all__ = ["MLFlowModelDeployer", "MLFlowModelDeployerConfig"]
