"""update_artifact: add_tags / remove_tags / new_name; list_artifacts(tags=...)."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client


@step
def make() -> Annotated[int, "scores"]:
    return 7


@pipeline
def produce():
    make()


produce()
produce()  # cached: still one version
client = Client()
art = client.get_artifact("scores")
assert [t.name for t in art.tags] == []
assert list(art.versions) == ["1"]

updated = client.update_artifact("scores", add_tags=["prod", "v1"])
assert sorted(t.name for t in updated.tags) == ["prod", "v1"]
assert sorted(t.name for t in client.get_artifact("scores").tags) == ["prod", "v1"]
assert [a.name for a in client.list_artifacts(tags=["prod"])] == ["scores"]
assert "prod" in [t.name for t in client.list_tags()]  # tags are created on the fly

client.update_artifact(art.id, remove_tags=["v1"])
assert [t.name for t in client.get_artifact("scores").tags] == ["prod"]
assert client.list_artifacts(tags=["v1"]).total == 0

renamed = client.update_artifact("scores", new_name="final_scores")
assert renamed.name == "final_scores" and renamed.id == art.id
assert client.get_artifact("final_scores").id == art.id
assert client.get_artifact_version("final_scores", "1").load() == 7
try:
    client.get_artifact("scores")
except KeyError:
    pass
else:
    raise AssertionError("the old name is gone after a rename")
print("ok")
