"""The MLflow flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.

Importing this package must not import MLflow: the flavor registry reads it on every lookup of
a flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor import (
    MLFLOW_EXPERIMENT_TRACKER_FLAVOR,
    MLFlowExperimentTrackerConfig,
    MLFlowExperimentTrackerSettings,
)
from stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor import (
    MLFLOW_MODEL_DEPLOYER_FLAVOR,
    MLFlowModelDeployerConfig,
)
from stackwise.integrations.mlflow.flavors.mlflow_model_registry_flavor import (
    MLFLOW_MODEL_REGISTRY_FLAVOR,
    MLFlowModelRegistryConfig,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [
    MLFLOW_EXPERIMENT_TRACKER_FLAVOR,
    MLFLOW_MODEL_DEPLOYER_FLAVOR,
    MLFLOW_MODEL_REGISTRY_FLAVOR,
]

__all__ = [
    "FLAVORS",
    "MLFlowExperimentTrackerConfig",
    "MLFlowExperimentTrackerSettings",
    "MLFlowModelDeployerConfig",
    "MLFlowModelRegistryConfig",
]
