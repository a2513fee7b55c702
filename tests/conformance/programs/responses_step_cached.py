"""A cached step run: status cached, original_step_run_id -> the step run that executed, same
cache_key, same output versions (no new version), pipeline_run_id of its own run."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int = 3) -> Annotated[int, "made"]:
    return n


@pipeline
def twice(n: int = 3):
    make(n)


client = Client()
first = client.get_pipeline_run(twice().id)
second = client.get_pipeline_run(twice().id)
a, b = first.steps["make"], second.steps["make"]
assert a.status == "completed" and b.status == "cached"
assert a.original_step_run_id is None
assert b.original_step_run_id == a.id
assert isinstance(a.cache_key, str) and a.cache_key
assert b.cache_key == a.cache_key
assert b.pipeline_run_id == second.id and a.pipeline_run_id == first.id
assert b.outputs["made"][0].id == a.outputs["made"][0].id
assert client.list_artifact_versions(artifact="made").total == 1
assert b.output.load() == 3
assert [s.name for s in client.list_run_steps(original_step_run_id=a.id)] == ["make"]

third = client.get_pipeline_run(twice(n=4).id)
c = third.steps["make"]
assert c.status == "completed" and c.cache_key != a.cache_key
assert c.original_step_run_id is None
assert client.list_artifact_versions(artifact="made").total == 2
print("ok")
