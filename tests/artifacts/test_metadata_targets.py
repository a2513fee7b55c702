"""The targets of `log_metadata` (ZenML's order when several are given), `log_step_metadata`,
`bulk_log_metadata` with identifiers, and the errors for missing or partial targets."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import ValidationError

from stackwise import (
    bulk_log_metadata,
    get_step_context,
    log_artifact_metadata,
    log_metadata,
    log_step_metadata,
    pipeline,
    step,
)
from stackwise.client import Client
from stackwise.models.identifiers import (
    ArtifactVersionIdentifier,
    PipelineRunIdentifier,
    StepRunIdentifier,
)

ERRORS: dict[str, str] = {}


@step
def make() -> Annotated[int, "made"]:
    return 1


@step
def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    log_step_metadata({"via_log_step": 1})
    log_step_metadata({"via_own_name": 1}, step_name="two")
    log_metadata({"a_by_name": 1}, artifact_name="a")
    bulk_log_metadata({"everywhere": 1}, infer_artifacts=True)
    log_metadata({"to_run": 1}, run_id_name_or_prefix=get_step_context().pipeline_run.id)
    for label, call in (
        ("infer", lambda: log_metadata({"x": 1}, infer_artifact=True)),
        ("unknown", lambda: log_metadata({"x": 1}, infer_artifact=True, artifact_name="zz")),
        ("lesson", lambda: log_artifact_metadata({"x": 1})),
        ("step_name", lambda: log_metadata({"x": 1}, step_name="two")),
        ("version", lambda: log_metadata({"x": 1}, artifact_version="1")),
    ):
        try:
            call()
        except ValueError as error:
            ERRORS[label] = str(error)
    return 1, 2


@pipeline(enable_cache=False)
def targets():
    make()


@pipeline(enable_cache=False)
def in_step():
    two()


def _step(run, name):  # type: ignore[no-untyped-def]
    return Client().get_run_step(Client().get_pipeline_run(run.id).steps[name].id)


def test_every_target_and_the_order_between_them():
    run = targets()
    step_run = _step(run, "make")
    version = step_run.outputs["made"][0]

    log_metadata({"step_id": 1}, step_id=step_run.id)
    log_metadata({"step_name": 1}, step_name="make", run_id_name_or_prefix=str(run.id)[:8])
    log_metadata({"run": 1}, run_id_name_or_prefix=run.name)
    log_metadata({"version_id": 1}, artifact_version_id=version.id)
    log_metadata({"name_version": 1}, artifact_name="made", artifact_version="1")
    log_metadata({"newest": 1}, artifact_name="made")
    log_metadata({"step_beats_run": 1}, step_id=step_run.id, run_id_name_or_prefix=run.name)
    log_metadata(
        {"run_beats_version": 1}, artifact_version_id=version.id, run_id_name_or_prefix=run.name
    )

    step_meta = _step(run, "make").run_metadata
    assert {"step_id", "step_name", "step_beats_run"} <= set(step_meta)
    run_meta = Client().get_pipeline_run(run.id).run_metadata
    assert {"run", "run_beats_version"} <= set(run_meta) and "step_beats_run" not in run_meta
    version_meta = Client().get_artifact_version(version.id).run_metadata
    assert {"version_id", "name_version", "newest"} <= set(version_meta)
    assert "run_beats_version" not in version_meta


def test_inside_a_step():
    ERRORS.clear()
    run = in_step()
    step_run = _step(run, "two")

    assert step_run.run_metadata["via_log_step"] == 1
    assert step_run.run_metadata["via_own_name"] == 1
    a, b = step_run.outputs["a"][0].run_metadata, step_run.outputs["b"][0].run_metadata
    assert a["a_by_name"] == 1 and a["everywhere"] == 1 and b["everywhere"] == 1
    assert "a_by_name" not in b
    assert Client().get_pipeline_run(run.id).run_metadata["to_run"] == 1
    assert set(ERRORS) == {"infer", "unknown", "lesson", "step_name", "version"}
    assert "several outputs (a, b)" in ERRORS["infer"]
    assert "no output 'zz'" in ERRORS["unknown"]


def test_log_step_metadata_outside_a_step():
    first, second = targets(), targets()
    log_step_metadata({"latest": 1}, step_name="make", pipeline_name_id_or_prefix="targets")
    log_step_metadata({"by_run": 1}, step_name="make", run_id=str(first.id))
    assert _step(second, "make").run_metadata["latest"] == 1
    assert "latest" not in _step(first, "make").run_metadata
    assert _step(first, "make").run_metadata["by_run"] == 1
    with pytest.raises(ValueError, match="needs step_name"):
        log_step_metadata({"x": 1})
    with pytest.raises(ValueError, match="needs run_id"):
        log_step_metadata({"x": 1}, step_name="make")
    with pytest.raises(KeyError, match="has no step 'nope'"):
        log_step_metadata({"x": 1}, step_name="nope", run_id=str(first.id))


def test_bulk_log_metadata_with_identifiers():
    first, second = targets(), targets()
    step_id = _step(first, "make").id
    bulk_log_metadata(
        {"bulk": 1},
        pipeline_runs=[
            PipelineRunIdentifier(id=first.id),
            PipelineRunIdentifier(prefix=second.name[:-3]),
        ],
        step_runs=[
            StepRunIdentifier(id=step_id),
            StepRunIdentifier(name="make", run=PipelineRunIdentifier(name=second.name)),
        ],
        artifact_versions=[ArtifactVersionIdentifier(name="made", version="2")],
    )
    for run in (first, second):
        assert Client().get_pipeline_run(run.id).run_metadata["bulk"] == 1
        assert _step(run, "make").run_metadata["bulk"] == 1
    assert "bulk" in Client().get_artifact_version("made", "2").run_metadata
    assert "bulk" not in Client().get_artifact_version("made", "1").run_metadata
    with pytest.raises(ValueError, match="at least one target"):
        bulk_log_metadata({"x": 1})
    with pytest.raises(ValueError, match="only inside a step"):
        bulk_log_metadata({"x": 1}, infer_artifacts=True)


@pytest.mark.parametrize(
    "build",
    [
        lambda: PipelineRunIdentifier(),
        lambda: PipelineRunIdentifier(name="a", prefix="b"),
        lambda: StepRunIdentifier(name="s"),
        lambda: StepRunIdentifier(),
        lambda: ArtifactVersionIdentifier(name="a"),
        lambda: ArtifactVersionIdentifier(id="00000000-0000-4000-8000-000000000000", name="a"),
    ],
    ids=["run-none", "run-two", "step-no-run", "step-none", "version-no-version", "version-two"],
)
def test_identifiers_name_their_entity_one_way(build):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        build()


def test_metadata_errors_outside_a_step():
    with pytest.raises(ValueError, match="outside a step needs a target"):
        log_metadata({"x": 1})
    with pytest.raises(ValueError, match="step_name alone"):
        log_metadata({"x": 1}, step_name="make")
    with pytest.raises(ValueError, match="only inside a step"):
        log_metadata({"x": 1}, infer_artifact=True)
    with pytest.raises(TypeError, match="metadata keys"):
        log_metadata({1: "x"}, run_id_name_or_prefix="r")  # type: ignore[dict-item]
    run = targets()
    with pytest.raises(TypeError, match="cannot be stored"):
        log_metadata({"obj": object()}, run_id_name_or_prefix=run.name)
    with pytest.raises(KeyError):
        log_metadata({"x": 1}, run_id_name_or_prefix="no-such-run")
    with pytest.raises(KeyError):
        log_metadata({"x": 1}, artifact_name="made", artifact_version="9")


def test_model_targets():
    from stackwise import Model, bulk_log_metadata, log_metadata, log_model_metadata
    from stackwise.client import Client
    from stackwise.models import ModelVersionIdentifier

    version = Client().create_model_version(Client().create_model("churn").id)
    log_metadata({"auc": 0.9}, model_name="churn", model_version="1")
    log_metadata({"f1": 0.5}, model_version_id=version.id)
    log_model_metadata({"n": 3}, model_name="churn", model_version=1)
    bulk_log_metadata({"bulk": True}, model_versions=[ModelVersionIdentifier(id=version.id)])
    assert Model(name="churn", version=1).run_metadata == {
        "auc": 0.9,
        "f1": 0.5,
        "n": 3,
        "bulk": True,
    }
    with pytest.raises(KeyError, match="named '7'"):
        log_metadata({"auc": 0.9}, model_name="churn", model_version=7)
    with pytest.raises(ValueError, match="both model_name= and model_version="):
        log_metadata({"auc": 0.9}, model_name="churn")
    with pytest.raises(ValueError, match="inside a step that has a model"):
        bulk_log_metadata({"auc": 0.9}, infer_models=True)
    with pytest.raises(ValueError, match="inside a step that has a model"):
        log_model_metadata({"auc": 0.9})
