"""ArtifactResponse: name, versions (dict version -> ArtifactVersionResponse), latest_version_id,
latest_version_name, has_custom_name, tags."""

from typing import Annotated

from zenml import pipeline, save_artifact, step
from zenml.client import Client


@step
def make(n: int) -> Annotated[int, "tracked"]:
    return n


@step
def unnamed() -> int:
    return 0


@pipeline
def producer(n: int = 0):
    make(n)
    unnamed()


for n in (1, 2, 3):
    producer(n=n)
save_artifact(99, name="tracked", version="gold")

client = Client()
art = client.get_artifact("tracked")
assert isinstance(art.versions, dict)
assert list(art.versions) == ["1", "2", "3", "gold"]
assert art.versions["2"].load() == 2
assert art.versions["gold"].version == "gold"
assert art.latest_version_name == "gold"
assert art.latest_version_id == art.versions["gold"].id
assert client.get_artifact_version("tracked").version == "gold"
assert art.has_custom_name is True
assert client.get_artifact("producer::unnamed::output").has_custom_name is False
assert art.tags == []
# a save after a named version keeps counting numbers
assert save_artifact(100, name="tracked").version == "4"
print("ok")
