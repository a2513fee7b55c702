"""delete_pipeline_run removes the run and its step runs but keeps the artifact versions;
delete_pipeline removes the pipeline and its runs; both then raise KeyError on get."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client


@step(enable_cache=False)
def make(n: int) -> Annotated[int, "made"]:
    return n


@pipeline
def keep(n: int = 1):
    make(n)


@pipeline
def drop():
    make(100)


first = keep(n=1)
second = keep(n=2)
gone = drop()
client = Client()
assert client.list_pipeline_runs().total == 3
assert client.list_run_steps().total == 3
assert client.list_artifact_versions(artifact="made").total == 3

client.delete_pipeline_run(first.id)
assert sorted(r.name for r in client.list_pipeline_runs()) == sorted([second.name, gone.name])
assert client.list_run_steps(pipeline_run_id=first.id).total == 0
assert client.list_run_steps().total == 2
try:
    client.get_pipeline_run(first.id)
except KeyError:
    pass
else:
    raise AssertionError("a deleted run is gone")
# the artifact version the deleted run produced is kept (now unused)
versions = client.list_artifact_versions(artifact="made")
assert versions.total == 3
assert client.get_artifact_version("made", "1").load() == 1
unused = client.list_artifact_versions(only_unused=True)
assert [(v.artifact.name, v.version) for v in unused] == [("made", "1")]

client.delete_pipeline_run(second.name)  # by name works too
assert client.get_pipeline("keep").num_runs == 0

client.delete_pipeline("drop")
assert [p.name for p in client.list_pipelines()] == ["keep"]
try:
    client.get_pipeline("drop")
except KeyError as e:
    assert "drop" in str(e)
else:
    raise AssertionError("a deleted pipeline is gone")
# deleting a pipeline deletes its runs
assert client.list_pipeline_runs().total == 0
try:
    client.get_pipeline_run(gone.id)
except KeyError:
    pass
else:
    raise AssertionError("a deleted pipeline's runs are gone")
try:
    client.delete_pipeline("drop")
except KeyError:
    pass
else:
    raise AssertionError("deleting an unknown pipeline is a KeyError")
print("ok")
