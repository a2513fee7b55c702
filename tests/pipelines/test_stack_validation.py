"""A step that needs a stack component the active stack lacks stops the run before any step
executes, with a message that names the step, the component and the command that fixes it."""

from collections.abc import Iterator

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import StackValidationError

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


@step
def prepare() -> int:
    CALLS.append("prepare")
    return 1


@step(experiment_tracker="mlflow_tracker")
def train(value: int) -> int:
    CALLS.append("train")
    return value


@step(experiment_tracker="wandb_tracker")
def evaluate(value: int) -> int:
    CALLS.append("evaluate")
    return value


@pipeline
def tracked():
    train(prepare())


@pipeline
def doubly_tracked():
    value = prepare()
    train(value)
    evaluate(value)


def test_missing_experiment_tracker_fails_before_any_step_runs():
    with pytest.raises(StackValidationError) as info:
        tracked()

    message = str(info.value)
    assert "Step 'train'" in message
    assert "experiment_tracker='mlflow_tracker'" in message
    assert "active stack 'default'" in message
    assert "stackwise stack update default -e mlflow_tracker" in message
    assert "stackwise experiment-tracker register mlflow_tracker" in message
    assert CALLS == []
    assert Client().list_pipeline_runs().total == 0


def test_every_missing_component_is_reported_at_once():
    with pytest.raises(StackValidationError, match=r"\(2 problems\)") as info:
        doubly_tracked()

    message = str(info.value)
    assert "'mlflow_tracker'" in message
    assert "'wandb_tracker'" in message
    assert CALLS == []
    assert Client().list_pipeline_runs().total == 0


def test_stack_validation_error_is_importable_from_exceptions_and_is_a_stackwise_error():
    from stackwise.exceptions import StackwiseError

    assert issubclass(StackValidationError, StackwiseError)


def test_tracker_named_in_run_config_is_validated_too(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("steps:\n  prepare:\n    experiment_tracker: other_tracker\n")

    with pytest.raises(
        StackValidationError, match="Step 'prepare' uses experiment_tracker='other_tracker'"
    ):
        tracked.with_options(config_path=config)()
    assert CALLS == []
    assert Client().list_pipeline_runs().total == 0
