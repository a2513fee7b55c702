"""The model registry as a stack component, without a server: the MLflow flavor's configuration
is validated on registration (bad keys and values named), it is registered and put in a stack
from the CLI, and ZenML's data classes behave as ZenML's do."""

from __future__ import annotations

import pytest

from stackwise.client import Client
from stackwise.exceptions import ConfigError
from stackwise.model_registries import (
    BaseModelRegistry,
    ModelRegistryModelMetadata,
    ModelVersionStage,
)


def test_mlflow_registry_configuration_is_validated_on_registration() -> None:
    client = Client()
    with pytest.raises(ConfigError, match="tracking_url"):
        client.create_stack_component("r", "mlflow", "model_registry", {"tracking_url": "x"})
    with pytest.raises(ConfigError, match="request_timeout"):
        client.create_stack_component("r", "mlflow", "model_registry", {"request_timeout": 0})
    client.create_stack_component(
        "r", "mlflow", "model_registry", {"tracking_uri": "http://127.0.0.1:5000"}
    )
    assert client.get_stack_component("model_registry", "r").configuration == {
        "tracking_uri": "http://127.0.0.1:5000"
    }


def test_registered_and_added_to_a_stack_from_the_cli(ok) -> None:
    ok("model-registry", "register", "reg", "--flavor", "mlflow", "--tracking_uri=sqlite:///m.db")
    ok("stack", "register", "s", "-o", "default", "-a", "default", "-r", "reg", "--set")
    registry = Client().active_stack.model_registry
    assert isinstance(registry, BaseModelRegistry)
    assert registry.tracking_uri == "sqlite:///m.db"
    assert registry.probe_url() is None  # nothing to probe for a local database
    assert "mlflow" in ok("model-registry", "flavor", "list").stdout


def test_a_server_registry_is_probed_before_a_run() -> None:
    from stackwise.integrations.mlflow.flavors import MLFlowModelRegistryConfig
    from stackwise.integrations.mlflow.model_registries import MLFlowModelRegistry

    registry = MLFlowModelRegistry(config=MLFlowModelRegistryConfig(tracking_uri="http://h:1"))
    assert registry.probe_url() == "http://h:1"


def test_metadata_keeps_custom_attributes_and_drops_unset_fields() -> None:
    metadata = ModelRegistryModelMetadata(stackwise_version="1", team="risk", n=3)
    assert metadata.custom_attributes == {"team": "risk", "n": "3"}
    assert metadata.model_dump() == {"stackwise_version": "1", "team": "risk", "n": 3}
    assert ModelRegistryModelMetadata().model_dump() == {}
    assert ModelVersionStage("Production") is ModelVersionStage.PRODUCTION


def test_a_registry_that_cannot_store_models_says_how_to_stop_registering() -> None:
    class ListOnly(BaseModelRegistry):  # ZenML's abstract methods only
        pass

    for name in list(ListOnly.__abstractmethods__):
        setattr(ListOnly, name, lambda self, *a, **k: None)
    ListOnly.__abstractmethods__ = frozenset()
    from stackwise.model_registries import BaseModelRegistryConfig

    registry = ListOnly(id="1", name="list-only", flavor="custom", config=BaseModelRegistryConfig())
    with pytest.raises(ConfigError, match="save_models_to_registry=False"):
        registry.save_model(object(), "m", {})
