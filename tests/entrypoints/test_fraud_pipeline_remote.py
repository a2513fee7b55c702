"""The lesson's fraud pipeline run the way every remote orchestrator runs it: the run is
recorded and submitted from the user's folder (the code archived to the artifact store), then
each step runs as its own `python -m stackwise.entrypoints.step` process, in dependency order,
from a fresh venv with stackwise installed from a wheel, in an empty working directory (the
code arrives only through the archive), against PostgreSQL and an S3 store (moto) — as an
engine's container would. The step that ends last finishes the run; its outputs equal those
of the same pipeline on the `local` orchestrator."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from stackwise.client import Client
from stackwise.store import reset_store_cache

pytest_plugins = ["fixtures.s3_server", "fixtures.mlflow_server", "fixtures.fresh_venv"]

REPO = Path(__file__).parents[2]
EXAMPLE = REPO / "examples" / "fraud_detection"
PIPELINE = "fraud-detection-training"
# S3 credentials as an engine gives them to its containers (the environment, an IAM role):
# not in the store; moto accepts any
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
LAUNCH = (
    "import sys; from pipeline.pipeline import fraud_detection_pipeline; "
    "fraud_detection_pipeline(dataset_uri=sys.argv[1])"
)


def make_data(path: Path) -> Path:
    spec = importlib.util.spec_from_file_location("fraud_make_data", EXAMPLE / "make_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_features(path)
    return path


def launch(home: Path, store_url: str, data: Path) -> subprocess.CompletedProcess[str]:
    """The user's side: the pipeline called in the example's folder on the active stack."""
    env = {
        **os.environ,
        "STACKWISE_HOME": str(home),
        "STACKWISE_STORE_URL": store_url,
        **S3_CREDENTIALS,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, str(data)],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_tasks(handed: dict[str, Any], python: str, workdir: Path, home: Path) -> list[str]:
    """The engine's side: each task's command, in dependency order, in a process of its own
    with only the task's environment and the run's credentials (no PYTHONPATH: stackwise is
    the venv's)."""
    done: list[str] = []
    for task in handed["tasks"]:
        assert set(task["upstream"]) <= set(done), f"{task['invocation_id']} before upstream"
        assert task["command"][0] == "python"
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "STACKWISE_HOME": str(home)}
        env.update(S3_CREDENTIALS)
        env.update(handed["credentials"])
        env.update(task["environment"])
        result = subprocess.run(
            [python, *task["command"][1:]],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{task['invocation_id']}:\n{result.stderr[-4000:]}"
        done.append(task["invocation_id"])
    return done


def assert_same(a: Any, b: Any, what: str) -> None:
    import numpy as np
    import pandas as pd

    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif hasattr(a, "predict_proba"):
        assert type(a) is type(b), what
        grid = np.linspace(-2, 2, 4 * a.n_features_in_).reshape(4, -1)
        probe = pd.DataFrame(grid, columns=list(a.feature_names_in_))
        assert np.array_equal(a.predict_proba(probe), b.predict_proba(probe)), what
    else:
        assert a == b, what


def test_every_step_runs_as_its_own_process_from_a_fresh_venv_with_the_same_outputs_as_local(
    postgres_server: Any,
    s3_server: Any,
    mlflow_server: Any,
    fresh_venv: Any,
    stackwise_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store_url = postgres_server.create_database()
    monkeypatch.setenv("STACKWISE_STORE_URL", store_url)
    reset_store_cache()
    from tests.entrypoints.remote_engine import FLAVOR_PATH

    from stackwise.store.urls import split_password

    client = Client()
    bucket = f"remote-{uuid.uuid4().hex[:12]}"
    s3_config = s3_server.store_config(s3_server.make_bucket(bucket))
    s3_config.pop("key"), s3_config.pop("secret")
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client.create_stack_component("s3_store", "s3", "artifact_store", s3_config)
    client.create_stack_component(
        "mlflow_tracker", "mlflow", "experiment_tracker", {"tracking_uri": mlflow_server.url}
    )
    client.create_flavor(FLAVOR_PATH, "orchestrator")
    tasks_file = tmp_path / "tasks.json"
    client.create_stack_component(
        "engine", "task_file", "orchestrator", {"tasks_file": str(tasks_file)}
    )
    client.create_stack_component(
        "registry", "default", "container_registry", {"uri": "127.0.0.1:5000"}
    )
    client.create_stack(
        "remote",
        {
            "orchestrator": "engine",
            "artifact_store": "s3_store",
            "experiment_tracker": "mlflow_tracker",
            "container_registry": "registry",
        },
    )
    client.create_stack(
        "local",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "mlflow_tracker",
        },
    )
    data = make_data(tmp_path / "features.parquet")

    # the same pipeline on the local orchestrator, for the outputs to compare with
    client.activate_stack("local")
    local = launch(stackwise_home, store_url, data)
    assert local.returncode == 0, local.stderr[-4000:]
    local_run = client.get_pipeline(PIPELINE).last_run

    # submitted: recorded, code archived, tasks handed over; the launcher returns at once
    client.activate_stack("remote")
    submitted = launch(stackwise_home, store_url, data)
    assert submitted.returncode == 0, submitted.stderr[-4000:]
    assert "--follow" in submitted.stderr + submitted.stdout
    handed = json.loads(tasks_file.read_text())
    run = client.get_pipeline_run(handed["run_id"])
    assert str(run.status) == "running"  # its launcher exited: not taken for a dead run
    code_uri = client.store.get_run(handed["run_id"]).config["code_uri"]
    assert code_uri.startswith(f"s3://{bucket}/code_uploads/") and code_uri.endswith(".tar.gz")

    # the engine: every task in its own process, fresh venv, empty folder
    workdir = tmp_path / "empty-workdir"
    workdir.mkdir()
    remote_home = tmp_path / "remote-home"
    password = split_password(store_url)[1]
    for task in handed["tasks"]:  # a database password is a credential, not in a task
        assert password is None or password not in json.dumps(task)
    order = run_tasks(handed, fresh_venv.python, workdir, remote_home)
    assert order == list(local_run.steps)
    assert list(workdir.iterdir()) == []

    remote_run = client.get_pipeline_run(handed["run_id"])
    assert str(remote_run.status) == "completed"  # finished by the last step's process
    assert {n: str(s.status) for n, s in remote_run.steps.items()} == {
        n: "completed" for n in local_run.steps
    }
    for name, step in local_run.steps.items():
        for output, versions in step.outputs.items():
            remote_version = remote_run.steps[name].outputs[output][0]
            assert remote_version.uri.startswith(f"s3://{bucket}/")
            assert_same(versions[0].load(), remote_version.load(), f"{name}.{output}")
