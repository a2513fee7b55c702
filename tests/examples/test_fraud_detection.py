"""The seed's fraud-detection pipeline, run as a user runs it: `python run.py` in its folder, on
a stack with a local MLflow tracker, then read back with Client and with MLflow's own client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stackwise.client import Client
from stackwise.enums import ExecutionStatus

pytest_plugins = ["fixtures.model_servers"]

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud_detection"
STEPS = [
    "load_and_validate_data",
    "engineer_features",
    "train_model",
    "evaluate_model",
    "deploy_model_step",
]


def run_example(home: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STACKWISE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "run.py", "--data", str(data), *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def demo_stack(stackwise_home: Path) -> str:
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
    return f"sqlite:///{stackwise_home}/mlflow.db"


def test_runs_end_to_end_then_caches_then_reruns_changed_steps(
    demo_stack: str, stackwise_home: Path, tmp_path: Path
) -> None:
    data = tmp_path / "features.parquet"
    first = run_example(stackwise_home, data)
    assert first.returncode == 0, first.stderr
    assert "No model deployer in active stack. Skipping deployment." in first.stdout

    client = Client()
    run = client.get_pipeline("fraud-detection-training").last_run
    assert run.status == ExecutionStatus.COMPLETED
    assert list(run.steps) == STEPS
    assert all(s.status == "completed" for s in run.steps.values())
    model = run.steps["train_model"].outputs["trained_model"].load()
    assert type(model).__name__ == "GradientBoostingClassifier"
    metrics = run.steps["evaluate_model"].outputs["evaluation_metrics"].load()
    assert 0.5 < metrics["roc_auc"] <= 1.0
    assert run.steps["deploy_model_step"].output.load() is None
    raw = run.steps["load_and_validate_data"].outputs["raw_dataframe"]
    assert raw.run_metadata["num_rows"] == 5000
    assert raw.run_metadata["source_uri"] == str(data)
    assert (
        run.steps["evaluate_model"].outputs["evaluation_metrics"].run_metadata["roc_auc"]
        == metrics["roc_auc"]
    )

    # bare mlflow.log_* calls inside train_model landed in an MLflow run we can read back
    from mlflow.tracking import MlflowClient

    mlflow_run_id = run.steps["train_model"].run_metadata["mlflow_run_id"]
    mlflow_run = MlflowClient(demo_stack).get_run(mlflow_run_id)
    assert mlflow_run.data.params == {
        "n_estimators": "100",
        "max_depth": "5",
        "learning_rate": "0.1",
    }
    assert 0.5 < mlflow_run.data.metrics["train_auc"] <= 1.0
    assert mlflow_run.info.run_name == run.name

    # the same command again: every step a cache hit with the same artifact versions
    second = run_example(stackwise_home, data)
    assert second.returncode == 0, second.stderr
    cached = Client().get_pipeline("fraud-detection-training").last_run
    assert cached.id != run.id
    assert all(s.status == "cached" for s in cached.steps.values())
    assert (
        cached.steps["train_model"].outputs["trained_model"].id
        == run.steps["train_model"].outputs["trained_model"].id
    )
    assert "No model deployer" not in second.stdout  # no step body ran

    # a changed parameter: that step and everything downstream re-run, upstream stays cached
    third = run_example(stackwise_home, data, "--max-depth", "3")
    assert third.returncode == 0, third.stderr
    changed = Client().get_pipeline("fraud-detection-training").last_run
    statuses = {name: str(s.status) for name, s in changed.steps.items()}
    assert statuses == {
        "load_and_validate_data": "cached",
        "engineer_features": "cached",
        "train_model": "completed",
        "evaluate_model": "completed",
        "deploy_model_step": "completed",
    }


def test_refused_before_running_on_a_stack_without_the_tracker(
    stackwise_home: Path, tmp_path: Path
) -> None:
    result = run_example(stackwise_home, tmp_path / "features.parquet")
    assert result.returncode != 0
    assert "StackValidationError" in result.stderr
    assert "train_model" in result.stderr and "mlflow_tracker" in result.stderr
    assert "stackwise stack update default -e mlflow_tracker" in result.stderr
    assert Client().list_pipeline_runs().total == 0


def test_the_lesson_deploys_the_model_and_its_curl_line_gets_predictions(
    demo_stack: str, stackwise_home: Path, tmp_path: Path
) -> None:
    import json
    import re
    import shlex

    import httpx

    client = Client()
    client.create_stack_component("model_server", "local", "model_deployer", {})
    client.update_stack("demo", component_updates={"model_deployer": ["model_server"]})
    data = tmp_path / "features.parquet"
    result = run_example(stackwise_home, data)
    assert result.returncode == 0, result.stderr
    assert "Model deployed: LocalDeploymentService[" in result.stdout
    curl = next(line for line in result.stdout.splitlines() if "curl -s -X POST" in line)
    words = shlex.split(curl)
    url, body = words[words.index("POST") + 1], json.loads(words[words.index("-d") + 1])
    answer = httpx.post(url, json=body)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["predictions"]) == 2
    assert set(answer.json()["predictions"]) <= {0, 1}

    [service] = client.list_services()
    assert service.pipeline_name == "fraud-detection-training"
    assert service.pipeline_step_name == "deploy_model_step"
    run = client.get_pipeline("fraud-detection-training").last_run
    model_version = run.steps["train_model"].outputs["trained_model"]
    assert service.artifact_version_id == str(model_version.id)
    metadata = httpx.get(url.replace("/invocations", "/metadata")).json()
    assert re.match(r"training data \(artifact 'X_train'", metadata["input_schema"]["source"])
    assert {c["type"] for c in metadata["input_schema"]["columns"]} == {"float64"}

    skipped = run_example(stackwise_home, data, "--deploy-threshold", "0.99")
    assert skipped.returncode == 0, skipped.stderr
    assert re.search(
        r"Model AUC 0\.\d+ below threshold 0\.99\. Skipping deployment\.", skipped.stdout
    )
    assert client.list_services().total == 1  # the earlier deployment still serves
