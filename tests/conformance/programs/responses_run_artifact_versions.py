"""run.artifact_versions holds every version the run produced or reused;
run.produced_artifact_versions only the ones it created (not a cached step's)."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client


@step
def base() -> Annotated[int, "base"]:
    return 3


@step(enable_cache=False)
def fresh(x: int) -> Annotated[int, "fresh"]:
    return x * 2


@pipeline
def mixed():
    fresh(base())


client = Client()
first = client.get_pipeline_run(mixed().id)
second = client.get_pipeline_run(mixed().id)


def names(versions):
    return sorted((v.artifact.name, v.version) for v in versions)


assert names(first.artifact_versions) == [("base", "1"), ("fresh", "1")]
assert names(first.produced_artifact_versions) == [("base", "1"), ("fresh", "1")]
assert second.steps["base"].status == "cached"
assert names(second.artifact_versions) == [("base", "1"), ("fresh", "2")]
assert names(second.produced_artifact_versions) == [("fresh", "2")]
assert [v.id for v in client.list_artifact_versions(pipeline_run=second.id, artifact="fresh")] == \
    [second.steps["fresh"].output.id]
print("ok")
