"""`get_pipeline_context()`: the traced pipeline's name and options while its function runs,
and a RuntimeError anywhere else (outside, inside a step, after the call)."""

from __future__ import annotations

from typing import Any

import pytest

from stackwise import get_pipeline_context, pipeline, step
from stackwise.pipelines import PipelineContext

SEEN: list[Any] = []


@step
def echo(value: str) -> str:
    try:
        get_pipeline_context()
    except RuntimeError as error:
        SEEN.append(str(error))
    return value


@pipeline(
    name="configured_name", enable_cache=False, extra={"flavour": "vanilla"}, enable_step_logs=False
)
def configured():
    context = get_pipeline_context()
    SEEN.append(context)
    echo(context.extra["flavour"])


def test_the_context_holds_the_pipeline_options():
    SEEN.clear()
    run = configured()

    context, step_error = SEEN
    assert isinstance(context, PipelineContext)
    assert context.name == "configured_name"
    assert context.enable_cache is False and context.enable_step_logs is False
    assert context.enable_artifact_metadata is None and context.model is None
    assert context.extra == {"flavour": "vanilla"} and context.settings == {}
    assert "inside a step use get_step_context()" in step_error
    assert run.steps["echo"].output.load() == "vanilla"


def test_with_options_changes_what_the_context_says():
    SEEN.clear()
    configured.with_options(extra={"flavour": "mint"})()
    assert SEEN[0].extra == {"flavour": "mint"}


def test_outside_a_pipeline_function_it_raises():
    with pytest.raises(RuntimeError, match="no pipeline is active"):
        get_pipeline_context()
    SEEN.clear()
    configured()
    with pytest.raises(RuntimeError, match="no pipeline is active"):
        get_pipeline_context()


def test_a_context_reads_a_mapping_or_an_object():
    assert PipelineContext({"name": "p", "extra": {"a": 1}}).extra == {"a": 1}

    class Config:
        name = "q"
        enable_cache = True

    context = PipelineContext(Config())
    assert (context.name, context.enable_cache, context.settings) == ("q", True, {})
