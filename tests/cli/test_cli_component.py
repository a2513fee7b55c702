"""`stackwise <component-type> ...`: register with ZenML-style --key=value options, list,
describe, update, rename, delete, and the flavors' field docs."""

from __future__ import annotations

import click
import pytest

from stackwise.cli.component import parse_config_args, parse_value
from stackwise.client import Client
from stackwise.enums import StackComponentType

MLFLOW_FIELDS = ("tracking_uri (", "experiment_name (", "nested (bool")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("5000", 5000),
        ("0.5", 0.5),
        ("true", True),
        ("False", False),
        ("null", None),
        ("[a, b]", ["a", "b"]),
        ("http://host:5000", "http://host:5000"),
        ("yes", "yes"),
        ("no", "no"),
        ("2024-01-01", "2024-01-01"),
        ("", ""),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_values_are_yaml_scalars_but_never_surprising(raw: str, value: object) -> None:
    assert parse_value(raw) == value
    assert type(parse_value(raw)) is type(value)


def test_config_args_take_both_spellings_and_normalise_dashes() -> None:
    assert parse_config_args(["--port=5000", "--tracking-uri", "http://x", "--a=b=c"]) == {
        "port": 5000,
        "tracking_uri": "http://x",
        "a": "b=c",
    }


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["stray"], "Unexpected argument 'stray'"),
        (["--port"], "--port needs a value"),
        (["--port", "--other=1"], "--port needs a value"),
        (["--a=1", "--a=2"], "--a is given twice"),
        (["--=1"], "has no key name"),
    ],
)
def test_config_args_refuse_what_they_cannot_read(args: list[str], problem: str) -> None:
    with pytest.raises(click.UsageError, match=problem):
        parse_config_args(args)


def test_register_with_key_value_options_then_list_and_describe(ok) -> None:
    out = ok(
        "experiment-tracker",
        "register",
        "tracker",
        "--flavor=mlflow",
        "--tracking_uri=http://localhost:5000",
        "--nested=true",
        "--experiment_name",
        "exp",
    ).stdout
    assert "Registered experiment tracker 'tracker' (flavor mlflow)." in out
    assert "stackwise stack update STACK -e tracker" in out

    record = Client().get_stack_component("experiment_tracker", "tracker")
    assert record.configuration == {
        "tracking_uri": "http://localhost:5000",
        "nested": True,
        "experiment_name": "exp",
    }

    listing = ok("experiment-tracker", "list").stdout
    assert "tracker" in listing and "mlflow" in listing
    assert "tracking_uri=http://localhost:5000" in listing

    described = ok("experiment-tracker", "describe", "tracker").stdout
    for text in (
        "Experiment tracker 'tracker'",
        "flavor",
        "mlflow",
        "nested=True",
        "experiment_name=exp",
        str(record.id),
    ):
        assert text in described


def test_int_option_is_stored_as_int(ok) -> None:
    ok("artifact-store", "register", "store", "--flavor", "local", "--path=/tmp/a")
    ok("artifact-store", "update", "store", "--path", "/tmp/b")
    assert Client().get_stack_component("artifact_store", "store").configuration == {
        "path": "/tmp/b"
    }


def test_secrets_are_masked_in_list_and_describe(ok) -> None:
    ok(
        "experiment-tracker",
        "register",
        "t",
        "-f",
        "mlflow",
        "--tracking_uri=http://h:1",
        "--tracking_token=s3cr3t-token",
        "--tracking_password=hunter2",
    )
    for out in (
        ok("experiment-tracker", "list").stdout,
        ok("experiment-tracker", "describe", "t").stdout,
    ):
        assert "s3cr3t-token" not in out and "hunter2" not in out
        assert "tracking_token=****" in out and "tracking_password=****" in out


@pytest.mark.parametrize("bad", ["--bogus=1", "--nested=maybe"])
def test_bad_key_or_type_exits_1_with_the_field_doc(invoke, bad: str) -> None:
    result = invoke("experiment-tracker", "register", "t", "--flavor=mlflow", bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: Invalid configuration for experiment_tracker flavor 'mlflow'"
    )
    assert ("unknown key 'bogus'" if bad == "--bogus=1" else "key 'nested'") in result.stderr
    for field in MLFLOW_FIELDS:
        assert field in result.stderr
    assert "Traceback" not in result.output
    assert Client().list_stack_components(type="experiment_tracker").total == 0


