"""update_artifact_version(name, version, add_tags/remove_tags) and filtering versions by tag."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int) -> Annotated[int, "model_score"]:
    return n


@pipeline
def produce(n: int = 0):
    make(n)


for n in (1, 2, 3):
    produce(n=n)

client = Client()
v1 = client.get_artifact_version("model_score", "1")
assert [t.name for t in v1.tags] == []
out = client.update_artifact_version(v1.id, add_tags=["golden", "fresh"])
assert sorted(t.name for t in out.tags) == ["fresh", "golden"]
client.update_artifact_version("model_score", "2", add_tags=["fresh"])
assert sorted(t.name for t in client.get_artifact_version("model_score", "1").tags) == \
    ["fresh", "golden"]

assert [v.version for v in client.list_artifact_versions(tags=["fresh"])] == ["1", "2"]
assert [v.version for v in client.list_artifact_versions(tags=["golden"])] == ["1"]
assert client.list_artifact_versions(tags=["missing"]).total == 0

client.update_artifact_version("model_score", "1", remove_tags=["fresh"])
assert [t.name for t in client.get_artifact_version("model_score", "1").tags] == ["golden"]
assert [v.version for v in client.list_artifact_versions(tags=["fresh"])] == ["2"]
# version tags are not artifact tags
assert [t.name for t in client.get_artifact("model_score").tags] == []
assert client.get_artifact_version("model_score", "3").tags == []
print("ok")
