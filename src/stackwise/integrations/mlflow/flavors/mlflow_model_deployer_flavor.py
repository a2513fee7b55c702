"""The MLflow model deployer flavor: models logged to MLflow (or given by URI) served with
`mlflow models serve --env-manager local` in the background on loopback."""

from __future__ import annotations

from pydantic import Field

from stackwise.enums import StackComponentType
from stackwise.integrations.mlflow import MLFLOW
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig


class MLFlowModelDeployerConfig(StackComponentConfig):
    """Where deployments keep their folders, and where models are logged."""

    service_path: str = Field(
        default="",
        description="Folder for the deployments' files and logs (default: "
        "$STACKWISE_HOME/model_deployers/<component id>)",
    )
    tracking_uri: str = Field(
        default="",
        description="MLflow tracking URI models are logged to before they are served "
        "(default: the stack's MLflow experiment tracker's, else "
        "sqlite:///<STACKWISE_HOME>/mlflow.db)",
    )
    drain_seconds: float = Field(
        default=3.0,
        ge=0,
        description="How long a replaced or stopped server keeps answering the connections "
        "it has before it exits",
    )


MLFLOW_MODEL_DEPLOYER_FLAVOR = Flavor(
    type=StackComponentType.MODEL_DEPLOYER,
    name="mlflow",
    implementation="stackwise.integrations.mlflow.model_deployers.mlflow_model_deployer"
    ":MLFlowModelDeployer",
    config="stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor"
    ":MLFlowModelDeployerConfig",
    integration=MLFLOW,
    description="Logs the model to MLflow (unless it is there) and serves it with `mlflow "
    "models serve --env-manager local` on loopback (MLflow's scoring protocol at "
    "/invocations).",
)
