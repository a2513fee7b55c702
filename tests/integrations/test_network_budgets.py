"""Every component that talks to a network takes its timeouts and retry budget from its config,
with defaults far below the libraries' own (MLflow: 7 retries, about 4 minutes on a server
that is down; botocore legacy mode: 5 attempts; gcsfs: 6; the Azure SDK: 3 retries 15-40 s
apart), hands them to its library, and says where it reaches the network (`probe_url`).
Checked on the objects the libraries build, against real emulators where building them needs
one."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.artifact_stores.conftest import build_store
from tests.fixtures.peers import require_module

from stackwise.experiment_trackers import StepRunInfo
from stackwise.stack.flavor_registry import flavor_registry

pytest_plugins = ["fixtures.s3_server", "fixtures.gcs_server"]

BUDGET_ENV = (
    "MLFLOW_HTTP_REQUEST_TIMEOUT",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR",
)


def mlflow_tracker(**configuration: Any) -> Any:
    require_module("mlflow", 'pip install -e ".[dev]"')
    flavor = flavor_registry.get("experiment_tracker", "mlflow")
    return flavor.implementation_class()(
        id="t", name="tracker", flavor="mlflow", config=flavor.validate_config(configuration)
    )


def test_mlflow_requests_get_the_trackers_timeout_and_retries_while_a_step_is_tracked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in BUDGET_ENV:
        monkeypatch.delenv(name, raising=False)
    tracker = mlflow_tracker(
        tracking_uri=f"sqlite:///{tmp_path}/mlflow.db", request_timeout=7, max_retries=1
    )
    info = StepRunInfo(
        pipeline_name="p", run_id="r", run_name="p-r", step_name="s", step_run_id="r-s"
    )
    seen = {}
    monkeypatch.chdir(tmp_path)
    with tracker.track_step(info):
        seen = {name: os.environ.get(name) for name in BUDGET_ENV}
    assert seen == {
        "MLFLOW_HTTP_REQUEST_TIMEOUT": "7",
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    }
    assert not {name for name in BUDGET_ENV if name in os.environ}  # put back as they were


def test_mlflow_defaults_and_where_the_tracker_reaches_the_network() -> None:
    tracker = mlflow_tracker(tracking_uri="http://mlflow.internal:5000")
    assert (tracker.config.request_timeout, tracker.config.max_retries) == (30, 2)
    assert tracker.probe_url() == "http://mlflow.internal:5000"
    assert (
        mlflow_tracker(tracking_uri="postgresql://u:p@db.internal/mlflow").probe_url()
        == "tcp://db.internal:5432"
    )
    assert mlflow_tracker(tracking_uri="mysql+pymysql://db:3307/m").probe_url() == "tcp://db:3307"
    assert mlflow_tracker(tracking_uri="sqlite:////tmp/mlflow.db").probe_url() is None
    assert mlflow_tracker(tracking_uri="databricks").probe_url() is None
    with pytest.raises(Exception, match="max_retries"):
        mlflow_tracker(tracking_uri="http://h:5000", max_retries=50)


def test_s3_hands_its_timeouts_and_retries_to_botocore(s3_store_config: dict[str, Any]) -> None:
    store = build_store(
        "s3", {**s3_store_config, "connect_timeout": 3, "read_timeout": 12, "max_retries": 4}
    )
    assert not store.exists(store.join(store.path, "nothing"))  # the client now exists
    config = store.filesystem.s3.meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 12)
    assert config.retries == {"total_max_attempts": 5, "mode": "standard"}  # 1 + 4 retries
    assert store.filesystem.retries == 2  # s3fs's own layer: one more try, not 5
    assert store.probe_url() == s3_store_config["client_kwargs"]["endpoint_url"]

    # what config_kwargs sets itself wins
    store = build_store(
        "s3",
        {
            **s3_store_config,
            "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
        },
    )
    store.exists(store.path)
    config = store.filesystem.s3.meta.config
    assert config.connect_timeout == 1 and config.retries["total_max_attempts"] == 2
    assert config.read_timeout == 30.0  # the default


def test_s3_probes_the_aws_endpoint_it_would_use(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    assert build_store("s3", {"path": "s3://b"}).probe_url() == "https://s3.amazonaws.com"
    assert (
        build_store(
            "s3", {"path": "s3://b", "client_kwargs": {"region_name": "eu-west-1"}}
        ).probe_url()
        == "https://s3.eu-west-1.amazonaws.com"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://minio:9000")
    assert build_store("s3", {"path": "s3://b"}).probe_url() == "http://minio:9000"


def test_gcs_requests_get_the_stores_timeouts_and_retries(gcs_store_config: dict[str, Any]) -> None:
    store = build_store(
        "gcp", {**gcs_store_config, "connect_timeout": 2, "read_timeout": 9, "max_retries": 1}
    )
    with store.open(store.join(store.path, f"{uuid.uuid4().hex}.txt"), "w") as file:
        file.write("works through the bounded filesystem")
    filesystem = store.filesystem
    assert type(filesystem).retries == 2
    assert type(filesystem)._request is not type(filesystem).__mro__[1]._request
    assert (filesystem.requests_timeout.sock_connect, filesystem.requests_timeout.sock_read) == (
        2,
        9,
    )
    assert store.probe_url() == os.environ["STORAGE_EMULATOR_HOST"]


def test_azure_sdk_client_gets_the_stores_timeouts_and_retries() -> None:
    require_module("adlfs", 'pip install -e ".[dev]"')
    connection = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
        "KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    )
    store = build_store(
        "azure",
        {
            "path": "az://container/root",
            "connection_string": connection,
            "connect_timeout": 4,
            "read_timeout": 8,
            "max_retries": 1,
        },
    )
    client = store.filesystem.service_client  # built without contacting the service
    policy = client._config.retry_policy
    assert (policy.total_retries, policy.connect_retries, policy.initial_backoff) == (1, 1, 1)
    transport = client._pipeline._transport.connection_config
    assert (transport.timeout, transport.read_timeout) == (4, 8)
    assert store.probe_url() == "http://127.0.0.1:10000/devstoreaccount1"
    assert (
        build_store("azure", {"path": "az://c", "account_name": "acct"}).probe_url()
        == "https://acct.blob.core.windows.net"
    )
    assert (
        build_store(
            "azure",
            {
                "path": "az://c",
                "connection_string": (
                    "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;"
                    "EndpointSuffix=core.chinacloudapi.cn"
                ),
            },
        ).probe_url()
        == "https://acct.blob.core.chinacloudapi.cn"
    )
