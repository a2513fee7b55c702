"""`{{name.key}}` in a component configuration: stored verbatim, resolved only when the
component is built for use; an unresolvable reference names the component, the key and the
fix. A secret field given in plain text warns at registration."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from tests.fixtures.peers import require_module

from stackwise.client import Client
from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError
from stackwise.secrets import SecretReference, find_references, resolve_references
from stackwise.stack import build_component
from stackwise.stack.active_stack import load_stack

PASSWORD = "hunter2-Wq8zT"


@pytest.fixture
def tracked_stack(client: Client, tmp_path: Path) -> str:
    """A stack whose MLflow tracker takes its password and user from the `mlflow` secret."""
    client.create_secret("mlflow", {"password": PASSWORD, "user": "alice"})
    client.create_stack_component(
        "tracker",
        "mlflow",
        "experiment_tracker",
        {
            "tracking_uri": "https://{{mlflow.user}}@mlflow.example.com",
            "tracking_password": "{{mlflow.password}}",
        },
    )
    client.create_stack(
        "tracked",
        {"orchestrator": "default", "artifact_store": "default", "experiment_tracker": "tracker"},
    )
    return "tracked"


def test_references_are_found_whole_embedded_and_nested():
    configuration = {
        "a": "{{s.k}}",
        "b": "x-{{ s.k2 }}-{{t.k}}",
        "c": 3,
        "d": {"inner": ["{{u.k}}", "plain"]},
        "e": "{{no_key}}",
    }
    assert list(find_references(configuration)) == [
        ("a", SecretReference("s", "k")),
        ("b", SecretReference("s", "k2")),
        ("b", SecretReference("t", "k")),
        ("d.inner[0]", SecretReference("u", "k")),
    ]


def test_resolution_replaces_every_reference_and_leaves_the_rest():
    secrets = {"s": {"k": "V1", "k2": "V2"}, "t": {"k": "{{s.k}}"}}
    resolved = resolve_references(
        {"a": "{{s.k}}", "b": "x-{{ s.k2 }}-{{t.k}}", "c": 3, "d": {"inner": ["{{s.k}}"]}},
        secrets.__getitem__,
        component="test component",
    )
    # a value that itself looks like a reference is inserted as text, not resolved again
    assert resolved == {"a": "V1", "b": "x-V2-{{s.k}}", "c": 3, "d": {"inner": ["V1"]}}


def test_the_record_keeps_the_reference_and_the_built_component_holds_the_value(
    client: Client, tracked_stack: str
):
    require_module("mlflow", 'pip install -e ".[dev]"')
    record = client.get_stack_component("experiment_tracker", "tracker")
    assert record.configuration == {
        "tracking_uri": "https://{{mlflow.user}}@mlflow.example.com",
        "tracking_password": "{{mlflow.password}}",
    }

    tracker = load_stack(client.store, tracked_stack).experiment_tracker

    assert tracker.config.tracking_password == PASSWORD
    assert tracker.config.tracking_uri == "https://alice@mlflow.example.com"
    assert (
        client.get_stack_component("experiment_tracker", "tracker").configuration
        == record.configuration
    )


def test_a_secret_changed_after_registration_is_used_at_the_next_build(
    client: Client, tracked_stack: str
):
    require_module("mlflow", 'pip install -e ".[dev]"')
    client.update_secret("mlflow", add_or_update_values={"password": "rotated"})
    record = client.store.get_component("experiment_tracker", "tracker")
    assert build_component(record).config.tracking_password == "rotated"


def test_an_unknown_secret_names_the_component_key_reference_and_command(client: Client):
    client.create_secret("mlflow_prod", {"password": PASSWORD})
    client.create_stack_component(
        "tracker",
        "mlflow",
        "experiment_tracker",
        {"tracking_password": "{{mlflow.password}}", "tracking_token": "{{mlflow.token}}"},
    )
    record = client.store.get_component("experiment_tracker", "tracker")

    with pytest.raises(ConfigError) as info:
        build_component(record)

    message = str(info.value)
    assert message.startswith(
        "Cannot use experiment tracker 'tracker': its configuration "
        "references secrets that cannot be resolved (2 problems)"
    )
    assert (
        "key 'tracking_password' = {{mlflow.password}}: No secret named 'mlflow'. Did you "
        "mean 'mlflow_prod'?" in message
    )
    assert "`stackwise secret create mlflow --password=VALUE`" in message
    assert "key 'tracking_token' = {{mlflow.token}}" in message
    assert PASSWORD not in message


def test_an_unknown_key_lists_the_secrets_keys(client: Client):
    client.create_secret("mlflow", {"password": PASSWORD, "user": "alice"})
    client.create_stack_component(
        "tracker", "mlflow", "experiment_tracker", {"tracking_password": "{{mlflow.pasword}}"}
    )
    record = client.store.get_component("experiment_tracker", "tracker")

    with pytest.raises(ConfigError) as info:
        build_component(record)

    message = str(info.value)
    assert (
        "key 'tracking_password' = {{mlflow.pasword}}: secret 'mlflow' has no key "
        "'pasword'. Did you mean 'password'? Its keys: password, user." in message
    )
    assert "stackwise secret update mlflow --pasword=VALUE" in message
    assert PASSWORD not in message


def test_a_resolved_value_the_flavor_rejects_is_masked_in_the_error(client: Client):
    client.create_secret("paths", {"sub": "x://leaky-value"})
    client.create_stack_component(
        "store", "local", "artifact_store", {"path": "/data/{{paths.sub}}"}
    )
    assert client.get_stack_component("artifact_store", "store").configuration == {
        "path": "/data/{{paths.sub}}"
    }
    record = client.store.get_component("artifact_store", "store")

    with pytest.raises(ConfigError) as info:
        build_component(record)

    message = str(info.value)
    assert message.startswith("Cannot use artifact store 'store' with its secrets resolved")
    assert "leaky-value" not in message and "/data/****" in message


def test_a_stack_without_references_reads_no_secret(client: Client, monkeypatch):
    from stackwise.secrets.secret_store import SecretStore

    def refuse(*_args: object) -> None:
        raise AssertionError("no reference: the secrets must not be read")

    monkeypatch.setattr(SecretStore, "get", refuse)
    stack = load_stack(client.store, "default")
    assert stack.orchestrator is not None and stack.artifact_store is not None


def test_plain_text_in_a_secret_field_warns_at_registration(client: Client):
    with pytest.warns(UserWarning) as caught:
        client.create_stack_component(
            "tracker", "mlflow", "experiment_tracker", {"tracking_password": PASSWORD}
        )
    [warning] = caught
    message = str(warning.message)
    assert (
        "experiment tracker 'tracker': key 'tracking_password' is a secret given in "
        "plain text" in message
    )
    assert "stackwise secret create NAME --tracking_password=..." in message
    assert "--tracking_password={{NAME.tracking_password}}" in message
    assert PASSWORD not in message
    assert warning.filename == __file__, "the warning points at the caller"

    with pytest.warns(UserWarning, match="key 'tracking_token' is a secret given in plain"):
        client.update_stack_component(
            "tracker",
            StackComponentType.EXPERIMENT_TRACKER,
            configuration={"tracking_token": "tok"},
        )


def test_references_and_ordinary_fields_do_not_warn(client: Client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.create_stack_component(
            "tracker",
            "mlflow",
            "experiment_tracker",
            {
                "tracking_password": "{{mlflow.password}}",
                "tracking_username": "pre-{{mlflow.user}}",
                "experiment_name": "not a secret",
            },
        )
        client.update_stack_component(
            "tracker", "experiment_tracker", configuration={"tracking_token": "{{ mlflow.token }}"}
        )


def test_a_broken_reference_warns_that_it_is_used_as_typed(client: Client):
    with pytest.warns(
        UserWarning, match="key 'experiment_name' contains '{{' but no secret reference"
    ):
        client.create_stack_component(
            "tracker", "mlflow", "experiment_tracker", {"experiment_name": "{{mlflow}}"}
        )
