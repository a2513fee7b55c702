"""add_tags / remove_tags on every target, inside a step (the current run; infer_artifact for
its outputs) and outside."""

from typing import Annotated

from zenml import Tag, add_tags, pipeline, remove_tags, save_artifact, step
from zenml.client import Client


@step
def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    add_tags(["on_run", "dropped"])
    remove_tags(["dropped"])
    add_tags("on_run_str")
    add_tags(["on_a", "tmp"], infer_artifact=True, artifact_name="a")
    remove_tags(["tmp"], infer_artifact=True, artifact_name="a")
    return 1, 2


@step
def one() -> int:
    add_tags(["inferred", Tag(name="inferred_obj")], infer_artifact=True)
    return 3


@pipeline(enable_cache=False)
def tagging():
    two()
    one()


run = tagging()
client = Client()
run = client.get_pipeline_run(run.id)
assert sorted(t.name for t in run.tags) == ["on_run", "on_run_str"]
assert [t.name for t in run.steps["two"].outputs["a"][0].tags] == ["on_a"]
assert [t.name for t in run.steps["two"].outputs["b"][0].tags] == []
assert sorted(t.name for t in run.steps["one"].output.tags) == ["inferred", "inferred_obj"]

add_tags(["r1", "r2"], run=run.name)
add_tags("r3", run=run.id)
add_tags(["p1"], pipeline="tagging")
add_tags(["art"], artifact="a")
add_tags(["av1"], artifact_name="a", artifact_version="1")
add_tags(["avid"], artifact_version_id=run.steps["one"].output.id)
version = save_artifact(1, "tag_me")
add_tags([Tag(name="obj", color="red")], artifact_version_id=version.id)
assert client.get_tag("obj").color == "red"

run = client.get_pipeline_run(run.id)
assert {"r1", "r2", "r3"} <= {t.name for t in run.tags}
assert [t.name for t in client.get_pipeline("tagging").tags] == ["p1"]
assert [t.name for t in client.get_artifact("a").tags] == ["art"]
assert sorted(t.name for t in client.get_artifact_version("a", "1").tags) == ["av1", "on_a"]
assert "avid" in {t.name for t in client.get_pipeline_run(run.id).steps["one"].output.tags}

remove_tags(["r2", "never_attached"], run=run.name)
remove_tags("r3", run=run.id)
remove_tags(["p1"], pipeline="tagging")
remove_tags(["art"], artifact="a")
remove_tags(["av1"], artifact_name="a", artifact_version="1")
remove_tags(["obj"], artifact_version_id=version.id)
run = client.get_pipeline_run(run.id)
assert sorted(t.name for t in run.tags) == ["on_run", "on_run_str", "r1"]
assert client.get_pipeline("tagging").tags == []
assert client.get_artifact("a").tags == []
assert [t.name for t in client.get_artifact_version("a", "1").tags] == ["on_a"]
assert client.get_artifact_version(version.id).tags == []
print("ok")
