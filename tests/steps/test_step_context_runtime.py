"""The runtime half of `get_step_context()`: output metadata and tags buffered during the step
and written with its outputs (within the step's two write transactions), ArtifactConfig's
metadata and type, output materializers, inputs, and the class-level `is_active()`/`get()`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import pytest

from stackwise import ArtifactConfig, Tag, get_step_context, pipeline, step
from stackwise.client import Client
from stackwise.enums import ArtifactType
from stackwise.exceptions import StepContextError
from stackwise.materializers.built_in_materializer import BuiltInMaterializer
from stackwise.steps import StepContext

SEEN: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _reset_seen() -> Iterator[None]:
    SEEN.clear()
    yield
    SEEN.clear()


@step
def annotated() -> tuple[
    Annotated[int, "plain"],
    Annotated[
        int,
        ArtifactConfig(
            name="configured",
            tags=["cfg", "drop_me"],
            run_metadata={"from_config": 1},
            artifact_type=ArtifactType.MODEL,
        ),
    ],
]:
    context = get_step_context()
    SEEN["active"] = StepContext.is_active()
    SEEN["get"] = StepContext.get() is context
    context.add_output_metadata({"k": 1}, output_name="plain")
    context.add_output_metadata({"k": 2, "j": [1, 2]}, output_name="plain")
    context.add_output_tags(["t1", Tag(name="t2"), "t1"], output_name="plain")
    context.remove_output_tags(["drop_me", "never"], output_name="configured")
    SEEN["meta_plain"] = context.get_output_metadata("plain")
    SEEN["meta_configured"] = context.get_output_metadata("configured")
    SEEN["tags_plain"] = context.get_output_tags("plain")
    SEEN["tags_configured"] = context.get_output_tags("configured")
    SEEN["materializer"] = context.get_output_materializer("plain")
    SEEN["custom"] = context.get_output_materializer(
        "plain", custom_materializer_class=BuiltInMaterializer
    )
    SEEN["uri"] = context.get_output_artifact_uri("plain")
    SEEN["pipeline_state"] = context.pipeline_state
    SEEN["model_version"] = context.model_version
    with pytest.raises(StepContextError, match="has no model"):
        context.model  # noqa: B018
    return 1, 2


@step
def consume(plain: int, configured: int) -> None:
    inputs = get_step_context().inputs
    SEEN["inputs"] = {name: versions.load() for name, versions in inputs.items()}
    SEEN["input_types"] = {name: versions[0].input_type for name, versions in inputs.items()}


@step
def nothing_out() -> None:
    context = get_step_context()
    for call in (
        lambda: context.add_output_metadata({"x": 1}),
        lambda: context.get_output_tags(),
        lambda: context.get_output_materializer(),
    ):
        with pytest.raises(StepContextError, match="has no outputs"):
            call()
    SEEN["checked"] = True


@pipeline(enable_cache=False)
def runtime_pipeline():
    plain, configured = annotated()
    consume(plain, configured)
    nothing_out()


def test_buffered_metadata_and_tags_land_on_the_saved_versions():
    run = runtime_pipeline()

    assert SEEN["active"] is True and SEEN["get"] is True
    assert SEEN["meta_plain"] == {"k": 2, "j": [1, 2]}
    assert SEEN["meta_configured"] == {"from_config": 1}
    assert SEEN["tags_plain"] == ["t1", "t2"]
    assert SEEN["tags_configured"] == ["cfg"]
    step_run = Client().get_pipeline_run(run.id).steps["annotated"]
    plain = step_run.outputs["plain"][0]
    configured = step_run.outputs["configured"][0]
    assert plain.run_metadata["k"] == 2 and plain.run_metadata["j"] == [1, 2]
    assert sorted(t.name for t in plain.tags) == ["t1", "t2"]
    assert configured.run_metadata["from_config"] == 1
    assert [t.name for t in configured.tags] == ["cfg"]
    assert configured.type == ArtifactType.MODEL
    assert plain.type == ArtifactType.DATA
    assert configured.artifact.tags == []
    assert plain.uri == SEEN["uri"]


def test_output_materializer_writes_into_the_output_uri():
    runtime_pipeline()

    materializer = SEEN["materializer"]
    assert isinstance(materializer, BuiltInMaterializer)
    assert materializer.uri == SEEN["uri"]
    assert isinstance(SEEN["custom"], BuiltInMaterializer)


def test_inputs_are_the_versions_the_step_received():
    runtime_pipeline()

    assert SEEN["inputs"] == {"plain": 1, "configured": 2}
    assert SEEN["input_types"] == {"plain": "step_output", "configured": "step_output"}


def test_a_step_without_outputs_refuses_output_calls_and_has_no_state():
    runtime_pipeline()

    assert SEEN["checked"] is True
    assert SEEN["pipeline_state"] is None and SEEN["model_version"] is None


def test_outside_a_step_the_context_is_not_active():
    assert StepContext.is_active() is False
    assert StepContext.get() is None
    with pytest.raises(StepContextError, match="only inside a running step"):
        get_step_context()


def test_metadata_that_cannot_be_stored_fails_at_the_call():
    @step
    def bad() -> int:
        with pytest.raises(TypeError):
            get_step_context().add_output_metadata({"obj": object()})
        SEEN["raised"] = True
        return 1

    @pipeline(enable_cache=False)
    def bad_pipeline():
        bad()

    bad_pipeline()
    assert SEEN["raised"] is True


def test_output_metadata_and_tags_keep_the_step_at_two_write_transactions(monkeypatch):
    from tests.store.test_store_budgets import sql_log

    @step
    def tagged() -> int:
        context = get_step_context()
        context.add_output_metadata({"m": 1})
        context.add_output_tags(["a", "b"])
        return 1

    @pipeline(enable_cache=False)
    def budget():
        tagged()

    budget()
    with sql_log(monkeypatch) as log:
        run = budget()
    assert log.kinds("tagged")["write_tx"] == 2
    output = Client().get_pipeline_run(run.id).steps["tagged"].output
    assert sorted(t.name for t in output.tags) == ["a", "b"]
    assert output.run_metadata["m"] == 1


def test_only_outputs_with_the_default_name_lack_a_custom_name():
    @step
    def unnamed() -> int:
        return 1

    @pipeline(enable_cache=False)
    def naming():
        unnamed()
        annotated()

    run = Client().get_pipeline_run(naming().id)
    assert run.steps["unnamed"].output.artifact.has_custom_name is False
    assert run.steps["annotated"].outputs["plain"][0].artifact.has_custom_name is True
