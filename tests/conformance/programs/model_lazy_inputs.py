"""model.get_artifact("x") passed as a step input in a pipeline function is resolved when that
pipeline runs: the version linked to the model version of that time, not of the definition."""

from typing import Annotated

from zenml import Model, pipeline, step
from zenml.client import Client


@step
def train(n: int) -> Annotated[int, "clf"]:
    return n


@pipeline(model=Model(name="churn"), enable_cache=False)
def training(n: int):
    train(n)


@step
def predict(clf: int) -> int:
    return clf * 10


@pipeline(enable_cache=False)
def inference():
    predict(Model(name="churn", version="production").get_artifact("clf"))


training(n=1)
Client().get_model_version("churn", 1).set_stage("production")
assert inference().steps["predict"].outputs["output"][0].load() == 10
training(n=2)
Client().get_model_version("churn", 2).set_stage("production", force=True)
assert inference().steps["predict"].outputs["output"][0].load() == 20
outside = Model(name="churn", version="production").get_artifact("clf")
assert outside.load() == 2 and outside.name == "clf"
print("ok")
