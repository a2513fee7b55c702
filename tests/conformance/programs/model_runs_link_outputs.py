"""A pipeline with model=Model(...): each run makes version "1", "2", ...; get_step_context()
.model is pinned to it; every output (and save_artifact in a step) is linked to it, filed by
artifact type (ArtifactType.MODEL, is_model_artifact=True, is_deployment_artifact=True)."""

from typing import Annotated

from zenml import ArtifactConfig, Model, get_step_context, pipeline, save_artifact, step
from zenml.client import Client
from zenml.enums import ArtifactType

seen = []


@step
def make() -> Annotated[int, "data"]:
    model = get_step_context().model
    seen.append((model.name, str(model.version), model.number))
    save_artifact(7, "side")
    return 3


@step
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    return x * 2


@step
def older(x: int) -> Annotated[int, ArtifactConfig(name="old_clf", is_model_artifact=True)]:
    return x


@step
def deploy(x: int) -> Annotated[int, ArtifactConfig(name="svc", is_deployment_artifact=True)]:
    return x + 1


@pipeline(model=Model(name="churn", description="d", tags=["tabular"]), enable_cache=False)
def training():
    x = make()
    deploy(older(train(x)))


first = training()
second = training()
assert seen == [("churn", "1", 1), ("churn", "2", 2)], seen
assert first.model_version.number == 1 and second.model_version.name == "2"
client = Client()
version = client.get_model_version("churn", 1)
assert version.model.name == "churn" and version.description == "d"
assert [t.name for t in version.tags] == ["tabular"]
assert set(version.data_artifact_ids) == {"data", "side"}
assert set(version.model_artifact_ids) == {"clf", "old_clf"}
assert set(version.deployment_artifact_ids) == {"svc"}
assert set(version.data_artifacts["data"]) == {"1"}
assert version.get_artifact("clf").load() == 6
assert version.get_model_artifact("clf").load() == 6
assert version.get_data_artifact("clf") is None
assert version.get_deployment_artifact("svc").load() == 7
assert version.get_artifact("nope") is None
assert list(version.pipeline_run_ids) == [first.name]
assert list(version.pipeline_runs) == [first.name]
assert client.get_model_version("churn", 2).get_artifact("data").version == "2"
assert client.get_model("churn").latest_version_name == "2"
print("ok")
