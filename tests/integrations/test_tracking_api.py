"""The portable tracking API: one pipeline, whose steps call `log_params` / `log_metrics` and
import no tracking library, runs unchanged on an MLflow stack and on a W&B stack; only the
active stack changes. Plus the errors outside a step and in a step that names no tracker.

Component names are unique per type, yet the steps name ONE tracker, `tracker`. So the switch
re-registers that name: the stack using the MLflow `tracker` lets go of it, it is deleted, and
a W&B `tracker` is registered in a second stack that is then activated. The pipeline module is
never touched between the two runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.fixtures.peers import require_module

mlflow = require_module("mlflow", 'pip install -e ".[dev]"')
wandb = require_module("wandb", 'pip install -e ".[dev]"')

from mlflow.tracking import MlflowClient  # noqa: E402

from stackwise import pipeline, step  # noqa: E402
from stackwise.artifacts.tracking_api import log_metrics, log_params  # noqa: E402
from stackwise.client import Client  # noqa: E402
from stackwise.enums import StackComponentType  # noqa: E402
from stackwise.exceptions import PipelineRunFailedError, StackValidationError  # noqa: E402
from stackwise.integrations.wandb.offline_runs import read_offline_run  # noqa: E402

CAUGHT: list[str] = []


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No tracker env vars from outside, W&B offline and quiet, no run left active."""
    for name in (
        "MLFLOW_TRACKING_URI",
        "MLFLOW_EXPERIMENT_ID",
        "MLFLOW_EXPERIMENT_NAME",
        "MLFLOW_RUN_ID",
        "WANDB_API_KEY",
        "WANDB_PROJECT",
        "WANDB_ENTITY",
        "WANDB_RUN_ID",
        "WANDB_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    CAUGHT.clear()
    yield
    CAUGHT.clear()
    if wandb.run is not None:
        wandb.finish()
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(None)


# -- the pipeline: tracking-library-free -----------------------------------------------------
@step(experiment_tracker="tracker")
def train(learning_rate: float = 0.1) -> float:
    log_params({"learning_rate": learning_rate, "n_estimators": np.int64(100), "layers": (64, 32)})
    for epoch, loss in enumerate([0.5, 0.25]):
        log_metrics({"loss": loss}, step=epoch)
    return 0.75


@step(experiment_tracker="tracker")
def evaluate(auc: float) -> None:
    log_metrics({"auc": np.float32(auc), "passed": True})


@pipeline(enable_cache=False)
def training() -> None:
    evaluate(train())


# -- steps that misuse the API ---------------------------------------------------------------
@step
def untracked() -> None:
    log_metrics({"auc": 0.5})


@pipeline(enable_cache=False)
def untracked_pipeline() -> None:
    untracked()


@step(experiment_tracker="tracker")
def bad_values() -> None:
    for call in (
        lambda: log_metrics({"auc": "high"}),
        lambda: log_metrics({"curve": np.array([0.1, 0.2])}),
        lambda: log_metrics({"auc": 0.5}, step=1.5),
        lambda: log_params({"model": object()}),
        lambda: log_params({1: "x"}),
    ):
        try:
            call()
        except TypeError as error:
            CAUGHT.append(str(error))


@pipeline(enable_cache=False)
def bad_values_pipeline() -> None:
    bad_values()


@step(experiment_tracker=True)
def any_tracker() -> None:
    log_params({"learning_rate": 0.1})


@pipeline(enable_cache=False)
def any_tracker_pipeline() -> None:
    any_tracker()


@step(experiment_tracker=True)
def flaky_tracked() -> None:
    CAUGHT.append("ran")
    if len(CAUGHT) == 1:
        raise ValueError("first attempt fails")


@pipeline(enable_cache=False, run_name="flaky_tracked_run")
def flaky_tracked_pipeline() -> None:
    flaky_tracked()


# -- helpers ---------------------------------------------------------------------------------
def use_tracker(flavor: str, configuration: dict[str, Any]) -> None:
    """Make a stack `<flavor>_stack` whose experiment tracker `tracker` is of `flavor`, and
    activate it; a previous `tracker` is detached from its stack and deleted first."""
    client = Client()
    for stack in client.list_stacks():
        if stack.components.get(StackComponentType.EXPERIMENT_TRACKER):
            client.update_stack(
                stack.name, component_updates={StackComponentType.EXPERIMENT_TRACKER: []}
            )
    if any(c.name == "tracker" for c in client.list_stack_components(type="experiment_tracker")):
        client.delete_stack_component("tracker", "experiment_tracker")
    client.create_stack_component("tracker", flavor, "experiment_tracker", configuration)
    client.create_stack(
        f"{flavor}_stack",
        {"orchestrator": "default", "artifact_store": "default", "experiment_tracker": "tracker"},
    )
    client.activate_stack(f"{flavor}_stack")


def test_the_same_pipeline_logs_to_mlflow_then_to_wandb_by_switching_the_stack(tmp_path):
    for function in (train.entrypoint, evaluate.entrypoint):
        assert not {"mlflow", "wandb"} & set(function.__code__.co_names)

    mlflow_uri = f"sqlite:///{tmp_path}/mlflow.db"
    use_tracker("mlflow", {"tracking_uri": mlflow_uri})
    on_mlflow = training()

    use_tracker("wandb", {"dir": str(tmp_path / "wb")})
    on_wandb = training()

    # MLflow: the pipeline run is one MLflow run holding both steps' params and metrics
    run_id = on_mlflow.steps["train"].run_metadata["mlflow_run_id"]
    assert on_mlflow.steps["evaluate"].run_metadata["mlflow_run_id"] == run_id
    client = MlflowClient(mlflow_uri)
    run = client.get_run(run_id)
    assert run.data.params == {"learning_rate": "0.1", "n_estimators": "100", "layers": "[64, 32]"}
    assert run.data.metrics == {"loss": 0.25, "auc": 0.75, "passed": 1.0}
    assert [(m.step, m.value) for m in client.get_metric_history(run_id, "loss")] == [
        (0, 0.5),
        (1, 0.25),
    ]
    assert run.data.tags["stackwise.run_id"] == str(on_mlflow.id)
    assert run.info.status == "FINISHED"

    # W&B: one offline run per step, grouped under the pipeline run's name
    trained = read_offline_run(on_wandb.steps["train"].run_metadata["wandb_run_dir"], wait=30)
    evaluated = read_offline_run(on_wandb.steps["evaluate"].run_metadata["wandb_run_dir"], wait=30)
    assert trained.config == {"learning_rate": 0.1, "n_estimators": 100, "layers": [64, 32]}
    assert trained.metric_history("loss") == [(0, 0.5), (1, 0.25)]
    assert evaluated.metrics == {"auc": 0.75, "passed": 1.0}
    assert evaluated.config == {}
    assert trained.group == evaluated.group == on_wandb.name
    assert (trained.job_type, evaluated.job_type) == ("train", "evaluate")
    assert trained.run_id == str(on_wandb.steps["train"].id)
    assert trained.offline and trained.exit_code == 0 and evaluated.exit_code == 0


def test_outside_a_step_the_api_says_it_works_inside_steps():
    with pytest.raises(RuntimeError, match=r"log_params\(\) works only inside a running step"):
        log_params({"a": 1})
    with pytest.raises(RuntimeError, match=r"log_metrics\(\) works only inside a running step"):
        log_metrics({"a": 1.0})


def test_a_step_without_a_tracker_is_told_to_declare_one_of_the_stacks_trackers(tmp_path):
    use_tracker("wandb", {"dir": str(tmp_path)})

    with pytest.raises(PipelineRunFailedError) as caught:
        untracked_pipeline()

    error = caught.value.errors["untracked"]
    assert isinstance(error, StackValidationError)
    message = str(error)
    assert (
        "Step 'untracked' called stackwise.log_metrics() but declares no experiment "
        "tracker" in message
    )
    assert '@step(experiment_tracker="tracker")' in message
    assert "stack 'wandb_stack' has experiment tracker(s) 'tracker'" in message


def test_on_a_stack_without_trackers_the_error_says_how_to_add_one():
    with pytest.raises(PipelineRunFailedError) as caught:
        untracked_pipeline()

    message = str(caught.value.errors["untracked"])
    assert "declares no experiment tracker" in message
    assert "stack 'default' has no experiment tracker" in message
    assert "stackwise stack update default -e <name>" in message


def test_values_that_are_not_params_or_metrics_are_refused_naming_the_key(tmp_path):
    use_tracker("wandb", {"dir": str(tmp_path)})

    run = bad_values_pipeline()

    assert len(CAUGHT) == 5, CAUGHT
    assert "metric 'auc' must be a single number, got 'high' (str)" in CAUGHT[0]
    assert "metric 'curve' must be a single number" in CAUGHT[1]
    assert "step must be an int (e.g. the epoch), got 1.5" in CAUGHT[2]
    assert "param 'model' cannot be logged" in CAUGHT[3]
    assert "keys must be non-empty strings; got 1 (int)" in CAUGHT[4]
    logged = read_offline_run(run.steps["bad_values"].run_metadata["wandb_run_dir"], wait=30)
    assert logged.config == {} and logged.metrics == {}


def test_a_step_asking_for_the_stacks_tracker_logs_to_it(tmp_path):
    """`experiment_tracker=True` means the stack's tracker, whatever its name (it was looked
    up as a tracker named 'True')."""
    use_tracker("wandb", {"dir": str(tmp_path)})

    run = any_tracker_pipeline()

    logged = read_offline_run(run.steps["any_tracker"].run_metadata["wandb_run_dir"], wait=30)
    assert logged.config == {"learning_rate": 0.1}


def test_a_run_whose_step_asks_for_the_stacks_tracker_can_be_resumed(tmp_path):
    """Resuming checked `experiment_tracker=True` as a tracker named 'True' and refused."""
    use_tracker("wandb", {"dir": str(tmp_path)})
    with pytest.raises(PipelineRunFailedError):
        flaky_tracked_pipeline()

    resumed = Client().resume_run("flaky_tracked_run")

    assert resumed.steps["flaky_tracked"].status == "completed"
    assert CAUGHT == ["ran", "ran"]
