"""Step outputs as users declare and read them: names from annotations, artifact names,
`step_run.output`, both `outputs[x].load()` and `outputs[x][0].load()`, and the type check
that runs on what a step returns."""

from typing import Annotated, Any, Optional, Tuple  # noqa: UP035

import pytest

from stackwise import ArtifactConfig, pipeline, save_artifact, step
from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError, StepInterfaceError
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.models.artifact_version import ArtifactVersionList


# -- steps -----------------------------------------------------------------------------------
@step
def named_single() -> Annotated[int, "answer"]:
    return 42


@step
def named_tuple() -> Tuple[Annotated[int, "count"], Annotated[str, "label"]]:  # noqa: UP006
    return 3, "three"


@step
def lower_tuple() -> tuple[Annotated[list, "items"], Annotated[dict, "index"]]:
    return [1, 2], {"a": 1}


@step
def unannotated_single():
    return {"x": 1}


@step
def plain_single() -> int:
    return 7


@step
def unnamed_tuple() -> Tuple[int, str]:  # noqa: UP006
    return 1, "one"


@step
def returns_nothing() -> None:
    return None


@step
def maybe_text(give: bool = False) -> Optional[str]:  # noqa: UP045
    return "text" if give else None


@step
def configured_artifact() -> Annotated[
    dict, ArtifactConfig(name="gold_metrics", tags=["eval", "nightly"], version="gold")
]:
    return {"f1": 0.9}


@step
def float_from_int() -> float:
    return 3


@step
def saves_extra() -> Annotated[int, "main"]:
    save_artifact({"side": True}, name="side_artifact")
    return 1


# -- pipelines -------------------------------------------------------------------------------
@pipeline
def outputs_pipeline():
    named_single()
    named_tuple()
    lower_tuple()
    unannotated_single()
    plain_single()
    unnamed_tuple()
    returns_nothing()
    maybe_text(id="nothing_text")
    maybe_text(give=True, id="some_text")
    float_from_int()


@pipeline
def artifact_config_pipeline():
    configured_artifact()


@pipeline
def artifact_name_pipeline():
    named_single()


@pipeline
def save_artifact_pipeline():
    saves_extra()


@pytest.fixture
def run():
    return outputs_pipeline()


def test_annotated_single_output_takes_the_annotated_name(run):
    outputs = run.steps["named_single"].outputs
    assert list(outputs) == ["answer"]
    assert outputs["answer"].name == "answer"
    assert outputs["answer"].load() == 42


def test_tuple_of_annotated_outputs_are_separate_named_artifacts(run):
    outputs = run.steps["named_tuple"].outputs
    assert list(outputs) == ["count", "label"]
    assert outputs["count"].load() == 3
    assert outputs["label"].load() == "three"
    assert {outputs["count"].name, outputs["label"].name} == {"count", "label"}


def test_builtin_tuple_annotation_declares_several_outputs_too(run):
    outputs = run.steps["lower_tuple"].outputs
    assert outputs["items"].load() == [1, 2]
    assert outputs["index"].load() == {"a": 1}


def test_unannotated_single_output_is_called_output_and_named_after_pipeline_and_step(run):
    for invocation, value in (("unannotated_single", {"x": 1}), ("plain_single", 7)):
        outputs = run.steps[invocation].outputs
        assert list(outputs) == ["output"]
        assert outputs["output"].name == f"outputs_pipeline::{invocation}::output"
        assert outputs["output"].load() == value


def test_unannotated_tuple_outputs_are_output_0_output_1(run):
    outputs = run.steps["unnamed_tuple"].outputs
    assert list(outputs) == ["output_0", "output_1"]
    assert outputs["output_0"].load() == 1
    assert outputs["output_1"].load() == "one"
    assert outputs["output_0"].name == "outputs_pipeline::unnamed_tuple::output_0"


def test_none_return_declares_no_output(run):
    step_run = run.steps["returns_nothing"]
    assert step_run.status == "completed"
    assert step_run.outputs == {}
    with pytest.raises(ValueError, match="has 0 outputs"):
        step_run.output  # noqa: B018


def test_optional_output_may_return_none(run):
    assert run.steps["nothing_text"].status == "completed"
    assert run.steps["nothing_text"].output.load() is None
    assert run.steps["some_text"].output.load() == "text"


def test_int_is_accepted_for_a_float_output(run):
    assert run.steps["float_from_int"].output.load() == 3


def test_output_value_is_a_list_of_versions_that_also_loads_directly(run):
    versions = run.steps["named_single"].outputs["answer"]
    assert isinstance(versions, list)
    assert isinstance(versions, ArtifactVersionList)
    assert len(versions) == 1
    assert versions[0].load() == 42
    assert versions.load() == 42
    assert versions.uri == versions[0].uri
    assert versions.id == versions[0].id


def test_step_run_output_is_the_single_output(run):
    single = run.steps["named_single"].output
    assert single.load() == 42
    assert single.id == run.steps["named_single"].outputs["answer"][0].id


def test_step_run_output_raises_value_error_for_several_outputs(run):
    with pytest.raises(ValueError, match=r"has 2 outputs \(count, label\).*outputs\[name\]"):
        run.steps["named_tuple"].output  # noqa: B018


