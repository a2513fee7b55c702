"""The MLflow model registry flavor: models and their versions in MLflow's Model Registry."""

from __future__ import annotations

from pydantic import Field

from stackwise.enums import StackComponentType
from stackwise.integrations.mlflow import MLFLOW
from stackwise.model_registries.base_model_registry import BaseModelRegistryConfig
from stackwise.stack.flavor import Flavor


class MLFlowModelRegistryConfig(BaseModelRegistryConfig):
    """Which MLflow tracking server (or store) holds the registry."""

    tracking_uri: str = Field(
        default="",
        description="MLflow tracking URI of the registry (default: the stack's MLflow "
        "experiment tracker's, else sqlite:///<STACKWISE_HOME>/mlflow.db)",
    )
    request_timeout: int = Field(
        default=10,
        gt=0,
        description="Seconds one request to a tracking server may take before the registry "
        "counts as unreachable",
    )
    request_retries: int = Field(
        default=1,
        ge=0,
        description="How often a failed request to a tracking server is retried",
    )


MLFLOW_MODEL_REGISTRY_FLAVOR = Flavor(
    type=StackComponentType.MODEL_REGISTRY,
    name="mlflow",
    implementation="stackwise.integrations.mlflow.model_registries.mlflow_model_registry"
    ":MLFlowModelRegistry",
    config="stackwise.integrations.mlflow.flavors.mlflow_model_registry_flavor"
    ":MLFlowModelRegistryConfig",
    integration=MLFLOW,
    description="Registers models and their versions in MLflow's Model Registry; stages and "
    "aliases follow the stackwise model version's stage.",
)