def test_unknown_flavor_names_the_available_ones(invoke) -> None:
    result = invoke("experiment-tracker", "register", "t", "--flavor=mlflw")
    assert result.exit_code == 1
    assert "Did you mean 'mlflow'?" in result.stderr


def test_register_needs_a_flavor(invoke) -> None:
    result = invoke("orchestrator", "register", "o")
    assert result.exit_code == 2
    assert "--flavor" in result.stderr


def test_duplicate_component_name_is_refused(ok, invoke) -> None:
    ok("orchestrator", "register", "o", "--flavor=local")
    result = invoke("orchestrator", "register", "o", "--flavor=local")
    assert result.exit_code == 1
    assert "named 'o' already exists" in result.stderr


def test_update_merges_and_validates(ok, invoke) -> None:
    ok("experiment-tracker", "register", "t", "-f", "mlflow", "--tracking_uri=http://a:1")
    assert (
        "Updated experiment tracker 't': nested."
        in ok("experiment-tracker", "update", "t", "--nested=true").stdout
    )
    assert Client().get_stack_component("experiment_tracker", "t").configuration == {
        "tracking_uri": "http://a:1",
        "nested": True,
    }
    bad = invoke("experiment-tracker", "update", "t", "--nope=1")
    assert bad.exit_code == 1 and "unknown key 'nope'" in bad.stderr
    nothing = invoke("experiment-tracker", "update", "t")
    assert nothing.exit_code == 2 and "Nothing to update" in nothing.stderr


def test_rename_and_delete(ok, invoke) -> None:
    ok("orchestrator", "register", "o1", "--flavor=local")
    ok("orchestrator", "rename", "o1", "o2")
    assert "o2" in ok("orchestrator", "list").stdout
    missing = invoke("orchestrator", "describe", "o1")
    assert missing.exit_code == 1
    assert "No orchestrator named 'o1'" in missing.stderr and "'o2'" in missing.stderr
    assert "Deleted orchestrator 'o2'." in ok("orchestrator", "delete", "o2").stdout
    assert "o2" not in ok("orchestrator", "list").stdout


def test_deleting_a_component_a_stack_uses_is_refused(ok, invoke) -> None:
    ok("experiment-tracker", "register", "t", "-f", "mlflow")
    ok("stack", "register", "s", "-o", "default", "-a", "default", "-e", "t")
    result = invoke("experiment-tracker", "delete", "t")
    assert result.exit_code == 1
    assert "used by stack(s) s" in result.stderr
    assert "Traceback" not in result.output
    ok("stack", "remove-component", "s", "-e")
    ok("experiment-tracker", "delete", "t")


def test_default_components_are_listed_on_a_fresh_store(ok) -> None:
    out = ok("orchestrator", "list").stdout
    assert "default" in out and "local" in out


def test_empty_listing_says_how_to_register(ok) -> None:
    assert "stackwise alerter register NAME --flavor FLAVOR" in ok("alerter", "list").stdout


def test_flavor_list_and_describe(ok, invoke) -> None:
    listing = ok("experiment-tracker", "flavor", "list").stdout
    assert "mlflow" in listing
    doc = ok("experiment-tracker", "flavor", "describe", "mlflow").stdout
    for field in MLFLOW_FIELDS:
        assert field in doc
    local = ok("artifact-store", "flavor", "describe", "local").stdout
    assert "built-in" in local and "path (str" in local
    unknown = invoke("orchestrator", "flavor", "describe", "sagemaker")
    assert unknown.exit_code == 1 and "No orchestrator flavor named 'sagemaker'" in unknown.stderr


@pytest.mark.parametrize("type_", list(StackComponentType))
def test_every_component_type_has_its_group(ok, type_: StackComponentType) -> None:
    out = ok(type_.cli_name, "--help").stdout
    for command in ("register", "list", "describe", "update", "rename", "delete", "flavor"):
        assert command in out
