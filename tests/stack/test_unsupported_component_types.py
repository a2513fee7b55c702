"""Component types ZenML has and stackwise does not run (annotator, log store, deployer,
sandbox) are refused wherever a component could be registered, never stored and ignored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import stackwise
from stackwise.client import Client
from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError, FlavorNotFoundError
from stackwise.stack.flavor import Flavor
from stackwise.stack.flavor_registry import UNSUPPORTED_COMPONENT_TYPES, flavor_registry
from stackwise.stack.stack_yaml import import_stack
from stackwise.store import get_store

UNSUPPORTED = sorted(UNSUPPORTED_COMPONENT_TYPES, key=str)


@pytest.mark.parametrize("type_", UNSUPPORTED, ids=str)
def test_client_refuses_and_stores_nothing(type_: StackComponentType) -> None:
    client = Client()
    with pytest.raises(FlavorNotFoundError, match="does not support") as info:
        client.create_stack_component("x", "local", type_, {})
    assert isinstance(info.value, KeyError) and isinstance(info.value, ConfigError)
    assert "Supported component types: orchestrator, artifact_store" in str(info.value)
    assert not [c for c in client.list_stack_components() if c.name == "x"]


def test_the_cli_refuses_with_one_clean_message(invoke: Any) -> None:
    result = invoke("log-store", "register", "logs", "--flavor=local")
    assert result.exit_code != 0
    assert "does not support log store components" in result.output
    assert "Traceback" not in result.output


def test_a_stack_file_with_one_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "stackwise_version": stackwise.__version__,
                "components": {
                    "orchestrator": {"type": "local", "name": "o"},
                    "artifact_store": {"type": "local", "name": "a"},
                    "annotator": {"type": "label_studio", "name": "ann"},
                },
            }
        )
    )
    before = Client().list_stack_components()
    with pytest.raises(ConfigError, match="does not support annotator components"):
        import_stack(get_store(), path)
    assert len(Client().list_stack_components()) == len(before)


def test_a_flavor_of_an_unsupported_type_cannot_be_registered() -> None:
    flavor = Flavor(StackComponentType.SANDBOX, "box", "somewhere:Box")
    with pytest.raises(FlavorNotFoundError, match="does not support sandbox components"):
        flavor_registry.register(flavor)


def test_an_unknown_flavor_is_a_key_error_as_in_zenml() -> None:
    with pytest.raises(KeyError, match="No orchestrator flavor named 'nope'"):
        Client().create_stack_component("x", "nope", "orchestrator", {})
