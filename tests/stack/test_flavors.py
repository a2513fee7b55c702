"""The flavor registry: built-in flavors, flavors integrations announce through the
`stackwise.flavors` entry-point group (read only when needed), custom flavors by import path, and
clear errors for unknown flavors and bad configurations."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError
from stackwise.stack.flavor import Flavor
from stackwise.stack.flavor_registry import ENTRY_POINT_GROUP, FlavorRegistry, flavor_registry
from stackwise.stack.stack_component import StackComponentConfig

T = StackComponentType

ANNOUNCED = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}


class GreetingConfig(StackComponentConfig):
    greeting: str = "hello"
    repeat: int = 1


CUSTOM = Flavor(
    T.ALERTER,
    "greeter",
    f"{__name__}:GreeterAlerter",
    f"{__name__}:GreetingConfig",
    description="Says hello.",
)
MISSING_LIBRARY = Flavor(
    T.ALERTER, "ghost", "stackwise_no_such_module.alerter:Ghost", integration="ghost"
)
NOT_A_FLAVOR = object()


def _in_subprocess(code: str) -> object:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- built-ins --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "implementation"),
    [
        (T.ORCHESTRATOR, "stackwise.orchestrators.local_orchestrator:LocalOrchestrator"),
        (T.ARTIFACT_STORE, "stackwise.artifact_stores.local_artifact_store:LocalArtifactStore"),
    ],
)
def test_builtin_local_flavors(type_: StackComponentType, implementation: str):
    flavor = flavor_registry.get(type_, "local")
    assert flavor.implementation == implementation
    assert flavor.implementation_class().__name__ == implementation.rsplit(":", 1)[1]
    assert flavor.integration is None


def test_type_may_be_given_as_a_string():
    assert flavor_registry.get("artifact_store", "local") is flavor_registry.get(
        T.ARTIFACT_STORE, "local"
    )


def test_list_holds_the_builtins_sorted():
    listed = [(str(f.type), f.name) for f in flavor_registry.list()]
    assert ("artifact_store", "local") in listed
    assert ("orchestrator", "local") in listed
    assert listed == sorted(listed)
    orchestrators = [f.name for f in flavor_registry.list(T.ORCHESTRATOR)]
    assert "local" in orchestrators and orchestrators == sorted(orchestrators)


def test_local_artifact_store_fields_are_documented():
    doc = flavor_registry.get(T.ARTIFACT_STORE, "local").fields_doc()
    assert doc.startswith("path (str, default '')")
    assert "Folder for artifacts" in doc


def test_a_flavor_without_configuration_says_so():
    assert flavor_registry.get(T.ORCHESTRATOR, "local").fields_doc() == "(no configuration)"


# -- entry points -----------------------------------------------------------------------------
@pytest.mark.skipif("mlflow" not in ANNOUNCED, reason="the mlflow entry point is not installed")
@pytest.mark.parametrize("type_", [T.EXPERIMENT_TRACKER, T.MODEL_DEPLOYER])
def test_mlflow_flavors_come_from_the_entry_point(type_: StackComponentType):
    flavor = flavor_registry.get(type_, "mlflow")
    assert flavor.integration == "mlflow"
    assert flavor.implementation.startswith("stackwise.integrations.mlflow.")
    assert "mlflow" in [f.name for f in flavor_registry.list(type_)]


@pytest.mark.skipif("mlflow" not in ANNOUNCED, reason="the mlflow entry point is not installed")
def test_mlflow_tracker_configuration_is_validated():
    flavor = flavor_registry.get(T.EXPERIMENT_TRACKER, "mlflow")
    assert flavor.validate_config({"tracking_uri": "http://localhost:5000"}).tracking_uri == (
        "http://localhost:5000"
    )
    with pytest.raises(ConfigError, match="unknown key 'tracking_url'"):
        flavor.validate_config({"tracking_url": "http://localhost:5000"})


def test_builtin_lookups_do_not_read_entry_points():
    found = _in_subprocess(
        "import json, sys\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "flavor_registry.get('orchestrator', 'local')\n"
        "flavor_registry.get('artifact_store', 'local')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
        "('stackwise.integrations', 'mlflow')))))\n"
    )
    assert found == []


@pytest.mark.skipif("mlflow" not in ANNOUNCED, reason="the mlflow entry point is not installed")
def test_looking_up_the_mlflow_flavor_does_not_import_mlflow():
    found = _in_subprocess(
        "import json, sys\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "flavor = flavor_registry.get('experiment_tracker', 'mlflow')\n"
        "flavor.validate_config({})\n"
        "print(json.dumps('mlflow' in sys.modules))\n"
    )
    assert found is False


# -- unknown flavors --------------------------------------------------------------------------
def test_unknown_flavor_is_a_config_error_with_a_hint():
    with pytest.raises(ConfigError) as info:
        flavor_registry.get(T.ORCHESTRATOR, "locl")
    message = str(info.value)
    assert "No orchestrator flavor named 'locl'" in message
    assert "Did you mean 'local'?" in message
    assert re.search(r"Available: [^.]*\blocal\b", message)


def test_unknown_flavor_far_from_any_name_lists_what_exists():
    with pytest.raises(ConfigError) as info:
        flavor_registry.get(T.ARTIFACT_STORE, "kubernetes")
    assert "Did you mean" not in str(info.value)
    assert re.search(r"Available: [^.]*\blocal\b", str(info.value))


def test_a_type_without_flavors_says_none_are_available():
    with pytest.raises(ConfigError, match="Available: none"):
        FlavorRegistry().get(T.FEATURE_STORE, "feast_but_not_installed")


def test_client_rejects_an_unknown_flavor_and_registers_nothing():
    from stackwise.client import Client

    with pytest.raises(ConfigError, match="Did you mean 'local'"):
        Client().create_stack_component("x", "lcoal", "orchestrator", {})
    assert "x" not in [c.name for c in Client().list_stack_components(type="orchestrator")]


# -- custom flavors ---------------------------------------------------------------------------
def test_register_a_custom_flavor_by_import_path():
    registry = FlavorRegistry()
    assert registry.register_from_path(f"{__name__}:CUSTOM") == [CUSTOM]
    assert registry.get(T.ALERTER, "greeter") is CUSTOM
    config = CUSTOM.validate_config({"greeting": "hi", "repeat": 2})
    assert (config.greeting, config.repeat) == ("hi", 2)
    assert flavor_registry.get(T.ORCHESTRATOR, "local") is not None  # the shared one untouched
    with pytest.raises(ConfigError):
        flavor_registry.get(T.ALERTER, "greeter")


def test_registering_something_that_is_not_a_flavor_is_refused():
    with pytest.raises(ConfigError, match="is a object, not a stackwise Flavor"):
        FlavorRegistry().register_from_path(f"{__name__}:NOT_A_FLAVOR")


def test_a_flavor_whose_library_is_missing_says_what_to_install():
    with pytest.raises(ConfigError) as info:
        MISSING_LIBRARY.implementation_class()
    message = str(info.value)
    assert "alerter flavor 'ghost' cannot be used" in message
    assert 'pip install "stackwise[ghost]"' in message


def test_configuration_errors_list_every_bad_key():
    with pytest.raises(ConfigError) as info:
        CUSTOM.validate_config({"greting": "hi", "repeat": "many", "colour": "red"})
    message = str(info.value)
    assert "unknown key 'greting'" in message
    assert "unknown key 'colour'" in message
    assert "key 'repeat'" in message and "'many'" in message
    assert "greeting (str, default 'hello')" in message
    assert "repeat (int, default 1)" in message
