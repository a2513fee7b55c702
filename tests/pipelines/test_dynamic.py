"""Dynamic pipelines (`@pipeline(dynamic=True)`): steps run as the function calls them. What a
user relies on beyond ZenML's shapes (tests/conformance/programs/dynamic_*.py): values that
are not JSON pass as artifacts, caching works across runs, misuse is refused with what to do,
and a dynamic run is never resumed or run on an orchestrator that would be bypassed."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pytest

from stackwise import pipeline, step, unmapped
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import (
    PipelineCompilationError,
    PipelineRunFailedError,
    RunNotResumableError,
    StackValidationError,
    StepInterfaceError,
)

CALLS: list[str] = []


@step
def numbers(n: int = 3) -> list[int]:
    CALLS.append("numbers")
    return list(range(1, n + 1))


@step
def double(x: int) -> int:
    CALLS.append(f"double({x})")
    return 2 * x


@step
def rows(frame: pd.DataFrame) -> int:
    return len(frame)


@step
def both() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    return 1, 2


@step
def add(x: int, y: int) -> int:
    return x + y


@step
def boom(x: int) -> int:
    raise ValueError(f"cannot take {x}")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


def test_steps_run_when_called_and_the_function_branches_on_their_outputs() -> None:
    @pipeline(dynamic=True, enable_cache=False)
    def branching(n: int) -> None:
        xs = numbers(n=n)
        for x in xs.load():
            if x % 2:
                double(x)

    run = branching(n=4)
    assert run.status == ExecutionStatus.COMPLETED
    assert CALLS == ["numbers", "double(1)", "double(3)"]
    recorded = Client().get_pipeline_run(run.id)
    assert list(recorded.steps) == ["numbers", "double", "double_2"]
    assert recorded.steps["double_2"].outputs["output"][0].load() == 6
    # the recorded spec lists every step that ran, with the dependency on its producer
    assert recorded.steps["double"].spec.upstream_steps == []  # a loaded value, no artifact


def test_a_dataframe_passed_as_a_value_becomes_an_input_artifact() -> None:
    @pipeline(dynamic=True, enable_cache=False)
    def frames() -> None:
        rows(pd.DataFrame({"a": [1, 2, 3]}))

    run = frames()
    step_run = Client().get_pipeline_run(run.id).steps["rows"]
    assert step_run.outputs["output"][0].load() == 3
    assert list(step_run.inputs["frame"][0].load()["a"]) == [1, 2, 3]


def test_mapped_steps_are_cached_on_the_next_run() -> None:
    @pipeline(dynamic=True)
    def cached() -> None:
        double.map(numbers())

    cached()
    CALLS.clear()
    run = cached()
    statuses = {n: s.status for n, s in Client().get_pipeline_run(run.id).steps.items()}
    assert CALLS == []
    assert set(statuses.values()) == {ExecutionStatus.CACHED}, statuses
    assert len(statuses) == 4


def test_map_refuses_inputs_of_different_lengths_and_inputs_it_cannot_map() -> None:
    @step
    def two_lists() -> tuple[Annotated[list[int], "a"], Annotated[list[int], "b"]]:
        return [1, 2], [1, 2, 3]

    @pipeline(dynamic=True, enable_cache=False)
    def mismatched() -> None:
        a, b = two_lists()
        add.map(x=a, y=b)

    with pytest.raises(ValueError, match=r"'x' has 2, 'y' has 3.*\.product\(\)"):
        mismatched()
    assert Client().get_pipeline("mismatched").last_run.status == ExecutionStatus.FAILED

    @pipeline(dynamic=True, enable_cache=False)
    def nothing_to_map() -> None:
        double.map(x=unmapped(3))

    with pytest.raises(RuntimeError, match="no inputs to map over"):
        nothing_to_map()


def test_unmapped_outside_map_and_multi_output_futures_are_refused() -> None:
    @pipeline(dynamic=True, enable_cache=False)
    def misuse_unmapped() -> None:
        double(unmapped(1))

    with pytest.raises(StepInterfaceError, match="unmapped"):
        misuse_unmapped()

    @pipeline(dynamic=True, enable_cache=False)
    def whole_tuple() -> None:
        double(both.submit())

    with pytest.raises(StepInterfaceError, match="'both', which has 2 outputs; pick one"):
        whole_tuple()


def test_a_step_error_fails_the_run_with_the_step_named() -> None:
    @pipeline(dynamic=True, enable_cache=False)
    def failing() -> None:
        numbers()
        boom(7)
        numbers(n=1)  # never reached: the plain call raised

    with pytest.raises(PipelineRunFailedError, match="boom") as caught:
        failing()
    assert isinstance(caught.value.errors["boom"], ValueError)
    run = Client().get_pipeline("failing").last_run
    assert run.status == ExecutionStatus.FAILED
    assert list(run.steps) == ["numbers", "boom"]
    assert "cannot take 7" in run.steps["boom"].exception_info.traceback


def test_an_error_of_the_function_itself_propagates_and_fails_the_run() -> None:
    @pipeline(dynamic=True, enable_cache=False)
    def buggy() -> None:
        numbers()
        raise KeyError("in the pipeline body")

    with pytest.raises(KeyError, match="in the pipeline body"):
        buggy()
    run = Client().get_pipeline("buggy").last_run
    assert run.status == ExecutionStatus.FAILED
    assert run.steps["numbers"].status == ExecutionStatus.COMPLETED


def test_a_failed_dynamic_run_cannot_be_resumed_or_replayed() -> None:
    @pipeline(dynamic=True, enable_cache=False)
    def to_resume() -> None:
        boom(1)

    with pytest.raises(PipelineRunFailedError):
        to_resume()
    run = Client().get_pipeline("to_resume").last_run
    for action in (Client().resume_run, Client().replay_pipeline_run):
        with pytest.raises(RunNotResumableError, match="dynamic pipeline 'to_resume'.*again"):
            action(run.id)


def test_dynamic_pipelines_cannot_be_compiled_ahead() -> None:
    @pipeline(dynamic=True)
    def ahead() -> None:
        numbers()

    for action in (ahead.compile, ahead.plan, ahead.prepare):
        with pytest.raises(PipelineCompilationError, match="is dynamic"):
            action()


def test_an_orchestrator_running_steps_elsewhere_is_refused_before_recording() -> None:
    client = Client()
    client.create_stack_component("parallel", "local_parallel", "orchestrator", {})
    client.create_stack("parallel", {"orchestrator": "parallel", "artifact_store": "default"})
    client.activate_stack("parallel")

    @pipeline(dynamic=True)
    def elsewhere() -> None:
        numbers()

    with pytest.raises(StackValidationError, match="local_parallel.*local orchestrator"):
        elsewhere()
    assert client.list_pipeline_runs().total == 0
    assert CALLS == []
