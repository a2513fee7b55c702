"""A run's step outputs: name -> list of versions; `.load()` on the single version."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int = 3) -> Annotated[int, "x"]:
    return n


@step
def inc(x: int) -> int:
    return x + 1


@pipeline
def outputs_shape(n: int = 3):
    inc(make(n))


run = outputs_shape()
assert run.status == "completed"
last = Client().get_pipeline("outputs_shape").last_run
assert last.id == run.id
step_run = last.steps["inc"]
assert list(step_run.outputs) == ["output"]
versions = step_run.outputs["output"]
assert isinstance(versions, list) and len(versions) == 1
assert versions[0].load() == 4
assert step_run.output.load() == 4
assert step_run.inputs["x"][0].load() == 3
assert last.steps["make"].outputs["x"][0].artifact.name == "x"
print("ok")
