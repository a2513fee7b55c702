"""Model version links through the Client: list_model_version_artifact_links (by version,
artifact name, only model / data / deployment artifacts), list_model_version_pipeline_run_links,
delete one link and all links (the artifact versions stay), link_artifact_to_model."""

from typing import Annotated

from zenml import (ArtifactConfig, Model, link_artifact_to_model, pipeline, save_artifact,
                   step)
from zenml.client import Client
from zenml.enums import ArtifactType


@step
def make() -> Annotated[int, "data"]:
    return 1


@step
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    return x


@pipeline(model=Model(name="churn"), enable_cache=False)
def training():
    train(make())


run = training()
client = Client()
version = client.get_model_version("churn", 1)
links = client.list_model_version_artifact_links(model_version_id=version.id)
assert links.total == 2
assert {link.artifact_version.name for link in links} == {"data", "clf"}
models = client.list_model_version_artifact_links(model_version_id=version.id,
                                                  only_model_artifacts=True)
assert [link.artifact_version.name for link in models] == ["clf"]
data = client.list_model_version_artifact_links(model_version_id=version.id,
                                                only_data_artifacts=True)
assert [link.artifact_version.name for link in data] == ["data"]
named = client.list_model_version_artifact_links(model_version_id=version.id,
                                                 artifact_name="clf")
assert named.total == 1
runs = client.list_model_version_pipeline_run_links(model_version_id=version.id)
assert [link.pipeline_run.id for link in runs] == [run.id]

extra = save_artifact(5, "extra")
link_artifact_to_model(extra, model=Model(name="churn", version=1))
assert "extra" in client.get_model_version("churn", 1).data_artifact_ids
client.delete_model_version_artifact_link(version.id, extra.id)
assert "extra" not in client.get_model_version("churn", 1).data_artifact_ids
assert client.get_artifact_version("extra").id == extra.id
client.delete_all_model_version_artifact_links(version.id, only_links=True)
assert client.list_model_version_artifact_links(model_version_id=version.id).total == 0
assert client.get_artifact_version("clf").load() == 1
try:
    link_artifact_to_model(extra)
except RuntimeError:
    pass
else:
    raise AssertionError("without model= outside a step: RuntimeError")
print("ok")
