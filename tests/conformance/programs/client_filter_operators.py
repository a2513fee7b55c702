"""More filter forms users write: endswith:, notoneof:[...], equals:, contains: (case-insensitive),
logical_operator="or", id="startswith:<hex>", index gt:/lte:, sort_by="desc:index", step runs by
cache_key, artifact versions by type."""

import json

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import LogicalOperators


@step
def make(n: int) -> int:
    return n


@pipeline
def ops(n: int = 0):
    make(n)


for i, name in enumerate(["apple_1", "banana_2", "cherry_3"]):
    ops.with_options(run_name=name)(n=i)
client = Client()


def names(**filters):
    return sorted(r.name for r in client.list_pipeline_runs(**filters))


assert names(name="endswith:_2") == ["banana_2"]
assert names(name="notoneof:" + json.dumps(["apple_1"])) == ["banana_2", "cherry_3"]
assert names(name="equals:cherry_3") == ["cherry_3"]
assert names(name="contains:APPLE") == ["apple_1"]
assert names(name="apple_1", status="failed") == []
assert names(name="apple_1", status="failed", logical_operator=LogicalOperators.OR) == ["apple_1"]
assert names(name="apple_1", pipeline_name="nope", logical_operator="or") == ["apple_1"]

banana = client.get_pipeline_run("banana_2")
assert names(id=f"startswith:{str(banana.id)[:6]}") == ["banana_2"]
assert names(id=banana.id) == ["banana_2"]
assert names(index="gt:1") == ["banana_2", "cherry_3"]
assert names(index="lte:2") == ["apple_1", "banana_2"]
assert [r.name for r in client.list_pipeline_runs(sort_by="desc:index")] == \
    ["cherry_3", "banana_2", "apple_1"]

key = banana.steps["make"].cache_key
assert [s.pipeline_run_id for s in client.list_run_steps(cache_key=key)] == [banana.id]
assert client.list_artifact_versions(type="DataArtifact").total == 3
assert client.list_artifact_versions(type="ModelArtifact").total == 0
print("ok")
