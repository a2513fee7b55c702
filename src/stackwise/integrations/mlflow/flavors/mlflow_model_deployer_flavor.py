"""The MLflow model deployer flavor. Serving is not implemented yet: the flavor exists so that
stacks naming it load and user code importing `MLFlowModelDeployer` runs up to the deployment."""

from __future__ import annotations

from pydantic import Field

from stackwise.enums import StackComponentType
from stackwise.integrations.mlflow import MLFLOW
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig


class MLFlowModelDeployerConfig(StackComponentConfig):
    """Where deployments would keep their state once MLflow serving is implemented."""

    service_path: str = Field(
        default="",
        description="Folder for the local MLflow deployment services (unused until model "
        "deployment is implemented)",
    )


MLFLOW_MODEL_DEPLOYER_FLAVOR = Flavor(
    type=StackComponentType.MODEL_DEPLOYER,
    name="mlflow",
    implementation="stackwise.integrations.mlflow.model_deployers.mlflow_model_deployer"
    ":MLFlowModelDeployer",
    config="stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor"
    ":MLFlowModelDeployerConfig",
    integration=MLFLOW,
    description="Placeholder: deploy_model raises NotImplementedError until MLflow serving "
    "is implemented.",
)
