"""An artifact version remembers the store it was written to: it loads from there (and feeds
steps) whatever stack is active; when that store is gone or unreachable the error names it and
what it needs; and a cache hit never crosses stores."""

from __future__ import annotations

import socket
import warnings
from typing import Annotated, Any

import pandas as pd
import pytest

from stackwise import pipeline, save_artifact, step
from stackwise.client import Client
from stackwise.exceptions import MaterializerError

pytest_plugins = ["fixtures.s3_server"]

SECRET_KEY = "AKIAEXAMPLEKEY0123"
SECRET_VALUE = "wJalrXUtnFEMI-example-secret"
CALLS: list[str] = []


def use_s3_stack(config: dict[str, Any], name: str = "cloud") -> Any:
    """Register an S3 artifact store (credentials as a secret) in a stack, and activate it."""
    client = Client()
    client.create_secret(f"{name}_s3", {"key": config["key"], "secret": config["secret"]})
    client.create_stack_component(
        f"{name}_store",
        "s3",
        "artifact_store",
        {**config, "key": f"{{{{{name}_s3.key}}}}", "secret": f"{{{{{name}_s3.secret}}}}"},
    )
    client.create_stack(name, {"orchestrator": "default", "artifact_store": f"{name}_store"})
    return client.activate_stack(name).artifact_store


def use_plaintext_s3_stack(config: dict[str, Any], name: str = "plain") -> Any:
    """The same with the credentials in plain text (as users do; stackwise warns)."""
    client = Client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "a secret given in plain text"
        client.create_stack_component(
            f"{name}_store",
            "s3",
            "artifact_store",
            {**config, "key": SECRET_KEY, "secret": SECRET_VALUE},
        )
    client.create_stack(name, {"orchestrator": "default", "artifact_store": f"{name}_store"})
    return client.activate_stack(name).artifact_store


