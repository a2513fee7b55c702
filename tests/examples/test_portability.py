"""The portability proof: the seed's fraud-detection example runs on a local demo stack, then,
after `stackwise stack import stacks/cloud.yaml` and `stackwise stack set cloud`, the very same
`python run.py` runs with its artifacts in an S3 bucket and its metrics on an MLflow tracking
server; both runs' models load back through `Client()`."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient

from stackwise.cli.main import cli
from stackwise.client import Client

pytest_plugins = ["fixtures.mlflow_server", "fixtures.s3_server"]

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud_detection"
CLOUD_STACK = EXAMPLE / "stacks" / "cloud.yaml"
PIPELINE = "fraud-detection-training"
PARAMS = {"n_estimators": "100", "max_depth": "5", "learning_rate": "0.1"}


def run_example(home: Path, data: Path) -> subprocess.CompletedProcess[str]:
    """`python run.py --data ...` in the example's folder, as a user runs it."""
    env = {**os.environ, "STACKWISE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "run.py", "--data", str(data)],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, f"stackwise {' '.join(args)}: {result.output}{result.exception!r}"
    return result


def cloud_stack_file(tmp_path: Path, bucket_uri: str, s3_server: Any, mlflow_server: Any) -> Path:
    """The example's cloud.yaml, pointed at the test servers and a fresh bucket; every other
    line as shipped. Named cloud.yaml, so it imports as stack 'cloud'."""
    text = CLOUD_STACK.read_text()
    for shipped in (
        "s3://fraud-detection-artifacts/",
        "http://localhost:9000",
        "http://localhost:5000",
    ):
        assert shipped in text
    text = (
        text.replace("s3://fraud-detection-artifacts/", f"{bucket_uri}/")
        .replace("http://localhost:9000", s3_server.endpoint_url)
        .replace("http://localhost:5000", mlflow_server.url)
    )
    path = tmp_path / "stacks" / "cloud.yaml"
    path.parent.mkdir()
    path.write_text(text)
    return path


def outputs_of(run: Any) -> list[Any]:
    return [
        version
        for step in run.steps.values()
        for versions in step.outputs.values()
        for version in versions
    ]


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


def bucket_folders(s3_server: Any, bucket: str) -> set[str]:
    """`prefix/artifact/version-id` of every object in the bucket."""
    pages = boto3_client(s3_server).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    assert keys, f"bucket {bucket} is empty"
    return {"/".join(key.split("/")[:3]) for key in keys}


def test_the_example_moves_from_a_local_stack_to_s3_and_an_mlflow_server_unchanged(
    s3_server: Any, mlflow_server: Any, stackwise_home: Path, tmp_path: Path
) -> None:
    data = tmp_path / "features.parquet"

    from stackwise.stack.active_stack import load_stack

    # 1. the local demo stack, as tests/examples/test_fraud_detection.py registers it
    client = Client()
    client.create_stack_component("mlflow_tracker", "mlflow", "experiment_tracker", {})
    client.create_stack(
        "demo",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "mlflow_tracker",
        },
    )
    client.activate_stack("demo")
    local = run_example(stackwise_home, data)
    assert local.returncode == 0, local.stderr
    local_run = Client().get_pipeline(PIPELINE).last_run
    local_store = load_stack(Client().store, "demo").artifact_store
    assert all(local_store.contains(v.uri) for v in outputs_of(local_run))

    # 2. the cloud stack from its file: the credentials as a secret, the tracker's name taken
    # by the local one (which `stack import` never changes), so that one is renamed first
    bucket = f"fraud-{uuid.uuid4().hex[:12]}"
    bucket_uri = s3_server.make_bucket(bucket)
    stack_file = cloud_stack_file(tmp_path, bucket_uri, s3_server, mlflow_server)
    ok("secret", "create", "s3_credentials", "--key=testing", "--secret=testing")
    ok("experiment-tracker", "rename", "mlflow_tracker", "local_mlflow_tracker")
    imported = ok("stack", "import", str(stack_file)).output
    assert "registered artifact store 's3_artifact_store' (flavor s3)" in imported
    assert "registered experiment tracker 'mlflow_tracker' (flavor mlflow)" in imported
    ok("stack", "set", "cloud")

    # 3. the same command
    cloud = run_example(stackwise_home, data)
    assert cloud.returncode == 0, cloud.stderr
    cloud_run = Client().get_pipeline(PIPELINE).last_run
    assert cloud_run.id != local_run.id
    assert cloud_run.stack_id == Client().get_stack("cloud").id
    assert all(str(s.status) == "completed" for s in cloud_run.steps.values())  # no cache hit

    # every artifact of the second run lives in the bucket, and nothing else does
    artifacts = outputs_of(cloud_run)
    assert len(artifacts) == 9
    root = f"{bucket_uri}/stackwise"
    expected = set()
    for version in artifacts:
        assert version.uri.startswith(root + "/"), version.uri
        expected.add(version.uri.removeprefix(f"{bucket_uri}/"))
    stored = bucket_folders(s3_server, bucket)
    # step logs live beside the artifacts (<root>/logs/<step run id>.log), in the bucket too
    assert {f for f in stored if not f.startswith("stackwise/logs/")} == expected

    # the metrics landed on the tracking server
    mlflow_run_id = cloud_run.steps["train_model"].run_metadata["mlflow_run_id"]
    server_run = MlflowClient(mlflow_server.url).get_run(mlflow_run_id)
    assert server_run.data.params == PARAMS
    assert 0.5 < server_run.data.metrics["train_auc"] <= 1.0
    assert server_run.info.run_name == cloud_run.name
    experiment = MlflowClient(mlflow_server.url).get_experiment(server_run.info.experiment_id)
    assert experiment.name == "fraud-detection"

    # both runs' models load, each from the store it was written to
    client = Client()
    runs = client.list_pipeline_runs(pipeline_name=PIPELINE).items
    assert {r.id for r in runs} == {local_run.id, cloud_run.id}
    models = [
        client.get_pipeline_run(r.id).steps["train_model"].outputs["trained_model"].load()
        for r in (local_run, cloud_run)
    ]
    assert [type(m).__name__ for m in models] == ["GradientBoostingClassifier"] * 2
    x_test = cloud_run.steps["engineer_features"].outputs["X_test"].load()
    np.testing.assert_allclose(models[0].predict_proba(x_test), models[1].predict_proba(x_test))
    metrics = cloud_run.steps["evaluate_model"].outputs["evaluation_metrics"].load()
    assert f"Latest model AUC: {metrics['roc_auc']:.4f}" in cloud.stdout
