"""The MLflow model registry, ZenML's way: its base classes and data classes import from
`zenml.model_registries.base_model_registry`, an `mlflow` model_registry component goes in a
stack with an MLflow tracker, and the registry registers, lists, updates and deletes models and
model versions (MLflow's local store)."""

import os

import mlflow.sklearn
import numpy as np
from _support import ON_STACKWISE
from sklearn.linear_model import LogisticRegression

from zenml.client import Client
from zenml.enums import StackComponentType
from zenml.integrations.mlflow.flavors import MLFlowModelRegistryConfig
from zenml.integrations.mlflow.model_registries import MLFlowModelRegistry
from zenml.model_registries.base_model_registry import (
    BaseModelRegistry,
    BaseModelRegistryConfig,
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)

assert [s.value for s in ModelVersionStage] == ["None", "Staging", "Production", "Archived"]
assert issubclass(MLFlowModelRegistry, BaseModelRegistry)
assert issubclass(MLFlowModelRegistryConfig, BaseModelRegistryConfig)
assert set(RegisteredModel.model_fields) == {"name", "description", "metadata"}
assert {"version", "model_source_uri", "model_format", "stage", "metadata"} <= set(
    RegistryModelVersion.model_fields
)
metadata = ModelRegistryModelMetadata(zenml_pipeline_name="p", team="risk")
assert metadata.custom_attributes == {"team": "risk"}
assert metadata.model_dump() == {"zenml_pipeline_name": "p", "team": "risk"}
assert StackComponentType.MODEL_REGISTRY.value == "model_registry"

client = Client()
client.create_stack_component("mlflow_tracker", "mlflow", "experiment_tracker", {})
client.create_stack_component("mlflow_registry", "mlflow", "model_registry", {})
client.create_stack(
    "registry",
    {
        "orchestrator": "default",
        "artifact_store": "default",
        "experiment_tracker": "mlflow_tracker",
        "model_registry": "mlflow_registry",
    },
)
client.activate_stack("registry")
registry = client.active_stack.model_registry
assert isinstance(registry, MLFlowModelRegistry)

registered = registry.register_model("churn", description="Churn model", metadata={"a": "b"})
assert registered.name == "churn" and registered.description == "Churn model"
assert registry.get_model("churn").metadata == {"a": "b"}
assert [m.name for m in registry.list_models()] == ["churn"]
registry.update_model("churn", description="Better", metadata={"c": "d"})
assert registry.get_model("churn").description == "Better"
assert registry.get_model("churn").metadata == {"a": "b", "c": "d"}

path = os.path.join(os.getcwd(), "model")
mlflow.sklearn.save_model(LogisticRegression().fit(np.array([[0.0], [1.0]]), [0, 1]), path)
first = registry.register_model_version(
    "churn", model_source_uri=path, description="first", metadata=metadata
)
second = registry.register_model_version("churn", model_source_uri=path)
assert (first.version, second.version) == ("1", "2")
assert first.model_format == "MLflow" and first.registered_model.name == "churn"
assert first.metadata.zenml_pipeline_name == "p"
assert first.metadata.custom_attributes["team"] == "risk"
assert [v.version for v in registry.list_model_versions(name="churn")] == ["2", "1"]
found = registry.list_model_versions(name="churn", metadata=ModelRegistryModelMetadata(team="risk"))
assert [v.version for v in found] == ["1"]
assert registry.get_latest_model_version("churn").version == "2"
got = registry.get_model_version("churn", "1")
assert got.description == "first" and got.model_library == "mlflow.sklearn"
model = registry.load_model_version("churn", "1")
assert list(model.predict(np.array([[0.0], [1.0]]))) == [0, 1]

registry.update_model_version("churn", "1", stage=ModelVersionStage.PRODUCTION)
# ZenML on MLflow 3 sets only the `champion` alias; stackwise sets the MLflow stage as well
# (docs/zenml-differences.md)
expected = ModelVersionStage.PRODUCTION if ON_STACKWISE else ModelVersionStage.NONE
assert registry.get_model_version("churn", "1").stage == expected
assert "champion" in registry.get_model_version("churn", "1").metadata.custom_attributes.get(
    "mlflow_aliases", ""
)

registry.delete_model_version("churn", "2")
assert [v.version for v in registry.list_model_versions(name="churn")] == ["1"]
registry.delete_model("churn")
try:
    registry.get_model("churn")
except KeyError:
    pass
else:
    raise AssertionError("a deleted model is still there")