def boto3_client(s3_server: Any) -> Any:
    """A plain boto3 client on the test server (moto accepts any credentials)."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@step
def make_frame(rows: int = 20) -> Annotated[pd.DataFrame, "frame"]:
    CALLS.append("make_frame")
    return pd.DataFrame({"x": range(rows)})


@step
def total(frame: pd.DataFrame) -> Annotated[int, "total"]:
    CALLS.append("total")
    return int(frame["x"].sum())


@pipeline
def make_and_sum(rows: int = 20):
    total(frame=make_frame(rows=rows))


@pipeline(enable_cache=False)
def sum_given(frame):
    total(frame=frame)


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


def test_an_artifact_loads_from_its_store_after_the_stack_changed(
    s3_store_config: dict[str, Any],
) -> None:
    cloud = use_s3_stack(s3_store_config)
    run = make_and_sum()
    frame_version = run.steps["make_frame"].output
    assert frame_version.uri.startswith("s3://")
    assert str(frame_version.artifact_store_id) == cloud.id

    client = Client()
    local = client.activate_stack("default").artifact_store
    assert local.is_local
    again = Client().get_artifact_version(frame_version.id)
    pd.testing.assert_frame_equal(again.load(), pd.DataFrame({"x": range(20)}))

    # ... and feeds a step that runs on the local stack
    downstream = sum_given(frame=again)
    assert downstream.steps["total"].output.load() == 190
    assert str(downstream.steps["total"].output.artifact_store_id) == local.id
    assert local.contains(downstream.steps["total"].output.uri)


def test_a_deleted_store_is_named_with_what_to_register_then_a_new_one_serves(
    s3_store_config: dict[str, Any],
) -> None:
    use_s3_stack(s3_store_config)
    version = save_artifact({"answer": 42}, "answer")
    client = Client()
    client.activate_stack("default")
    client.delete_stack("cloud")
    client.delete_stack_component("cloud_store", "artifact_store")

    with pytest.raises(MaterializerError) as info:
        Client().get_artifact_version("answer").load()
    message = str(info.value)
    assert "'answer'" in message and "no longer registered" in message
    assert version.uri in message
    assert f"--flavor=s3 --path={s3_store_config['path']}" in message
    assert "key" in message and "secret" in message and "client_kwargs" in message

    # a store registered again on the same bucket serves the old versions
    client.create_stack_component(
        "again",
        "s3",
        "artifact_store",
        {**s3_store_config, "key": "{{cloud_s3.key}}", "secret": "{{cloud_s3.secret}}"},
    )
    assert Client().get_artifact_version("answer").load() == {"answer": 42}


def test_a_deleted_bucket_is_reported_with_the_store_and_its_masked_config(
    s3_server: Any, s3_store_config: dict[str, Any]
) -> None:
    use_plaintext_s3_stack(s3_store_config)
    version = save_artifact([1, 2, 3], "numbers")
    Client().activate_stack("default")
    bucket = s3_store_config["path"].removeprefix("s3://")
    s3 = boto3_client(s3_server)
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)

    with pytest.raises(MaterializerError) as info:
        Client().get_artifact_version("numbers").load()
    message = str(info.value)
    assert "'numbers'" in message and version.uri in message
    assert "artifact store 'plain_store' (flavor s3, path " + s3_store_config["path"] in message
    assert "bucket (or container) was deleted" in message
    assert s3_server.endpoint_url in message  # the endpoint it tried
    assert "key='****'" in message and "secret='****'" in message
    assert SECRET_KEY not in message and SECRET_VALUE not in message
    assert "stackwise artifact-store update plain_store" in message


def test_an_unreachable_endpoint_is_reported_with_the_store_and_no_secrets(
    s3_store_config: dict[str, Any],
) -> None:
    use_plaintext_s3_stack(s3_store_config)
    save_artifact("hello", "greeting")
    client = Client()
    client.activate_stack("default")
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        wrong = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client.update_stack_component(
        "plain_store",
        "artifact_store",
        configuration={
            "client_kwargs": {"endpoint_url": wrong},
            "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 2},
        },
    )

    with pytest.raises(MaterializerError) as info:
        Client().get_artifact_version("greeting").load()
    message = str(info.value)
    assert "artifact store 'plain_store' (flavor s3, path " + s3_store_config["path"] in message
    assert wrong in message
    assert "'greeting'" in message
    assert SECRET_KEY not in message and SECRET_VALUE not in message
    assert "The s3 flavor takes: path, key, secret" in message


def test_a_cache_hit_needs_the_outputs_in_the_current_store(
    s3_store_config: dict[str, Any],
) -> None:
    use_s3_stack(s3_store_config)
    make_and_sum()
    assert CALLS == ["make_frame", "total"]
    cached = make_and_sum()
    assert {str(s.status) for s in cached.steps.values()} == {"cached"}
    assert CALLS == ["make_frame", "total"]

    Client().activate_stack("default")
    local_run = make_and_sum()  # same code and inputs, other store: runs again
    assert {str(s.status) for s in local_run.steps.values()} == {"completed"}
    assert CALLS == ["make_frame", "total"] * 2
    assert local_run.steps["make_frame"].output.uri.startswith("/")
    assert {str(s.status) for s in make_and_sum().steps.values()} == {"cached"}

    Client().activate_stack("cloud")
    back = make_and_sum()
    assert {str(s.status) for s in back.steps.values()} == {"cached"}
    assert back.steps["total"].output.uri.startswith("s3://")


def test_a_store_that_cannot_be_built_is_named_with_the_reason(
    s3_store_config: dict[str, Any],
) -> None:
    use_s3_stack(s3_store_config)
    save_artifact("kept", "note")
    client = Client()
    client.activate_stack("default")
    client.delete_secret("cloud_s3")  # the store's credentials reference it

    with pytest.raises(MaterializerError) as info:
        Client().get_artifact_version("note").load()
    message = str(info.value)
    assert (
        "Artifact 'note' version 1 was written to artifact store 'cloud_store' (flavor s3, "
        f"path {s3_store_config['path']}), which cannot be used here"
    ) in message
    assert "cloud_s3" in message  # the missing secret
    assert "key='{{cloud_s3.key}}'" in message  # references are shown, they are no secret
    assert "stackwise artifact-store update cloud_store" in message
