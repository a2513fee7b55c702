"""The seed's `stacks/local-mlflow.yaml` against a real MLflow tracking server: imported with
`stackwise stack import`, activated with `stackwise stack set`, and the fraud-detection example
runs on it with no code change; its params and `train_auc` are then read from the server with
MLflow's own client. Also the portability story: the same example on a local demo stack first,
then on the server-backed stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient

from stackwise.cli.main import cli
from stackwise.client import Client
from stackwise.enums import ExecutionStatus

pytest_plugins = ["fixtures.mlflow_server", "fixtures.model_servers"]

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud_detection"
SEED_STACK = EXAMPLE / "stacks" / "local-mlflow.yaml"
PIPELINE = "fraud-detection-training"
PARAMS = {"n_estimators": "100", "max_depth": "5", "learning_rate": "0.1"}


@pytest.fixture
def stack_file(mlflow_server, tmp_path: Path) -> Path:
    """The seed's stack file, pointed at the test server and a temporary artifact folder;
    every other line as in the seed."""
    text = SEED_STACK.read_text()
    assert "http://localhost:5000" in text and "/tmp/stackwise-artifacts" in text
    text = text.replace("http://localhost:5000", mlflow_server.url).replace(
        "/tmp/stackwise-artifacts", str(tmp_path / "artifacts")
    )
    path = tmp_path / "stacks" / "local-mlflow.yaml"
    path.parent.mkdir()
    path.write_text(text)
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def ok(*args: str) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, f"stackwise {' '.join(args)}: {result.stderr}{result.exception!r}"
    return result


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


def tracked_run(tracking_uri: str):
    """The MLflow run the last pipeline run's train_model step logged to."""
    run = Client().get_pipeline(PIPELINE).last_run
    assert run.status == ExecutionStatus.COMPLETED
    mlflow_run_id = run.steps["train_model"].run_metadata["mlflow_run_id"]
    return run, MlflowClient(tracking_uri).get_run(mlflow_run_id)


def test_seed_stack_file_runs_the_example_against_the_server(
    mlflow_server, stack_file: Path, stackwise_home: Path, tmp_path: Path
) -> None:
    out = ok("stack", "import", str(stack_file)).stdout
    assert f"Imported stack 'local-mlflow' from {stack_file}." in out
    assert "registered experiment tracker 'mlflow_tracker' (flavor mlflow)" in out
    assert "registered artifact store 'local_artifact_store' (flavor local)" in out
    assert "registered model deployer 'mlflow_deployer' (flavor mlflow)" in out
    ok("stack", "set", "local-mlflow")
    verified = ok("stack", "verify").stdout
    assert "Stack 'local-mlflow' is ready: every check passed." in verified

    result = run_example(stackwise_home, tmp_path / "features.parquet")
    assert result.returncode == 0, result.stderr

    run, mlflow_run = tracked_run(mlflow_server.url)
    assert run.stack_id == Client().get_stack("local-mlflow").id
    assert mlflow_run.data.params == PARAMS
    assert 0.5 < mlflow_run.data.metrics["train_auc"] <= 1.0
    assert mlflow_run.info.run_name == run.name
    experiment = MlflowClient(mlflow_server.url).get_experiment(mlflow_run.info.experiment_id)
    assert experiment.name == "fraud-detection"  # the seed file's experiment_name
    # the artifacts went to the file's artifact store, not the default one
    assert any((tmp_path / "artifacts").iterdir())
    # the stack's MLflow deployer logged the model to the server and serves it
    assert "Model deployed: MLFlowDeploymentService[" in result.stdout
    [service] = Client().list_services()
    assert service.is_running and service.flavor == "mlflow"
    assert service.record.config["tracking_uri"] == mlflow_server.url


def test_same_example_runs_on_a_local_demo_stack_then_on_the_server_stack(
    mlflow_server, stack_file: Path, stackwise_home: Path, tmp_path: Path
) -> None:
    data = tmp_path / "features.parquet"
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
    ok("stack", "set", "demo")
    local = run_example(stackwise_home, data)
    assert local.returncode == 0, local.stderr
    _, local_run = tracked_run(f"sqlite:///{stackwise_home}/mlflow.db")
    assert local_run.data.params == PARAMS

    # The step asks for the tracker by name, and the file's tracker of that name points
    # elsewhere: import refuses rather than change the registered one...
    refused = invoke("stack", "import", str(stack_file))
    assert refused.exit_code == 1
    assert "Cannot import stack 'local-mlflow'" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert (
        "Experiment tracker 'mlflow_tracker' is registered already with a different "
        "configuration (experiment_name: unset registered, 'fraud-detection' in "
        f"{stack_file}; tracking_uri: unset registered, '{mlflow_server.url}' in "
        f"{stack_file})"
    ) in refused.stderr
    assert "`stackwise experiment-tracker rename mlflow_tracker NEW_NAME`" in refused.stderr
    assert Client().list_stack_components(type="experiment_tracker")[0].configuration == {}

    # ...so the user renames the local one, as the message says, and imports again.
    ok("experiment-tracker", "rename", "mlflow_tracker", "local_mlflow_tracker")
    ok("stack", "import", str(stack_file), "--set")
    remote = run_example(stackwise_home, data)
    assert remote.returncode == 0, remote.stderr

    run, server_run = tracked_run(mlflow_server.url)
    assert run.stack_id == Client().get_stack("local-mlflow").id
    assert server_run.data.params == PARAMS
    assert 0.5 < server_run.data.metrics["train_auc"] <= 1.0
    assert server_run.info.run_name == run.name
    assert all(s.status == "completed" for s in run.steps.values())  # new store: no cache hits
