"""Stacks as YAML files: export in the seed's format, import that checks everything before it
writes (every problem at once, registered components reused or never changed), round trips,
copies, and secret references kept verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import stackwise
from stackwise.client import Client
from stackwise.exceptions import ConfigError, EntityExistsError, EntityNotFoundError
from stackwise.stack.active_stack import load_stack
from stackwise.stack.stack_yaml import copy_stack as copy_stack_in
from stackwise.stack.stack_yaml import (
    export_stack,
    import_stack,
    import_stack_data,
    read_stack_file,
    stack_to_dict,
)
from stackwise.store import get_store, reset_store_cache

SEED = Path(__file__).parents[2] / "examples" / "fraud_detection" / "stacks" / "local-mlflow.yaml"
VERSION = stackwise.__version__


@pytest.fixture
def dev(tmp_path: Path) -> str:
    """Stack 'dev': its own local orchestrator and artifact store, two MLflow trackers (one
    with a secret reference) and nothing else."""
    client = Client()
    client.create_stack_component("local_orchestrator", "local", "orchestrator")
    client.create_stack_component(
        "local_store", "local", "artifact_store", {"path": str(tmp_path / "artifacts")}
    )
    client.create_stack_component(
        "tracker_a",
        "mlflow",
        "experiment_tracker",
        {"tracking_uri": "http://mlflow.internal:5000", "tracking_password": "{{mlflow.password}}"},
    )
    client.create_stack_component(
        "tracker_b", "mlflow", "experiment_tracker", {"experiment_name": "b"}
    )
    client.create_stack(
        "dev",
        {
            "orchestrator": "local_orchestrator",
            "artifact_store": "local_store",
            "experiment_tracker": ["tracker_a", "tracker_b"],
        },
    )
    return "dev"


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False) if not isinstance(data, str) else data)
    return path


def minimal(**extra: object) -> dict[str, object]:
    return {
        "stackwise_version": VERSION,
        "components": {
            "orchestrator": {"type": "local", "name": "o"},
            "artifact_store": {"type": "local", "name": "a", "configuration": {"path": "/tmp/a"}},
            **extra,
        },
    }


# -- export ----------------------------------------------------------------------------------
def test_export_writes_the_seed_format(dev: str, tmp_path: Path) -> None:
    text, notes = export_stack(get_store(), dev)
    assert notes == []
    assert f'stackwise_version: "{VERSION}"\n' in text
    assert text.startswith("# Stack 'dev'. Register it elsewhere with: stackwise stack import")
    assert yaml.safe_load(text) == {
        "stackwise_version": VERSION,
        "components": {
            "orchestrator": {"type": "local", "name": "local_orchestrator"},
            "artifact_store": {
                "type": "local",
                "name": "local_store",
                "configuration": {"path": str(tmp_path / "artifacts")},
            },
            "experiment_tracker": [
                {
                    "type": "mlflow",
                    "name": "tracker_a",
                    "configuration": {
                        "tracking_uri": "http://mlflow.internal:5000",
                        "tracking_password": "{{mlflow.password}}",
                    },
                },
                {"type": "mlflow", "name": "tracker_b", "configuration": {"experiment_name": "b"}},
            ],
        },
    }
    assert "{{mlflow.password}}" in text  # the reference, verbatim


def test_one_tracker_is_a_mapping_not_a_list(tmp_path: Path) -> None:
    client = Client()
    client.create_stack_component("t", "mlflow", "experiment_tracker", {"experiment_name": "x"})
    client.create_stack(
        "one", {"orchestrator": "default", "artifact_store": "default", "experiment_tracker": "t"}
    )
    components = stack_to_dict(get_store(), "one")["components"]
    assert components["experiment_tracker"] == {
        "type": "mlflow",
        "name": "t",
        "configuration": {"experiment_name": "x"},
    }
    assert list(components) == ["orchestrator", "artifact_store", "experiment_tracker"]


def test_the_default_stack_exports_from_a_fresh_store(stackwise_home: Path) -> None:
    components = stack_to_dict(get_store(), "default")["components"]
    assert components == {
        "orchestrator": {"type": "local", "name": "default"},
        "artifact_store": {
            "type": "local",
            "name": "default",
            "configuration": {"path": str(stackwise_home / "artifacts")},
        },
    }


def test_export_notes_a_secret_written_in_plain_text() -> None:
    store = get_store()
    tracker = store.create_component(
        name="leaky",
        type="experiment_tracker",
        flavor="mlflow",
        configuration={"tracking_password": "hunter2"},
    )
    Client().create_stack(
        "leaky",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": tracker.name,
        },
    )
    text, notes = export_stack(store, "leaky")
    assert "hunter2" in text  # written as registered: the note says so
    assert notes == [
        "The configuration of experiment tracker 'leaky' holds 'tracking_password' "
        "in plain text and the file now does too; store it as a secret "
        "(`stackwise secret create NAME --tracking_password=...`) and reference it "
        "as {{NAME.tracking_password}} before sharing the file."
    ]


def test_export_of_an_unknown_stack_suggests_the_close_name(dev: str) -> None:
    with pytest.raises(EntityNotFoundError, match="No stack named 'deb'.*Did you mean 'dev'?"):
        export_stack(get_store(), "deb")


# -- round trips -------------------------------------------------------------------------------
def test_round_trip_under_another_name_reuses_every_component(dev: str, tmp_path: Path) -> None:
    store = get_store()
    first, _ = export_stack(store, dev)
    path = write(tmp_path / "dev.yaml", first)

    result = import_stack(store, path, "dev-again")
    assert result.created == []
    assert [e.name for e in result.reused] == [
        "local_orchestrator",
        "local_store",
        "tracker_a",
        "tracker_b",
    ]
    assert result.notes == []
    assert stack_to_dict(store, "dev-again") == stack_to_dict(store, dev)
    assert Client().get_stack("dev-again").component_ids == Client().get_stack(dev).component_ids


def test_round_trip_into_a_fresh_store_creates_the_components(
    dev: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "dev.yaml", export_stack(get_store(), dev)[0])
    before = stack_to_dict(get_store(), dev)

    monkeypatch.setenv("STACKWISE_HOME", str(tmp_path / "other-home"))
    reset_store_cache()
    store = get_store()
    result = import_stack(store, path)
    assert result.stack.name == "dev"  # the file's stem
    assert [e.label for e in result.created] == [
        "orchestrator 'local_orchestrator'",
        "artifact store 'local_store'",
        "experiment tracker 'tracker_a'",
        "experiment tracker 'tracker_b'",
    ]
    assert stack_to_dict(store, "dev") == before
    assert (
        store.get_component("experiment_tracker", "tracker_a").configuration["tracking_password"]
        == "{{mlflow.password}}"
    )


def test_the_seed_file_imports_as_written() -> None:
    result = import_stack(get_store(), SEED)
    assert result.stack.name == "local-mlflow"
    assert {(e.type.value, e.flavor, e.name) for e in result.created} == {
        ("artifact_store", "local", "local_artifact_store"),
        ("orchestrator", "local", "local_orchestrator"),
        ("experiment_tracker", "mlflow", "mlflow_tracker"),
        ("model_deployer", "mlflow", "mlflow_deployer"),
    }
    stack = load_stack(get_store(), "local-mlflow")
    assert stack.experiment_tracker.config.tracking_uri == "http://localhost:5000"
    assert stack.experiment_tracker.config.experiment_name == "fraud-detection"
    assert stack.artifact_store.path == "/tmp/stackwise-artifacts"


# -- versions --------------------------------------------------------------------------------
def test_a_zenml_file_is_read_with_a_note(tmp_path: Path) -> None:
    data = minimal()
    del data["stackwise_version"]
    data = {"zenml_version": "0.55.0", **data}
    result = import_stack(get_store(), write(tmp_path / "z.yaml", data))
    assert result.notes == [
        f"{tmp_path / 'z.yaml'} was written for ZenML 0.55.0 "
        "(zenml_version); reading it as a stackwise stack file (components "
        "by type, each with type, name and configuration)."
    ]


def test_a_file_without_version_is_read_with_a_note() -> None:
    data = minimal()
    del data["stackwise_version"]
    result = import_stack_data(get_store(), data, "nov", source="nov.yaml")
    assert result.notes == [
        f"nov.yaml has no stackwise_version key; reading it as a stackwise {VERSION} stack file."
    ]


def test_a_file_from_a_newer_major_format_is_refused() -> None:
    data = {**minimal(), "stackwise_version": "99.0.0"}
    with pytest.raises(ConfigError) as info:
        import_stack_data(get_store(), data, "new", source="new.yaml")
    assert str(info.value) == (
        f"new.yaml was written by stackwise 99.0.0, whose stack file format is newer than this "
        f"stackwise ({VERSION}) reads. Upgrade stackwise (`pip install -U stackwise`), or "
        f"export the stack again with a stackwise {VERSION.split('.')[0]}.x."
    )
    assert [s.name for s in get_store().list_stacks()] == ["default"]


def test_a_version_that_is_not_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="stackwise_version 'latest' is not a version like"):
        import_stack_data(get_store(), {**minimal(), "stackwise_version": "latest"}, "x")


# -- refusals ----------------------------------------------------------------------------------
def test_every_problem_is_listed_at_once_and_nothing_is_written(tmp_path: Path) -> None:
    data = {
        "stackwise_version": VERSION,
        "stack": "x",
        "components": {
            "orchestrator": [{"type": "sagemaker", "name": "v"}, {"type": "local", "name": "l"}],
            "experiment-trackr": {"type": "mlflow", "name": "t"},
            "experiment_tracker": [
                {"type": "mlflow", "name": "t", "configuration": {"bogus": 1}},
                {"flavor": "mlflow", "name": "u"},
            ],
            "model_deployer": "mlflow",
        },
    }
    path = write(tmp_path / "bad.yaml", data)
    store = get_store()
    Client().list_stack_components()  # makes the default stack's components on first use
    before = store.list_components()

    with pytest.raises(ConfigError) as info:
        import_stack(store, path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"Cannot import stack 'bad' from {path}; nothing was changed (9 problems):"
    problems = [line.split(". ", 1)[1] for line in lines[1:]]
    # which orchestrator flavors exist changes as integrations are added
    available = problems[2].index("Available: ") + len("Available: ")
    assert "local" in problems[2][available:]
    problems[2] = problems[2][:available] + "..."
    assert problems == [
        "Unknown top-level key 'stack'. A stack file has stackwise_version, zenml_version, "
        "components.",
        "components.orchestrator: a stack has at most one orchestrator; the file lists 2. Only "
        "experiment trackers and step operators may be several.",
        "components.orchestrator[0] (orchestrator 'v'): No orchestrator flavor named 'sagemaker'. "
        "Available: ...",
        "components: unknown component type 'experiment-trackr'. Did you mean "
        "'experiment_tracker'? Types: orchestrator, artifact_store, experiment_tracker, "
        "model_deployer, container_registry, step_operator, data_validator, feature_store, "
        "image_builder, alerter, model_registry.",
        "components.experiment_tracker[0] (experiment tracker 't'): Invalid configuration for "
        "experiment_tracker flavor 'mlflow': unknown key 'bogus'. `stackwise experiment-tracker "
        "flavor describe mlflow` lists its keys.",
        "components.experiment_tracker[1]: unknown key 'flavor'. The flavor goes under 'type'. "
        "A component has type (its flavor), name and configuration.",
        "components.experiment_tracker[1]: 'type' (the flavor, e.g. local) is missing.",
        "components.model_deployer: expected a mapping with type (the flavor), name and "
        "configuration, found 'mlflow'.",
        "components: a stack needs an artifact store; add 'artifact_store: {type: local, name: "
        "NAME}'.",
    ]
    assert store.list_components() == before
    assert [s.name for s in store.list_stacks()] == ["default"]


def test_a_component_listed_twice_is_refused() -> None:
    data = minimal(
        experiment_tracker=[{"type": "mlflow", "name": "t"}, {"type": "mlflow", "name": "t"}]
    )
    with pytest.raises(
        ConfigError,
        match=r"\(1 problem\):\n  1\. components.experiment_tracker: "
        r"experiment tracker 't' is listed twice\.",
    ):
        import_stack_data(get_store(), data, "twice")


@pytest.mark.parametrize(
    "data, problem",
    [
        (
            [1, 2],
            "f.yaml is not a stack file: expected a mapping with a 'components:' key, found list.",
        ),
        ({"stackwise_version": VERSION}, "f.yaml has no components: add a 'components:' mapping"),
    ],
)
def test_what_is_not_a_stack_file_says_so(data: object, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        import_stack_data(get_store(), data, "f", source="f.yaml")
    assert problem in str(info.value)


def test_a_file_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.yaml", "components:\n  orchestrator: {type: local\n")
    with pytest.raises(ConfigError, match=rf"{path} is not valid YAML \(line 3, column 1\): "):
        read_stack_file(path)


def test_a_taken_stack_name_is_refused(dev: str, tmp_path: Path) -> None:
    path = write(tmp_path / "dev.yaml", export_stack(get_store(), dev)[0])
    with pytest.raises(ConfigError) as info:
        import_stack(get_store(), path)
    assert str(info.value).endswith(
        f"(1 problem):\n  1. A stack named 'dev' exists already. Import under another name: "
        f"`stackwise stack import {path} NEW_NAME`."
    )


def test_a_registered_component_with_another_configuration_is_never_changed(
    dev: str, tmp_path: Path
) -> None:
    data = minimal(
        experiment_tracker={
            "type": "mlflow",
            "name": "tracker_a",
            "configuration": {
                "tracking_uri": "http://elsewhere:5000",
                "tracking_password": "plain",
                "nested": True,
            },
        }
    )
    store = get_store()
    before = store.get_component("experiment_tracker", "tracker_a")

    with pytest.raises(ConfigError) as info:
        import_stack_data(store, data, "other", source="other.yaml")
    assert str(info.value).endswith(
        "(1 problem):\n  1. Experiment tracker 'tracker_a' is registered already with a "
        "different configuration (nested: False registered, True in other.yaml; "
        "tracking_password: '{{mlflow.password}}' registered, **** in other.yaml; tracking_uri: "
        "'http://mlflow.internal:5000' registered, 'http://elsewhere:5000' in other.yaml); "
        "import never changes a registered component. Rename it in other.yaml, or rename the "
        "registered one: `stackwise experiment-tracker rename tracker_a NEW_NAME`."
    )
    assert store.get_component("experiment_tracker", "tracker_a") == before
    with pytest.raises(EntityNotFoundError):
        store.get_component("orchestrator", "o")  # nothing of the file was written


def test_a_registered_component_of_another_flavor_is_refused(dev: str) -> None:
    data = minimal(
        orchestrator={"type": "local", "name": "o"},
        experiment_tracker={"type": "wandb", "name": "tracker_b"},
    )
    with pytest.raises(
        ConfigError,
        match=r"Experiment tracker 'tracker_b' is registered already "
        r"with flavor 'mlflow' \(f.yaml says 'wandb'\)",
    ):
        import_stack_data(get_store(), data, "w", source="f.yaml")


def test_a_new_name_that_is_a_prefix_of_several_ids_is_a_new_component(tmp_path: Path) -> None:
    """Import matches registered components by name only: a name that happens to begin
    several ids (17 stores: two share a first hex digit) is still a new component."""
    client = Client()
    ids = [
        str(client.create_stack_component(f"s{i}", "local", "artifact_store", {}).id)
        for i in range(17)
    ]
    first = max(set(i[0] for i in ids), key=[i[0] for i in ids].count)
    data = minimal(artifact_store={"type": "local", "name": first, "configuration": {}})
    result = import_stack_data(get_store(), data, "prefixed", source="f.yaml")
    assert f"artifact store '{first}'" in [e.label for e in result.created]
    assert load_stack(get_store(), "prefixed").artifact_store.name == first


def test_an_identical_component_is_reused_even_written_differently(dev: str) -> None:
    """Defaults spelled out compare equal to defaults left out."""
    data = minimal(
        experiment_tracker={
            "type": "mlflow",
            "name": "tracker_b",
            "configuration": {"experiment_name": "b", "nested": False, "tracking_uri": None},
        }
    )
    result = import_stack_data(get_store(), data, "same")
    assert [e.label for e in result.reused] == ["experiment tracker 'tracker_b'"]
    assert load_stack(get_store(), "same").experiment_tracker.id == str(
        Client().get_stack_component("experiment_tracker", "tracker_b").id
    )


# -- copy ------------------------------------------------------------------------------------
def test_copy_shares_the_components(dev: str) -> None:
    store = get_store()
    record = copy_stack_in(store, dev, "dev-copy")
    assert record.name == "dev-copy"
    assert record.components == store.get_stack(dev).components


def test_copy_refuses_a_taken_name_and_an_unknown_source(dev: str) -> None:
    with pytest.raises(
        EntityExistsError,
        match="A stack named 'default' exists already; choose another name for the copy of 'dev'.",
    ):
        copy_stack_in(get_store(), dev, "default")
    with pytest.raises(EntityNotFoundError, match="No stack named 'deb'.*Did you mean 'dev'?"):
        copy_stack_in(get_store(), "deb", "x")


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.yaml", "")
    with pytest.raises(ConfigError, match=r"empty.yaml is empty: a stack file is a mapping"):
        import_stack(get_store(), path)
