"""`stackwise stack ...`: register, set, get, list, describe, update, rename, delete,
remove-component, and each refusal with its reason."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from stackwise.cli.stack import COMPONENT_FLAGS
from stackwise.client import Client
from stackwise.config.global_config import GlobalConfig
from stackwise.enums import StackComponentType


def names(stack, type_: str) -> list[str]:
    """The names of a StackResponse's components of one type."""
    return [c.name for c in stack.components.get(StackComponentType(type_), [])]


@pytest.fixture
def trackers(ok) -> None:
    for name in ("tracker_a", "tracker_b"):
        ok(
            "experiment-tracker",
            "register",
            name,
            "--flavor=mlflow",
            f"--tracking_uri=http://{name}:5000",
            "--tracking_token=tok-123",
        )


def test_every_component_type_has_an_option_letter() -> None:
    from stackwise.stack.flavor_registry import UNSUPPORTED_COMPONENT_TYPES

    assert set(COMPONENT_FLAGS) == set(StackComponentType) - set(UNSUPPORTED_COMPONENT_TYPES)
    assert len(set(COMPONENT_FLAGS.values())) == len(COMPONENT_FLAGS)


def test_register_set_get_list_describe(ok, trackers: None) -> None:
    out = ok("stack", "register", "dev", "-o", "default", "-a", "default", "-e", "tracker_a").stdout
    assert "Registered stack 'dev'." in out and "stackwise stack set dev" in out
    assert "from the built-in default" in ok("stack", "get").stdout

    out = ok("stack", "set", "dev").stdout
    assert "Active stack set to 'dev'" in out and "global config" in out
    got = ok("stack", "get").stdout
    assert f"Active stack: 'dev' (from the global config {GlobalConfig().config_path})" in got

    rows = {
        line.split("│")[2].strip(): line
        for line in ok("stack", "list").stdout.splitlines()
        if line.count("│") > 3
    }
    assert set(rows) == {"default", "dev"}
    assert "●" in rows["dev"] and "●" not in rows["default"]
    assert "tracker_a" in rows["dev"]

    described = ok("stack", "describe").stdout
    assert "Stack 'dev' (active)" in described
    for text in (
        "orchestrator",
        "artifact store",
        "experiment tracker",
        "tracker_a",
        "tracking_uri=http://tracker_a:5000",
        "tracking_token=****",
    ):
        assert text in described
    assert "tok-123" not in described
    other = ok("stack", "describe", "default").stdout
    assert "Stack 'default'\n" in other and "tracker_a" not in other


def test_register_with_set_and_repeated_trackers(ok, trackers: None) -> None:
    out = ok(
        "stack",
        "register",
        "multi",
        "-o",
        "default",
        "-a",
        "default",
        "-e",
        "tracker_a",
        "--experiment-tracker",
        "tracker_b",
        "--set",
    ).stdout
    assert "Active stack set to 'multi'" in out
    stack = Client().get_stack("multi")
    assert names(stack, "experiment_tracker") == ["tracker_a", "tracker_b"]
    assert GlobalConfig().active_stack().name == "multi"


