"""`on_failure` / `on_success` hooks: who gets called, with what, with the step context
available, pipeline-level hooks as defaults, and hooks never changing a step's outcome."""

from collections.abc import Iterator
from typing import Any

import pytest

from stackwise import get_step_context, pipeline, step
from stackwise.exceptions import PipelineRunFailedError

HOOK_LOG: list[tuple[str, Any]] = []


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    HOOK_LOG.clear()
    yield
    HOOK_LOG.clear()


# -- hooks -----------------------------------------------------------------------------------
def failure_with_exception(exception: BaseException) -> None:
    HOOK_LOG.append(("failure_with_exception", exception))


def failure_without_arguments() -> None:
    HOOK_LOG.append(("failure_without_arguments", None))


def failure_reading_context() -> None:
    context = get_step_context()
    HOOK_LOG.append(
        (
            "failure_context",
            (context.step_run.name, context.pipeline.name, context.pipeline_run.name),
        )
    )


def success_reading_context() -> None:
    context = get_step_context()
    HOOK_LOG.append(("success_context", (context.step_run.name, context.pipeline.name)))


def pipeline_failure_hook(exception: BaseException) -> None:
    HOOK_LOG.append(("pipeline_failure", get_step_context().step_run.name))


def pipeline_success_hook() -> None:
    HOOK_LOG.append(("pipeline_success", get_step_context().step_run.name))


def step_success_hook() -> None:
    HOOK_LOG.append(("step_success", get_step_context().step_run.name))


def raising_hook(*_: Any) -> None:
    HOOK_LOG.append(("raising_hook", None))
    raise RuntimeError("the hook itself is broken")


# -- steps -----------------------------------------------------------------------------------
@step(on_failure=failure_with_exception)
def fails_with_exception_hook() -> int:
    raise ValueError("broken step")


@step(on_failure=failure_without_arguments)
def fails_with_plain_hook() -> int:
    raise ValueError("broken step")


@step(on_failure=failure_reading_context)
def fails_with_context_hook() -> int:
    raise ValueError("broken step")


@step(on_success=success_reading_context, on_failure=failure_with_exception)
def succeeds_with_hooks() -> int:
    return 1


@step
def plain_success() -> int:
    return 2


@step
def plain_failure() -> int:
    raise KeyError("missing")


@step(on_success=step_success_hook, on_failure=failure_without_arguments)
def own_hooks_success() -> int:
    return 3


@step(on_failure=failure_without_arguments)
def own_hooks_failure() -> int:
    raise ValueError("own")


@step(on_success=raising_hook)
def success_with_raising_hook() -> int:
    return 4


@step(on_failure=raising_hook)
def failure_with_raising_hook() -> int:
    raise ValueError("the step's own error")


# -- pipelines -------------------------------------------------------------------------------
@pipeline
def exception_hook_pipeline():
    fails_with_exception_hook()


@pipeline
def plain_hook_pipeline():
    fails_with_plain_hook()


@pipeline
def context_hook_pipeline():
    fails_with_context_hook()


@pipeline
def success_pipeline():
    succeeds_with_hooks()


@pipeline(on_failure=pipeline_failure_hook, on_success=pipeline_success_hook)
def defaults_pipeline():
    plain_success()
    plain_failure()


@pipeline(on_failure=pipeline_failure_hook, on_success=pipeline_success_hook)
def override_pipeline():
    own_hooks_success()
    own_hooks_failure()


@pipeline
def raising_success_hook_pipeline():
    success_with_raising_hook()


@pipeline
def raising_failure_hook_pipeline():
    failure_with_raising_hook()


def test_on_failure_receives_the_exception_when_its_signature_asks():
    with pytest.raises(PipelineRunFailedError):
        exception_hook_pipeline()

    assert len(HOOK_LOG) == 1
    name, exception = HOOK_LOG[0]
    assert name == "failure_with_exception"
    assert isinstance(exception, ValueError)
    assert str(exception) == "broken step"


def test_on_failure_without_parameters_is_called_without_arguments():
    with pytest.raises(PipelineRunFailedError):
        plain_hook_pipeline()

    assert HOOK_LOG == [("failure_without_arguments", None)]


def test_get_step_context_works_inside_an_on_failure_hook():
    with pytest.raises(PipelineRunFailedError) as info:
        context_hook_pipeline()

    run_name = info.value.run.name
    assert HOOK_LOG == [
        ("failure_context", ("fails_with_context_hook", "context_hook_pipeline", run_name))
    ]


def test_on_success_runs_on_success_with_the_step_context_and_on_failure_does_not():
    run = success_pipeline()

    assert run.status == "completed"
    assert HOOK_LOG == [("success_context", ("succeeds_with_hooks", "success_pipeline"))]


def test_on_success_does_not_run_for_a_cached_step():
    success_pipeline()
    HOOK_LOG.clear()

    run = success_pipeline()

    assert run.steps["succeeds_with_hooks"].status == "cached"
    assert HOOK_LOG == []


def test_pipeline_level_hooks_are_the_default_for_steps_without_their_own():
    with pytest.raises(PipelineRunFailedError):
        defaults_pipeline()

    assert sorted(HOOK_LOG) == [
        ("pipeline_failure", "plain_failure"),
        ("pipeline_success", "plain_success"),
    ]


def test_step_hooks_override_pipeline_level_hooks():
    with pytest.raises(PipelineRunFailedError):
        override_pipeline()

    assert sorted(HOOK_LOG) == [
        ("failure_without_arguments", None),
        ("step_success", "own_hooks_success"),
    ]


def test_raising_on_success_hook_does_not_fail_the_step():
    run = raising_success_hook_pipeline()

    assert HOOK_LOG == [("raising_hook", None)]
    assert run.status == "completed"
    assert run.steps["success_with_raising_hook"].status == "completed"
    assert run.steps["success_with_raising_hook"].output.load() == 4


def test_raising_on_failure_hook_keeps_the_step_failed_with_its_own_error():
    with pytest.raises(PipelineRunFailedError, match="ValueError: the step's own error") as info:
        raising_failure_hook_pipeline()

    assert HOOK_LOG == [("raising_hook", None)]
    step_run = info.value.run.steps["failure_with_raising_hook"]
    assert step_run.status == "failed"
    assert "the step's own error" in step_run.exception_info["traceback"]
    assert "the hook itself is broken" not in step_run.exception_info["traceback"]


def test_non_callable_hook_is_rejected_when_the_step_is_defined():
    from stackwise.exceptions import StepInterfaceError

    with pytest.raises(StepInterfaceError, match="on_failure must be a function"):

        @step(on_failure="not a function")
        def _never() -> int:
            return 1
