"""Mistakes in a pipeline are found when it is compiled: every problem is reported in one
error, before any run is recorded and before any step body executes."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import ConfigError, PipelineCompilationError

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


class Opaque:
    """Not a JSON value."""


@step
def make_text() -> Annotated[str, "text"]:
    CALLS.append("make_text")
    return "hello"


@step
def needs_int(number: int) -> int:
    CALLS.append("needs_int")
    return number + 1


@step
def configurable(config: dict, scale: int = 1) -> int:
    CALLS.append("configurable")
    return scale


@step
def tick(label: str = "tick") -> None:
    CALLS.append(label)


def _assert_nothing_ran() -> None:
    assert Client().list_pipeline_runs().total == 0
    assert CALLS == []


def _yaml(text: str) -> Path:
    path = Path("run.yaml")
    path.write_text(text)
    return path


# -- one problem at a time -------------------------------------------------------------------
@pipeline
def non_json_parameter():
    untyped(config=Opaque())


@step
def untyped(config) -> int:  # no annotation: any value fits, but it must be JSON
    return 1


@pipeline
def mistyped_parameter():
    configurable(config=Opaque(), scale="2")


@pipeline
def missing_input():
    needs_int()


@pipeline
def incompatible_wiring():
    needs_int(make_text())


@pipeline
def cycle():
    tick(label="a", id="a", after="b")
    tick(label="b", id="b", after="a")


@pipeline
def after_unknown():
    tick(id="a", after="nowhere")


@pipeline
def duplicate_ids():
    tick(id="same")
    tick(id="same")


@pipeline
def tick_pipeline(label: str = "tick"):
    tick(label=label)


def test_non_json_parameter_names_step_and_argument():
    with pytest.raises(
        PipelineCompilationError,
        match=r"Step 'untyped' parameter 'config' is a Opaque, which is not "
        r"JSON-serializable",
    ):
        non_json_parameter()
    _assert_nothing_ran()


def test_step_parameters_are_checked_against_annotations_at_compile():
    """As ZenML: a value that cannot be the annotated type is refused before anything runs;
    one that can ("2" for an int) is converted."""
    with pytest.raises(PipelineCompilationError) as info:
        mistyped_parameter()
    message = str(info.value)
    assert "(1 problem)" in message
    assert "Step 'configurable' parameter 'config' expects dict but was given" in message
    assert "(Opaque): Input should be a valid dictionary." in message
    _assert_nothing_ran()


def test_non_json_pipeline_parameter_is_rejected():
    with pytest.raises(
        PipelineCompilationError,
        match=r"Pipeline parameter 'label' is a Opaque, which is not "
        r"JSON-serializable",
    ):
        tick_pipeline(label=Opaque())
    _assert_nothing_ran()


def test_missing_input_is_reported():
    with pytest.raises(
        PipelineCompilationError, match=r"Step 'needs_int' input 'number' is not given"
    ):
        missing_input()
    _assert_nothing_ran()


def test_incompatible_annotated_types_are_reported():
    with pytest.raises(
        PipelineCompilationError,
        match=r"Step 'needs_int' input 'number' expects int but 'make_text' "
        r"output 'text' is str",
    ):
        incompatible_wiring()
    _assert_nothing_ran()


def test_cycle_through_after_is_reported():
    with pytest.raises(
        PipelineCompilationError,
        match=r"The steps form a cycle: (a -> b -> a|"
        r"b -> a -> b)",
    ):
        cycle()
    _assert_nothing_ran()


def test_after_an_unknown_invocation_is_reported():
    with pytest.raises(
        PipelineCompilationError,
        match=r"Step 'a' runs after 'nowhere', which is not a step invocation",
    ):
        after_unknown()
    _assert_nothing_ran()


def test_duplicate_invocation_ids_are_reported():
    with pytest.raises(PipelineCompilationError, match="Two step invocations use id 'same'"):
        duplicate_ids()
    _assert_nothing_ran()


# -- run config problems ---------------------------------------------------------------------
def test_unknown_step_id_in_run_config_is_reported():
    config = _yaml("steps:\n  tock:\n    parameters:\n      label: x\n")

    with pytest.raises(
        PipelineCompilationError,
        match=r"steps\.tock names no step invocation of this pipeline; "
        r"invocations are tick",
    ):
        tick_pipeline.with_options(config_path=config)()
    _assert_nothing_ran()


def test_unknown_pipeline_parameter_in_run_config_is_reported():
    config = _yaml("parameters:\n  lable: x\n")

    with pytest.raises(
        ConfigError,
        match=r"parameters\.lable is not a parameter of pipeline "
        r"'tick_pipeline' \(it takes label\)",
    ):
        tick_pipeline.with_options(config_path=config)()
    _assert_nothing_ran()


def test_unknown_step_parameter_in_run_config_is_reported():
    config = _yaml("steps:\n  tick:\n    parameters:\n      colour: red\n")

    with pytest.raises(
        PipelineCompilationError,
        match=r"steps\.tick\.parameters names 'colour', which step 'tick' does "
        r"not take",
    ):
        tick_pipeline.with_options(config_path=config)()
    _assert_nothing_ran()


def test_unknown_key_in_run_config_is_reported():
    config = _yaml("enable_caching: false\n")

    with pytest.raises(
        ConfigError,
        match=r"unknown key 'enable_caching'\. Did you mean "
        r"'enable_cache'\?",
    ):
        tick_pipeline.with_options(config_path=config)()
    _assert_nothing_ran()


def test_missing_run_config_file_is_reported():
    with pytest.raises(ConfigError, match=r"does not exist"):
        tick_pipeline.with_options(config_path="nowhere.yaml")()
    _assert_nothing_ran()


def test_pipeline_parameter_given_in_code_and_yaml_with_different_values_is_an_error():
    config = _yaml("parameters:\n  label: from-yaml\n")

    with pytest.raises(
        ConfigError,
        match=r"Pipeline parameter 'label' is 'from-code' in code but "
        r"'from-yaml' in .*run\.yaml; set it in one place",
    ):
        tick_pipeline.with_options(config_path=config)(label="from-code")
    _assert_nothing_ran()


def test_pipeline_parameter_given_in_code_and_yaml_with_the_same_value_is_fine():
    config = _yaml("parameters:\n  label: same\n")

    run = tick_pipeline.with_options(config_path=config)(label="same")

    assert run.status == "completed"
    assert CALLS == ["same"]


@pipeline
def step_parameter_in_code():
    tick(label="from-code")


def test_step_parameter_given_in_code_and_yaml_with_different_values_is_an_error():
    config = _yaml("steps:\n  tick:\n    parameters:\n      label: from-yaml\n")

    with pytest.raises(
        PipelineCompilationError,
        match=r"Step 'tick' parameter 'label' is 'from-code' in code but "
        r"'from-yaml' in .*run\.yaml; set it in one place",
    ):
        step_parameter_in_code.with_options(config_path=config)()
    _assert_nothing_ran()


# -- several problems at once ----------------------------------------------------------------
@pipeline
def many_problems():
    untyped(config=Opaque())
    needs_int(id="unwired")
    needs_int(make_text(), id="mistyped")


def test_all_compile_problems_are_reported_together():
    config = _yaml("steps:\n  ghost:\n    enable_cache: false\n")

    with pytest.raises(PipelineCompilationError) as info:
        many_problems.with_options(config_path=config)()

    message = str(info.value)
    assert "Pipeline 'many_problems' cannot be compiled (4 problems)" in message
    assert "parameter 'config' is a Opaque" in message
    assert "Step 'unwired' input 'number' is not given" in message
    assert "Step 'mistyped' input 'number' expects int" in message
    assert "steps.ghost names no step invocation" in message
    _assert_nothing_ran()


def test_run_config_parameter_problems_are_reported_with_compile_problems():
    """A run config with a wrong pipeline parameter *and* a wrong step id: a user fixing one
    should not discover the other only on the next attempt."""
    config = _yaml("parameters:\n  lable: x\nsteps:\n  tock:\n    enable_cache: false\n")

    with pytest.raises(ValueError) as info:
        tick_pipeline.with_options(config_path=config)()

    message = str(info.value)
    assert "parameters.lable is not a parameter" in message
    assert "steps.tock names no step invocation" in message
    _assert_nothing_ran()


def test_compile_gives_the_spec_or_the_same_errors_without_running_anything():
    with pytest.raises(PipelineCompilationError, match="expects int"):
        incompatible_wiring.compile()

    spec = tick_pipeline.compile(label="x").spec

    assert list(spec.steps) == ["tick"]
    assert spec.steps["tick"].parameters == {"label": "x"}
    _assert_nothing_ran()
