"""The Model Control Plane at run time, on the real SQLite store and the local orchestrators:
a run's model version (new per run, named, by number or stage), every output linked to it
(cached ones too, and artifacts saved in a step), a step's own model, `get_step_context()
.model`, model metadata from a step, `link_artifact_to_model`, the run-config `model:` key, and
`model.get_artifact(...)` inputs resolved when the consuming run's step starts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from stackwise import (
    ArtifactConfig,
    Model,
    get_step_context,
    link_artifact_to_model,
    log_metadata,
    log_model_metadata,
    pipeline,
    save_artifact,
    step,
)
from stackwise.client import Client
from stackwise.enums import ArtifactType, ModelStages
from stackwise.exceptions import PipelineRunFailedError

SEEN: dict[str, object] = {}


@step
def make(n: int = 3) -> Annotated[int, "data"]:
    model = get_step_context().model
    SEEN["model"] = (model.name, model.version, model.number)
    log_metadata({"rows": n}, infer_model=True)
    save_artifact(n * 10, "side")
    return n


@step
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    return x * 2


@step
def serve(x: int) -> Annotated[int, ArtifactConfig(name="svc", is_deployment_artifact=True)]:
    return x + 1


@pipeline(model=Model(name="churn", license="MIT", tags=["tabular"]), enable_cache=False)
def training(n: int = 3) -> None:
    serve(train(make(n)))


@step
def consume(clf: int) -> int:
    return clf


def test_each_run_makes_a_version_and_links_its_outputs():
    first = training()
    assert SEEN["model"] == ("churn", "1", 1)
    assert first.model_version.name == "1" and first.config.model == Model(
        name="churn", license="MIT", tags=["tabular"]
    )
    version = Client().get_model_version("churn", 1)
    assert version.run_metadata == {"rows": 3}
    assert [t.name for t in version.tags] == ["tabular"]
    assert Client().get_model("churn").license == "MIT"
    assert set(version.data_artifact_ids) == {"data", "side"}
    assert set(version.model_artifact_ids) == {"clf"}
    assert set(version.deployment_artifact_ids) == {"svc"}
    assert version.get_model_artifact("clf").load() == 6
    assert version.get_data_artifact("clf") is None
    assert list(version.pipeline_run_ids) == [first.name]
    training(n=4)
    assert SEEN["model"] == ("churn", "2", 2)
    latest = Model(name="churn", version=ModelStages.LATEST)
    assert latest.number == 2 and latest.load_artifact("clf") == 8
    links = Client().list_model_version_artifact_links(
        model_version_id=latest.id, only_model_artifacts=True
    )
    assert [link.artifact_version.name for link in links] == ["clf"]
    assert [r.name for r in Client().list_pipeline_runs(model_version_id=latest.id)] == [
        Client().get_model_version("churn").pipeline_runs.popitem()[0]
    ]
    assert {v.name for v in Client().list_artifact_versions(model_version_id=latest.id)} == {
        "data",
        "side",
        "clf",
        "svc",
    }


def test_cached_steps_link_their_outputs_to_the_new_version():
    cached = training.with_options(enable_cache=True)
    cached()
    second = cached()
    assert {s.status for s in second.steps.values()} == {"cached"}
    version = Client().get_model_version("churn", 2)
    assert set(version.data_artifact_ids) == {"data", "side"}
    assert (
        version.get_artifact("clf").id
        == Client().get_model_version("churn", 1).get_artifact("clf").id
    )


def test_named_versions_substitutions_and_stages():
    named = training.with_options(model=Model(name="churn", version="v_{flavour}"))
    named.configure(substitutions={"flavour": "mint"})
    named()
    named()  # the same named version again
    versions = Client().list_model_versions("churn")
    assert [(v.name, v.number) for v in versions] == [("v_mint", 1)]
    assert len(versions[0].pipeline_run_ids) == 2
    Client().get_model_version("churn", "v_mint").set_stage("production")
    by_stage = training.with_options(model=Model(name="churn", version="production"))
    run = by_stage()
    assert run.model_version.name == "v_mint"
    missing = training.with_options(model=Model(name="churn", version=ModelStages.STAGING))
    with pytest.raises(KeyError, match="is in stage 'staging'"):
        missing()
    with pytest.raises(KeyError, match="named '9'"):
        training.with_options(model=Model(name="churn", version=9))()


def test_a_steps_own_model_gets_its_outputs():
    own = make.with_options(model=Model(name="features"))

    @pipeline(model=Model(name="churn"), enable_cache=False)
    def mixed() -> None:
        train(own())

    run = mixed()
    assert run.steps["make"].model_version.model.name == "features"
    assert run.steps["train"].model_version_id is None  # inherits the pipeline's
    assert run.steps["make"].config.model.name == "features"
    features = Client().get_model_version("features")
    churn = Client().get_model_version("churn")
    assert set(features.data_artifact_ids) == {"data", "side"}
    assert set(churn.model_artifact_ids) == {"clf"} and not churn.data_artifact_ids
    assert features.run_metadata == {"rows": 3}
    assert list(features.pipeline_run_ids) == list(churn.pipeline_run_ids) == [run.name]


def test_model_from_the_run_config_yaml(tmp_path: Path):
    config = tmp_path / "run.yaml"
    config.write_text("model:\n  name: from_yaml\n  version: gold\n  description: yaml\n")
    run = training.with_options(config_path=str(config))()
    assert run.config.model.name == "from_yaml"
    version = Client().get_model_version("from_yaml", "gold")
    assert version.description == "yaml" and set(version.model_artifact_ids) == {"clf"}


def test_get_artifact_in_a_pipeline_is_resolved_when_the_step_starts():
    @pipeline(enable_cache=False)
    def consumer() -> None:
        consume(Model(name="churn", version="production").get_artifact("clf"))

    training(n=1)
    Client().get_model_version("churn", 1).set_stage("production")
    assert consumer().steps["consume"].outputs["output"].load() == 2
    training(n=5)
    Client().get_model_version("churn", 2).set_stage("production", force=True)
    # the same pipeline object, run again: the newest production version's clf
    assert consumer().steps["consume"].outputs["output"].load() == 10
    assert Client().get_model_version("churn", 1).stage == "archived"

    @pipeline(enable_cache=False)
    def wrong() -> None:
        consume(Model(name="churn", version="production").get_artifact("nope"))

    with pytest.raises(PipelineRunFailedError, match="has no artifact 'nope' linked"):
        wrong()


def test_model_metadata_and_manual_links_in_a_step():
    @step
    def linker() -> int:
        kept = save_artifact(1, "kept")
        link_artifact_to_model(kept)
        link_artifact_to_model(kept, model=Model(name="other", version="x"))
        log_model_metadata({"auc": 0.7})
        return 1

    @pipeline(model=Model(name="churn"), enable_cache=False)
    def linking() -> None:
        linker()

    linking()
    assert Client().get_model_version("churn").run_metadata == {"auc": 0.7}
    assert "kept" in Client().get_model_version("churn").data_artifact_ids
    assert "kept" in Client().get_model_version("other", "x").data_artifact_ids
    with pytest.raises(RuntimeError, match="inside a step that has a model"):
        link_artifact_to_model(Client().get_artifact_version("kept"))


def test_context_without_model_and_unlinking():
    @step
    def plain() -> int:
        with pytest.raises(RuntimeError, match="has no model"):
            _ = get_step_context().model
        return 1

    @pipeline(enable_cache=False)
    def without() -> None:
        plain()

    assert without().model_version is None
    training()
    model = Model(name="churn", version=1)
    model.delete_artifact("side")
    assert "side" not in Client().get_model_version("churn", 1).data_artifact_ids
    assert Client().get_artifact_version("side").version == "1"  # only the link went
    model.delete_artifact("never-linked")  # nothing to do, as ZenML
    with pytest.raises(ValueError, match="has no artifact 'nope'"):
        model.load_artifact("nope")
    model.delete_all_artifacts()
    assert Client().list_model_version_artifact_links(model_version_id=model.id).total == 0


FLAKY = {"fail": True}


@step
def flaky(x: int) -> Annotated[int, "flaky_out"]:
    if FLAKY["fail"]:
        raise ValueError("not yet")
    return x


@pipeline(model=Model(name="churn"), enable_cache=False)
def fragile() -> None:
    flaky(make())


def test_a_resumed_run_uses_the_same_model_version():
    FLAKY["fail"] = True
    with pytest.raises(PipelineRunFailedError):
        fragile()
    FLAKY["fail"] = False
    resumed = Client().resume_run(Client().list_pipeline_runs(size=1)[0].name)
    assert resumed.model_version.number == 1
    version = Client().get_model_version("churn", 1)
    assert set(version.data_artifact_ids) == {"data", "side", "flaky_out"}
    assert len(version.pipeline_run_ids) == 2
    assert Client().list_model_versions("churn").total == 1


def test_dynamic_pipelines_resolve_step_models_when_the_steps_start():
    own = train.with_options(model=Model(name="dyn_features"))

    @pipeline(dynamic=True, model=Model(name="dyn"), enable_cache=False)
    def dynamic() -> None:
        own(make())
        own(make(n=2), id="train_again")

    run = dynamic()
    assert run.model_version.model.name == "dyn"
    assert set(Client().get_model_version("dyn").data_artifact_ids) == {"data", "side"}
    features = Client().list_model_versions("dyn_features")
    assert [v.number for v in features] == [1]  # one version per run, shared by both steps
    assert set(features[0].model_artifact_ids) == {"clf"}
    assert len(features[0].model_artifacts["clf"]) == 2
    assert list(features[0].pipeline_run_ids) == [run.name]


def test_deleting_runs_artifacts_and_models_keeps_the_rest_consistent():
    run = training()
    client = Client()
    client.delete_pipeline_run(run.name)
    version = client.get_model_version("churn", 1)
    assert version.pipeline_run_ids == {}  # the link went with the run
    assert set(version.data_artifact_ids) == {"data", "side"}  # the artifacts stay linked
    client.delete_artifact("side")
    assert set(client.get_model_version("churn", 1).data_artifact_ids) == {"data"}
    again = training()
    client.delete_model("churn")
    assert again.refresh().model_version is None  # the run stays, its version is gone
    assert client.get_artifact_version("clf").version == "2"


def test_a_model_card_that_differs_from_the_stored_one_is_reported(caplog):
    import logging

    training()  # makes model churn with license MIT
    with caplog.at_level(logging.WARNING, logger="stackwise"):
        training.with_options(model=Model(name="churn", license="Apache-2.0"))()
    assert "license='Apache-2.0' (stored: 'MIT')" in caplog.text
    assert "stackwise model update churn --license" in caplog.text
    assert Client().get_model("churn").license == "MIT"
