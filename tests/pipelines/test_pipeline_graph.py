"""`@pipeline` as users write it: with and without options, data edges, `after=` ordering,
fan-out / fan-in, parameters, and `with_options` copies."""

from collections.abc import Iterator
from typing import Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import PipelineCompilationError, StepInterfaceError
from stackwise.pipelines.pipeline import Pipeline

LOG: list[str] = []


@pytest.fixture(autouse=True)
def _reset_log() -> Iterator[None]:
    LOG.clear()
    yield
    LOG.clear()


@step
def source(n: int = 3) -> Annotated[list, "numbers"]:
    LOG.append("source")
    return list(range(n))


@step
def double(numbers: list) -> Annotated[list, "doubled"]:
    LOG.append("double")
    return [2 * x for x in numbers]


@step
def square(numbers: list) -> Annotated[list, "squared"]:
    LOG.append("square")
    return [x * x for x in numbers]


@step
def join(left: list, right: list) -> Annotated[dict, "joined"]:
    LOG.append("join")
    return {"left": left, "right": right}


@step
def marker(label: str) -> None:
    LOG.append(label)


@pipeline
def diamond(n: int = 3):
    numbers = source(n=n)
    join(left=double(numbers), right=square(numbers))


@pipeline(name="renamed_pipeline", enable_cache=False, extra={"team": "ml"})
def with_options_pipeline():
    marker(label="only")


@pipeline
def after_by_id():
    # declared first, but must run after `setup`, which it reaches only through after=
    marker(label="second", id="use", after="setup")
    marker(label="first", id="setup")


@pipeline
def after_by_step_and_artifact():
    numbers = source()
    marker(label="cleanup", id="cleanup", after=[numbers])
    marker(label="last", id="last", after=marker)


@step(extra={"owner": "ana"})
def owned() -> int:
    return 1


@pipeline(extra={"team": "ml", "owner": "nobody"})
def extra_pipeline():
    owned()


def test_bare_pipeline_decorator_runs_and_records_a_completed_run():
    assert isinstance(diamond, Pipeline)
    assert diamond.name == "diamond"

    run = diamond()

    assert run.status == "completed"
    assert run.pipeline_name == "diamond"
    assert Client().get_pipeline("diamond").last_run.id == run.id


def test_pipeline_decorator_options_name_the_pipeline_and_set_defaults():
    assert with_options_pipeline.name == "renamed_pipeline"

    first = with_options_pipeline()
    second = with_options_pipeline()

    assert first.pipeline_name == "renamed_pipeline"
    assert second.steps["marker"].status == "completed"  # enable_cache=False
    assert LOG == ["only", "only"]
    assert Client().list_pipeline_runs(pipeline_name="renamed_pipeline").total == 2


def test_unknown_pipeline_option_is_rejected():
    with pytest.raises(StepInterfaceError, match=r"unknown option\(s\) \['cache'\]"):

        @pipeline(cache=False)
        def _never():
            marker(label="x")


def test_fan_out_and_fan_in_pass_data_along_every_edge():
    run = diamond(n=4)

    assert set(run.steps) == {"source", "double", "square", "join"}
    assert run.steps["join"].output.load() == {"left": [0, 2, 4, 6], "right": [0, 1, 4, 9]}
    assert LOG[0] == "source" and LOG[-1] == "join"
    assert set(LOG[1:3]) == {"double", "square"}
    numbers_id = run.steps["source"].output.id
    assert run.steps["double"].inputs["numbers"].id == numbers_id
    assert run.steps["square"].inputs["numbers"].id == numbers_id
    assert run.steps["join"].inputs["left"].id == run.steps["double"].output.id
    assert run.steps["join"].inputs["right"].id == run.steps["square"].output.id


def test_after_by_invocation_id_orders_steps_without_passing_data():
    run = after_by_id()

    assert LOG == ["first", "second"]
    assert run.steps["use"].inputs == {}
    assert run.steps["setup"].end_time <= run.steps["use"].start_time


def test_after_accepts_step_outputs_and_steps():
    run = after_by_step_and_artifact()

    assert LOG == ["source", "cleanup", "last"]
    assert run.steps["cleanup"].inputs == {}
    assert run.steps["source"].end_time <= run.steps["cleanup"].start_time
    assert run.steps["cleanup"].end_time <= run.steps["last"].start_time


def test_pipeline_parameters_flow_to_steps_and_are_recorded():
    run = diamond(n=2)

    assert run.config.parameters == {"n": 2}
    assert run.steps["source"].config.parameters == {"n": 2}
    assert run.steps["source"].output.load() == [0, 1]


def test_pipeline_parameter_defaults_are_recorded():
    run = diamond()

    assert run.config.parameters == {"n": 3}


def test_positional_pipeline_arguments_work():
    run = diamond(2)

    assert run.config.parameters == {"n": 2}


def test_pipeline_extra_is_merged_into_each_step_extra_and_the_step_wins():
    run = extra_pipeline()

    assert run.steps["owned"].config.extra == {"team": "ml", "owner": "ana"}


def test_pipeline_with_options_returns_a_copy_and_leaves_the_original_alone():
    copy = diamond.with_options(enable_cache=False, run_name="diamond-manual")

    assert copy is not diamond
    assert copy.enable_cache is False
    assert copy.run_name == "diamond-manual"
    assert diamond.enable_cache is None
    assert diamond.run_name is None

    first = diamond()
    LOG.clear()
    run = copy()

    assert run.name == "diamond-manual"
    assert {s.status for s in run.steps.values()} == {"completed"}
    assert LOG.count("source") == 1
    assert first.name != "diamond-manual"


def test_pipeline_with_options_rejects_unknown_options():
    with pytest.raises(StepInterfaceError, match="unknown option"):
        diamond.with_options(cache=False)


def test_pipeline_that_calls_no_steps_is_a_compile_error():
    @pipeline
    def empty():
        pass

    with pytest.raises(PipelineCompilationError, match="calls no steps"):
        empty()
    assert Client().list_pipeline_runs().total == 0


def test_calling_a_pipeline_inside_another_pipeline_is_an_error():
    @pipeline
    def outer():
        diamond()

    with pytest.raises(StepInterfaceError, match="called inside another pipeline"):
        outer()


@pipeline
def reconfigured_pipeline():
    marker(label="reconfigured")


def test_configure_changes_the_pipeline_in_place_like_zenml():
    """ZenML: `my_pipeline.configure(enable_cache=False)` modifies the pipeline in place;
    `.with_options()` is the copying form."""
    returned = reconfigured_pipeline.configure(enable_cache=False)

    assert reconfigured_pipeline.enable_cache is False
    assert returned is reconfigured_pipeline
