"""Stacks and components through `Client`: registering components (configuration validated
against the flavor), composing stacks, activating one for this and later processes, the
active-stack precedence (env var > project > global > default), and the guards around deleting
stacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stackwise.client import Client
from stackwise.config.global_config import GlobalConfig
from stackwise.enums import StackComponentType
from stackwise.exceptions import (
    ComponentNotFoundError,
    ConfigError,
    EntityExistsError,
    EntityInUseError,
    StackValidationError,
)
from stackwise.store import get_store


@pytest.fixture
def other_store(tmp_path: Path) -> str:
    """An artifact store component `other_store` in its own folder."""
    Client().create_stack_component(
        "other_store", "local", "artifact_store", {"path": str(tmp_path / "other-artifacts")}
    )
    return "other_store"


@pytest.fixture
def other_stack(other_store: str) -> str:
    Client().create_stack(
        "other", components={"orchestrator": "default", "artifact_store": other_store}
    )
    return "other"


def _active_stack_in_subprocess(cwd: Path | None = None) -> str:
    """The active stack's name as a fresh process (same STACKWISE_HOME) sees it."""
    code = "from stackwise.client import Client; print(Client().active_stack.name)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=cwd,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# -- components -------------------------------------------------------------------------------
def test_create_stack_component_stores_the_validated_configuration(tmp_path: Path):
    folder = tmp_path / "artifacts"
    record = Client().create_stack_component(
        "mine", "local", StackComponentType.ARTIFACT_STORE, {"path": str(folder)}
    )
    assert record.type == "artifact_store"
    assert record.flavor_name == "local" and record.flavor.name == "local"
    assert record.configuration == {"path": str(folder)}
    fetched = Client().get_stack_component("artifact_store", "mine")
    assert fetched.id == record.id
    assert "mine" in [c.name for c in Client().list_stack_components(type="artifact_store")]


def test_component_type_accepts_the_cli_spelling(tmp_path: Path):
    record = Client().create_stack_component(
        "mine", "local", "artifact-store", {"path": str(tmp_path)}
    )
    assert record.type == "artifact_store"


