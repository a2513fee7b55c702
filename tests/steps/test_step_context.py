"""`get_step_context()`: what a running step can learn about itself, and that it refuses to
work outside a step."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest

from stackwise import get_step_context, pipeline, step
from stackwise.exceptions import StepContextError

SEEN: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _reset_seen() -> Iterator[None]:
    SEEN.clear()
    yield
    SEEN.clear()


@step
def introspect() -> Annotated[dict, "report"]:
    context = get_step_context()
    SEEN["pipeline_name"] = context.pipeline.name
    SEEN["run_name"] = context.pipeline_run.name
    SEEN["run_id"] = context.pipeline_run.id
    SEEN["step_run_name"] = context.step_run.name
    SEEN["step_run_id"] = context.step_run.id
    SEEN["uri"] = context.get_output_artifact_uri()
    SEEN["uri_by_name"] = context.get_output_artifact_uri("report")
    return {"ok": True}


@step
def two_outputs() -> tuple[Annotated[int, "left"], Annotated[int, "right"]]:
    context = get_step_context()
    SEEN["left"] = context.get_output_artifact_uri("left")
    SEEN["right"] = context.get_output_artifact_uri("right")
    with pytest.raises(StepContextError, match=r"several outputs \(left, right\)"):
        context.get_output_artifact_uri()
    with pytest.raises(StepContextError, match="no output 'middle'"):
        context.get_output_artifact_uri("middle")
    SEEN["checked"] = True
    return 1, 2


@step
def writes_beside_its_output() -> Annotated[str, "notes"]:
    folder = Path(get_step_context().get_output_artifact_uri())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extra.txt").write_text("written by the step")
    return "notes"


@pipeline
def context_pipeline():
    introspect(id="look")


@pipeline
def two_outputs_pipeline():
    two_outputs()


@pipeline
def extra_file_pipeline():
    writes_beside_its_output()


def test_step_context_names_pipeline_run_and_step():
    run = context_pipeline()

    assert SEEN["pipeline_name"] == "context_pipeline"
    assert SEEN["run_name"] == run.name
    assert SEEN["run_id"] == run.id
    assert SEEN["step_run_name"] == "look"
    assert SEEN["step_run_id"] == run.steps["look"].id


def test_step_context_run_name_honours_run_name_option():
    run = context_pipeline.with_options(run_name="context-run-{date}")()

    assert run.name.startswith("context-run-")
    assert SEEN["run_name"] == run.name


def test_output_artifact_uri_is_where_the_output_is_saved():
    run = context_pipeline()

    output = run.steps["look"].output
    assert SEEN["uri"] == SEEN["uri_by_name"] == output.uri
    assert Path(output.uri).is_dir()
    assert output.load() == {"ok": True}


def test_output_artifact_uri_needs_a_name_when_there_are_several_outputs():
    run = two_outputs_pipeline()

    assert SEEN["checked"] is True
    assert SEEN["left"] == run.steps["two_outputs"].outputs["left"].uri
    assert SEEN["right"] == run.steps["two_outputs"].outputs["right"].uri
    assert SEEN["left"] != SEEN["right"]


def test_files_written_to_the_output_uri_are_kept_with_the_artifact():
    run = extra_file_pipeline()

    output = run.steps["writes_beside_its_output"].output
    assert (Path(output.uri) / "extra.txt").read_text() == "written by the step"
    assert output.load() == "notes"


def test_get_step_context_outside_a_step_raises_runtime_error():
    with pytest.raises(RuntimeError, match="only inside a running step"):
        get_step_context()


def test_get_step_context_in_a_step_called_outside_a_pipeline_raises():
    with pytest.raises(RuntimeError, match="only inside a running step"):
        introspect()


def test_step_context_is_gone_after_the_run():
    context_pipeline()

    with pytest.raises(RuntimeError):
        get_step_context()
