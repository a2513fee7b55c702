"""The MLflow deployment service and its configuration (ZenML's
`zenml.integrations.mlflow.services`)."""

from stackwise.integrations.mlflow.services.mlflow_deployment import (
    MLFlowDeploymentConfig,
    MLFlowDeploymentService,
)

__all__ = ["MLFlowDeploymentConfig", "MLFlowDeploymentService"]