def test_register_with_multi_letter_option(ok, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-dv` is ZenML's data-validator letter pair; click must not read it as -d -v."""
    from stackwise.stack.flavor import Flavor
    from stackwise.stack.flavor_registry import flavor_registry

    monkeypatch.setattr(flavor_registry, "_flavors", dict(flavor_registry._flavors))
    flavor_registry.register(
        Flavor(StackComponentType.DATA_VALIDATOR, "dummy", "tests_only:NotImported")
    )
    ok("data-validator", "register", "checks", "--flavor=dummy")
    ok("stack", "register", "s", "-o", "default", "-a", "default", "-dv", "checks")
    assert names(Client().get_stack("s"), "data_validator") == ["checks"]
    assert "data validator" in ok("stack", "describe", "s").stdout
    help_text = ok("stack", "register", "--help").stdout
    assert "-dv, --data-validator, --data_validator NAME" in help_text


def test_register_refusals(ok, invoke, trackers: None) -> None:
    missing = invoke("stack", "register", "s", "-o", "default")
    assert missing.exit_code == 1
    assert "needs an artifact_store" in missing.stderr

    unknown = invoke("stack", "register", "s", "-o", "default", "-a", "default", "-e", "tracker_c")
    assert unknown.exit_code == 1
    assert "No experiment tracker named 'tracker_c'" in unknown.stderr

    ok("stack", "register", "s", "-o", "default", "-a", "default")
    duplicate = invoke("stack", "register", "s", "-o", "default", "-a", "default")
    assert duplicate.exit_code == 1
    assert "A stack named 's' already exists" in duplicate.stderr
    assert "Traceback" not in duplicate.output


def test_set_unknown_stack_fails_with_did_you_mean(ok, invoke) -> None:
    ok("stack", "register", "production", "-o", "default", "-a", "default")
    result = invoke("stack", "set", "prodution")
    assert result.exit_code == 1
    assert "No stack named 'prodution'" in result.stderr
    assert "Did you mean 'production'?" in result.stderr
    assert GlobalConfig().active_stack().name == "default"


def test_set_persists_across_processes(stackwise_process, stackwise_script: Path) -> None:
    made = stackwise_process("stack", "register", "persisted", "-o", "default", "-a", "default")
    assert made.returncode == 0, made.stderr
    assert stackwise_process("stack", "set", "persisted").returncode == 0
    got = subprocess.run(
        [str(stackwise_script), "stack", "get"], capture_output=True, text=True, timeout=60
    )
    assert got.returncode == 0, got.stderr
    assert "Active stack: 'persisted' (from the global config" in got.stdout
    assert Client().active_stack_name == "persisted"


def test_env_var_wins_and_set_says_so(ok) -> None:
    ok("stack", "register", "a", "-o", "default", "-a", "default")
    env = {"STACKWISE_STACK": "default"}
    result = ok("stack", "set", "a", env=env)
    assert "environment variable STACKWISE_STACK names 'default'" in result.stderr
    assert "from the environment variable STACKWISE_STACK" in ok("stack", "get", env=env).stdout


def test_update_replaces_only_given_types(ok, invoke, trackers: None) -> None:
    ok("stack", "register", "s", "-o", "default", "-a", "default", "-e", "tracker_a")
    ok("orchestrator", "register", "orch2", "--flavor=local")
    out = ok("stack", "update", "s", "-e", "tracker_b", "-o", "orch2").stdout
    assert "Updated stack 's'" in out
    stack = Client().get_stack("s")
    assert names(stack, "experiment_tracker") == ["tracker_b"]
    assert names(stack, "orchestrator") == ["orch2"]
    assert names(stack, "artifact_store") == ["default"]
    nothing = invoke("stack", "update", "s")
    assert nothing.exit_code == 2 and "Nothing to update" in nothing.stderr


def test_remove_component(ok, invoke, trackers: None) -> None:
    ok(
        "stack",
        "register",
        "s",
        "-o",
        "default",
        "-a",
        "default",
        "-e",
        "tracker_a",
        "-e",
        "tracker_b",
    )
    result = ok("stack", "remove-component", "s", "-e", "-d")
    assert "Removed from stack 's': experiment tracker tracker_a, tracker_b." in result.stdout
    assert "Stack 's' has no model deployer" in result.stderr
    assert names(Client().get_stack("s"), "experiment_tracker") == []
    none = invoke("stack", "remove-component", "s")
    assert none.exit_code == 2 and "Say which component types" in none.stderr
    no_orchestrator_flag = invoke("stack", "remove-component", "s", "-o")
    assert no_orchestrator_flag.exit_code == 2


def test_rename_follows_the_active_choice(ok, invoke) -> None:
    ok("stack", "register", "old", "-o", "default", "-a", "default", "--set")
    out = ok("stack", "rename", "old", "new").stdout
    assert "Renamed stack 'old' to 'new'." in out
    assert "now names 'new'" in out
    assert GlobalConfig().active_stack().name == "new"
    assert "Stack 'new' (active)" in ok("stack", "describe").stdout
    taken = invoke("stack", "rename", "new", "default")
    assert taken.exit_code == 1 and "already exists" in taken.stderr
    default = invoke("stack", "rename", "default", "mine")
    assert default.exit_code == 1 and "default stack cannot be renamed" in default.stderr


def test_delete_and_its_refusals(ok, invoke) -> None:
    ok("stack", "register", "keep", "-o", "default", "-a", "default", "--set")
    ok("stack", "register", "gone", "-o", "default", "-a", "default")

    active = invoke("stack", "delete", "keep", "-y")
    assert active.exit_code == 1
    assert "Stack 'keep' is the active stack" in active.stderr
    assert "stackwise stack set default" in active.stderr

    default = invoke("stack", "delete", "default", "-y")
    assert default.exit_code == 1
    assert "The default stack cannot be deleted: " in default.stderr

    unknown = invoke("stack", "delete", "gonne", "-y")
    assert unknown.exit_code == 1 and "Did you mean 'gone'?" in unknown.stderr

    declined = invoke("stack", "delete", "gone", input="n\n")
    assert declined.exit_code == 1 and "Delete stack 'gone'?" in declined.stdout
    assert "gone" in [s.name for s in Client().list_stacks()]

    assert "Deleted stack 'gone'." in ok("stack", "delete", "gone", input="y\n").stdout
    assert "gone" not in [s.name for s in Client().list_stacks()]
    # its components stay registered
    assert "default" in ok("orchestrator", "list").stdout
    for error in (active, default, unknown):
        assert "Traceback" not in error.output


def test_list_warns_when_the_active_stack_is_missing(ok) -> None:
    result = ok("stack", "list", env={"STACKWISE_STACK": "ghost"})
    assert "The active stack 'ghost' does not exist" in result.stderr


def test_describe_of_a_missing_active_stack_says_where_it_came_from(invoke) -> None:
    result = invoke("stack", "describe", env={"STACKWISE_STACK": "ghost"})
    assert result.exit_code == 1
    assert "environment variable STACKWISE_STACK" in result.stderr
