"""A step's own model= gets that step's outputs (a version of it per run, the run linked to
it); other steps' outputs go to the pipeline's model; cached steps link their (earlier)
outputs to the new run's version."""

from typing import Annotated

from zenml import Model, get_step_context, pipeline, step
from zenml.client import Client

seen = []


@step(model=Model(name="features"))
def featurize() -> Annotated[int, "feats"]:
    seen.append(get_step_context().model.name)
    return 1


@step
def train(x: int) -> Annotated[int, "clf"]:
    seen.append(get_step_context().model.name)
    return x


@pipeline(model=Model(name="churn"))
def training():
    train(featurize())


first = training()
second = training()
assert seen == ["features", "churn"], seen
assert {s.status for s in second.steps.values()} == {"cached"}
client = Client()
assert [v.number for v in client.list_model_versions("features")] == [1, 2]
assert [v.number for v in client.list_model_versions("churn")] == [1, 2]
for number, run in ((1, first), (2, second)):
    features = client.get_model_version("features", number)
    churn = client.get_model_version("churn", number)
    assert list(features.data_artifact_ids) == ["feats"]
    assert list(churn.data_artifact_ids) == ["clf"]
    assert list(features.pipeline_run_ids) == [run.name]
    assert list(churn.pipeline_run_ids) == [run.name]
assert client.get_model_version("churn", 2).get_artifact("clf").id == \
    client.get_model_version("churn", 1).get_artifact("clf").id
assert first.steps["featurize"].config.model.name == "features"
assert first.steps["featurize"].model_version_id == \
    client.get_model_version("features", 1).id
print("ok")
