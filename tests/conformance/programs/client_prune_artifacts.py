"""prune_artifacts removes artifact versions no run uses; only_versions=False also removes the
artifacts left without versions; list_artifact_versions(only_unused=True)."""

import os
from typing import Annotated

from zenml import pipeline, save_artifact, step
from zenml.client import Client


@step(enable_cache=False)
def make(n: int) -> Annotated[int, "made"]:
    return n


@pipeline
def produce(n: int = 0):
    make(n)


first = produce(n=1)
produce(n=2)
loose = save_artifact("scratch", name="loose")
client = Client()
client.delete_pipeline_run(first.id)

unused = sorted((v.artifact.name, v.version) for v in client.list_artifact_versions(only_unused=True))
assert unused == [("loose", "1"), ("made", "1")]

client.prune_artifacts()  # only versions, metadata only
assert sorted((v.artifact.name, v.version) for v in client.list_artifact_versions()) == [("made", "2")]
assert sorted(a.name for a in client.list_artifacts()) == ["loose", "made"]
assert os.path.exists(loose.uri)  # files are kept by default

save_artifact("again", name="loose2")
client.prune_artifacts(only_versions=False, delete_from_artifact_store=True)
assert [a.name for a in client.list_artifacts()] == ["made"]
assert client.get_artifact_version("made").load() == 2
print("ok")
