"""Model filters on other listings: list_pipeline_runs(model_version_id=...,
linked_to_model_version_id=...), list_artifact_versions(model_version_id=...), and
list_run_steps(model_version_id=...) (steps with a model of their own)."""

from typing import Annotated

from zenml import Model, pipeline, step
from zenml.client import Client


@step
def make() -> Annotated[int, "data"]:
    return 1


@step(model=Model(name="features"))
def featurize(x: int) -> Annotated[int, "feats"]:
    return x


@pipeline(model=Model(name="churn"), enable_cache=False)
def training():
    featurize(make())


first = training()
second = training()
client = Client()
churn_2 = client.get_model_version("churn", 2)
features_1 = client.get_model_version("features", 1)
assert [r.id for r in client.list_pipeline_runs(model_version_id=churn_2.id)] == [second.id]
assert [r.id for r in client.list_pipeline_runs(linked_to_model_version_id=features_1.id)] == \
    [first.id]
assert {v.name for v in client.list_artifact_versions(model_version_id=churn_2.id)} == {"data"}
assert {v.name for v in client.list_artifact_versions(model_version_id=features_1.id)} == \
    {"feats"}
steps = client.list_run_steps(model_version_id=features_1.id)
assert [s.name for s in steps] == ["featurize"] and steps[0].pipeline_run_id == first.id
assert client.list_run_steps(model_version_id=churn_2.id).total == 0
print("ok")