def test_unknown_configuration_key_names_the_key_and_lists_fields(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        Client().create_stack_component("bad", "local", "artifact_store", {"paht": str(tmp_path)})
    message = str(info.value)
    assert "unknown key 'paht'" in message
    assert "Fields of this flavor" in message
    assert "path (str" in message
    assert get_store().list_components("artifact_store") == []


def test_wrong_configuration_type_names_the_key(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        Client().create_stack_component("bad", "local", "artifact_store", {"path": 42})
    message = str(info.value)
    assert "key 'path'" in message
    assert "got 42" in message
    assert "Fields of this flavor" in message


def test_component_with_a_uri_for_a_local_store_is_refused():
    with pytest.raises(ConfigError, match="key 'path'.*not a URI"):
        Client().create_stack_component("bad", "local", "artifact_store", {"path": "s3://bucket/x"})


def test_duplicate_component_name_is_refused(other_store: str, tmp_path: Path):
    with pytest.raises(EntityExistsError, match="'other_store' already exists"):
        Client().create_stack_component(
            other_store, "local", "artifact_store", {"path": str(tmp_path)}
        )


def test_unknown_component_type_is_a_config_error():
    with pytest.raises(ConfigError, match="'warehouse' is not a stack component type"):
        Client().create_stack_component("x", "local", "warehouse", {})


# -- stacks -----------------------------------------------------------------------------------
def test_create_stack_from_component_names(other_store: str):
    record = Client().create_stack(
        "other",
        components={StackComponentType.ORCHESTRATOR: "default", "artifact_store": other_store},
    )
    assert record.name == "other"
    stack = Client().get_stack("other")
    assert stack.components[StackComponentType.ARTIFACT_STORE][0].name == other_store
    assert stack.components[StackComponentType.ORCHESTRATOR][0].name == "default"
    assert "other" in [s.name for s in Client().list_stacks()]


def test_create_stack_needs_orchestrator_and_artifact_store(other_store: str):
    with pytest.raises(StackValidationError, match="needs an orchestrator"):
        Client().create_stack("half", components={"artifact_store": other_store})
    with pytest.raises(StackValidationError, match="needs an artifact_store"):
        Client().create_stack("half", components={"orchestrator": "default"})
    assert "half" not in [s.name for s in Client().list_stacks()]


def test_create_stack_with_unknown_component_is_a_key_error(other_store: str):
    with pytest.raises(KeyError) as info:
        Client().create_stack(
            "broken", components={"orchestrator": "default", "artifact_store": "other_stor"}
        )
    assert isinstance(info.value, ComponentNotFoundError)
    assert "Did you mean 'other_store'?" in str(info.value)
    assert "broken" not in [s.name for s in Client().list_stacks()]


def test_a_stack_holds_at_most_one_artifact_store(other_store: str):
    with pytest.raises(StackValidationError, match="at most one artifact_store"):
        Client().create_stack(
            "two",
            components={"orchestrator": "default", "artifact_store": [other_store, "default"]},
        )


def test_unknown_stack_is_a_key_error(other_stack: str):
    with pytest.raises(KeyError, match="No stack named 'nope'"):
        Client().get_stack("nope")
    with pytest.raises(KeyError, match="Did you mean 'other'"):
        Client().activate_stack("othr")
    assert GlobalConfig().active_stack().name == "default"


def test_unknown_stack_on_a_fresh_store_suggests_the_default_stack():
    """The default stack exists from first use on, so the very first lookup offers it too."""
    with pytest.raises(KeyError) as info:
        Client().activate_stack("defualt")
    assert "Did you mean 'default'?" in str(info.value)
    assert GlobalConfig().active_stack().name == "default"


# -- the default and the active stack ---------------------------------------------------------
def test_default_stack_is_created_on_first_use():
    assert get_store().list_stacks() == []
    stack = Client().active_stack
    assert stack.name == "default"
    assert stack.orchestrator.flavor == "local"
    assert stack.artifact_store.flavor == "local"
    assert [s.name for s in get_store().list_stacks()] == ["default"]


def test_active_stack_components_present_and_absent():
    stack = Client().active_stack
    assert stack.orchestrator is not None
    assert stack.artifact_store is not None
    assert stack.model_deployer is None
    assert stack.experiment_tracker is None
    assert stack.experiment_trackers == []


def test_active_stack_with_an_experiment_tracker(other_store: str, tmp_path: Path):
    Client().create_stack_component(
        "tracker",
        "mlflow",
        "experiment_tracker",
        {"tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}"},
    )
    Client().create_stack(
        "tracked",
        components={
            "orchestrator": "default",
            "artifact_store": other_store,
            "experiment_tracker": "tracker",
        },
    )
    stack = Client().activate_stack("tracked")
    assert stack.experiment_tracker.name == "tracker"
    assert Client().active_stack.experiment_tracker.flavor == "mlflow"
    assert Client().active_stack.model_deployer is None


def test_activate_stack_persists_across_processes(other_stack: str):
    assert _active_stack_in_subprocess() == "default"
    Client().activate_stack(other_stack)
    assert Client().active_stack.name == other_stack
    assert _active_stack_in_subprocess() == other_stack


def test_activate_stack_updates_a_client_that_already_read_the_active_stack(other_stack: str):
    client = Client()
    assert client.active_stack.name == "default"
    client.activate_stack(other_stack)
    assert client.active_stack.name == other_stack
    assert client.active_stack_name == other_stack


def test_active_stack_precedence(other_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("global_stack", "project_stack", "env_stack"):
        Client().create_stack(
            name, components={"orchestrator": "default", "artifact_store": other_store}
        )
    choice = GlobalConfig().active_stack()
    assert (choice.name, choice.source) == ("default", "built-in default")

    Client().activate_stack("global_stack")
    choice = GlobalConfig().active_stack()
    assert choice.name == "global_stack"
    assert choice.source.startswith("global config")

    project = Path.cwd()
    GlobalConfig().init_project(project)
    # an initialised project without a choice of its own still follows the global config
    assert GlobalConfig().active_stack().name == "global_stack"
    Client().activate_stack("project_stack")  # inside a project: written to the project
    choice = GlobalConfig().active_stack()
    assert choice.name == "project_stack"
    assert choice.source.startswith("project config")
    global_file = yaml.safe_load(GlobalConfig().config_path.read_text())
    assert global_file["active_stack"] == "global_stack"
    assert Client().active_stack.name == "project_stack"
    # outside the project folder, the global choice applies again
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _active_stack_in_subprocess(cwd=elsewhere) == "global_stack"
    assert _active_stack_in_subprocess(cwd=project) == "project_stack"

    monkeypatch.setenv("STACKWISE_STACK", "env_stack")
    choice = GlobalConfig().active_stack()
    assert (choice.name, choice.source) == ("env_stack", "environment variable STACKWISE_STACK")
    assert Client().active_stack.name == "env_stack"


def test_active_stack_from_env_var_naming_an_unknown_stack(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STACKWISE_STACK", "ghost")
    with pytest.raises(KeyError) as info:
        Client().active_stack  # noqa: B018
    assert "No stack named 'ghost'" in str(info.value)
    assert "environment variable STACKWISE_STACK" in str(info.value)


# -- deleting ---------------------------------------------------------------------------------
def test_deleting_the_default_stack_is_refused():
    with pytest.raises(StackValidationError, match="default stack cannot be deleted"):
        Client().delete_stack("default")
    assert Client().get_stack("default").name == "default"


def test_deleting_the_active_stack_is_refused(other_stack: str):
    Client().activate_stack(other_stack)
    with pytest.raises(EntityInUseError, match="is the active stack"):
        Client().delete_stack(other_stack)
    assert Client().get_stack(other_stack).name == other_stack


def test_deleting_an_inactive_stack(other_stack: str):
    Client().delete_stack(other_stack)
    with pytest.raises(KeyError):
        Client().get_stack(other_stack)
    # its components stay registered
    assert Client().get_stack_component("artifact_store", "other_store").name == "other_store"


def test_a_component_used_by_a_stack_cannot_be_deleted(other_stack: str):
    with pytest.raises(Exception, match="used by stack"):
        Client().delete_stack_component("other_store", "artifact_store")
    Client().delete_stack(other_stack)
    Client().delete_stack_component("other_store", "artifact_store")
    assert "other_store" not in [c.name for c in Client().list_stack_components()]
