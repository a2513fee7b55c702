"""get_artifact/list_artifacts and get_artifact_version(name, version)/list_artifact_versions with
artifact=, name=, version=, tags=; versions are strings "1", "2", ... per artifact name."""

from typing import Annotated

from zenml import ArtifactConfig, pipeline, step
from zenml.client import Client


@step
def make(n: int) -> Annotated[int, "number"]:
    return n


@step
def label(n: int) -> Annotated[str, ArtifactConfig(name="label", tags=["text"])]:
    return f"n={n}"


@pipeline
def produce(n: int = 0):
    label(make(n))


for i in (10, 20, 30):
    produce(n=i)

client = Client()
arts = client.list_artifacts()
assert arts.total == 2
assert [a.name for a in arts] == ["number", "label"]  # oldest first
assert [a.name for a in client.list_artifacts(sort_by="desc:created")] == ["label", "number"]
assert [a.name for a in client.list_artifacts(name="label")] == ["label"]

number = client.get_artifact("number")
assert number.name == "number"
assert client.get_artifact(number.id).name == "number"
assert client.get_artifact(str(number.id)[:8]).name == "number"

v2 = client.get_artifact_version("number", "2")
assert v2.version == "2" and isinstance(v2.version, str)
assert v2.load() == 20
assert client.get_artifact_version("number", 2).id == v2.id  # an int version works too
assert client.get_artifact_version("number", version="1").load() == 10
latest = client.get_artifact_version("number")
assert latest.version == "3" and latest.load() == 30
assert client.get_artifact_version(v2.id).version == "2"
assert client.get_artifact_version("label", "3").load() == "n=30"

all_versions = client.list_artifact_versions()
assert all_versions.total == 6
assert [(v.artifact.name, v.version) for v in all_versions][:2] == [("number", "1"), ("label", "1")]
assert [v.version for v in client.list_artifact_versions(artifact="number")] == ["1", "2", "3"]
assert [v.version for v in client.list_artifact_versions(artifact=number.id)] == ["1", "2", "3"]
assert [v.version for v in client.list_artifact_versions(name="label")] == ["1", "2", "3"]
assert sorted(v.artifact.name for v in client.list_artifact_versions(version="2")) == \
    ["label", "number"]
assert [v.load() for v in client.list_artifact_versions(artifact="number", version="3")] == [30]
tagged = client.list_artifact_versions(tags=["text"])
assert tagged.total == 3 and {v.artifact.name for v in tagged} == {"label"}
assert client.list_artifact_versions(artifact="number", size=2).total_pages == 2
print("ok")