def test_artifact_config_sets_name_tags_and_version():
    run = artifact_config_pipeline()

    outputs = run.steps["configured_artifact"].outputs
    assert list(outputs) == ["gold_metrics"]
    version = outputs["gold_metrics"][0]
    assert version.name == "gold_metrics"
    assert version.version == "gold"
    assert {t.name for t in version.tags} == {"eval", "nightly"}
    assert version.load() == {"f1": 0.9}
    fetched = Client().get_artifact_version("gold_metrics", "gold")
    assert fetched.id == version.id


def test_annotated_artifact_versions_count_up_per_name():
    uncached = artifact_name_pipeline.with_options(enable_cache=False)

    first = uncached().steps["named_single"].output
    second = uncached().steps["named_single"].output

    assert (first.version, second.version) == ("1", "2")
    assert first.id != second.id
    assert Client().list_artifact_versions(name="answer").total == 2
    assert Client().get_artifact_version("answer").id == second.id


def test_save_artifact_inside_a_step_shows_in_its_outputs():
    run = save_artifact_pipeline()

    outputs = run.steps["saves_extra"].outputs
    assert set(outputs) == {"main", "side_artifact"}
    assert outputs["side_artifact"].load() == {"side": True}


# -- output type checking --------------------------------------------------------------------
@step
def wrong_type() -> Annotated[int, "number"]:
    return "not a number"  # type: ignore[return-value]


@step
def wrong_length() -> Tuple[Annotated[int, "a"], Annotated[int, "b"]]:  # noqa: UP006
    return 1, 2, 3  # type: ignore[return-value]


@step
def not_a_tuple() -> Tuple[Annotated[int, "a"], Annotated[int, "b"]]:  # noqa: UP006
    return 1  # type: ignore[return-value]


@step
def none_but_returns() -> None:
    return 5  # type: ignore[return-value]


@pipeline
def wrong_type_pipeline():
    wrong_type()


@pipeline
def wrong_length_pipeline():
    wrong_length()


@pipeline
def not_a_tuple_pipeline():
    not_a_tuple()


@pipeline
def none_but_returns_pipeline():
    none_but_returns()


def _failed_run(pipeline_obj: Any) -> tuple[PipelineRunFailedError, Any]:
    with pytest.raises(PipelineRunFailedError) as info:
        pipeline_obj()
    run = Client().get_pipeline(pipeline_obj.name).last_run
    return info.value, run


def test_wrong_output_type_fails_the_run_naming_step_output_expected_and_actual():
    error, run = _failed_run(wrong_type_pipeline)

    assert run.status == "failed"
    step_run = run.steps["wrong_type"]
    assert step_run.status == "failed"
    message = step_run.exception_info["message"]
    assert "Step 'wrong_type'" in message
    assert "output 'number'" in message
    assert "should be int" in message
    assert "builtins.str" in message
    assert "StepOutputError" in str(error)
    assert "output 'number' should be int" in str(error)
    assert Client().list_artifact_versions(name="number").total == 0


def test_wrong_tuple_length_fails_the_run():
    error, run = _failed_run(wrong_length_pipeline)

    step_run = run.steps["wrong_length"]
    assert step_run.status == "failed"
    assert "declares 2 outputs (a, b) but returned 3 values" in step_run.exception_info["message"]
    assert "declares 2 outputs" in str(error)
    assert Client().list_artifact_versions().total == 0


def test_single_value_for_several_outputs_fails_the_run():
    _, run = _failed_run(not_a_tuple_pipeline)

    message = run.steps["not_a_tuple"].exception_info["message"]
    assert "declares 2 outputs (a, b) but returned one int" in message


def test_none_annotated_step_returning_a_value_fails_the_run():
    _, run = _failed_run(none_but_returns_pipeline)

    step_run = run.steps["none_but_returns"]
    assert step_run.status == "failed"
    assert "annotated to return None but returned a int" in step_run.exception_info["message"]


# -- output_materializers --------------------------------------------------------------------
class _TextMaterializer(BaseMaterializer):
    SKIP_REGISTRATION = True
    ASSOCIATED_TYPES = (str,)

    def save(self, data: str) -> None:
        with self.open("text.txt", "w") as f:
            f.write(data)

    def load(self, data_type: type) -> str:
        with self.open("text.txt", "r") as f:
            return f.read()


@step(output_materializers={"model": _TextMaterializer})
def annotated_for_materializer() -> Annotated[str, "model"]:
    return "weights"


@pipeline
def materializer_pipeline():
    annotated_for_materializer()


def test_output_materializers_for_an_unannotated_output_is_rejected_with_a_hint():
    with pytest.raises(StepInterfaceError) as info:

        @step(output_materializers={"model": _TextMaterializer})
        def _train() -> str:
            return "weights"

    message = str(info.value)
    assert "Step '_train'" in message
    assert "'model'" in message
    assert "called 'output'" in message
    assert 'Annotated[T, "model"]' in message


def test_output_materializers_for_a_named_output_is_used():
    run = materializer_pipeline()

    version = run.steps["annotated_for_materializer"].outputs["model"][0]
    assert version.materializer.attribute.endswith("_TextMaterializer")
    assert version.load() == "weights"
