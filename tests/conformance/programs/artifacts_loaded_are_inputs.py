"""An artifact a step's code loads (load_artifact, or a version's .load()) becomes an input of
that step run, named after the artifact, with input_type "manual"."""

from typing import Annotated

from zenml import load_artifact, pipeline, step
from zenml.client import Client


@step
def produce() -> Annotated[int, "base"]:
    return 1


@step
def other() -> Annotated[int, "other_base"]:
    return 5


@step
def consume(x: int) -> int:
    by_name = load_artifact("base")
    by_version = Client().get_artifact_version("other_base").load()
    return x + by_name + by_version


@pipeline(enable_cache=False)
def loads():
    produce()
    value = other()
    consume(value, after="produce")


run = loads()
step_run = Client().get_pipeline_run(run.id).steps["consume"]
assert step_run.outputs["output"][0].load() == 11
assert sorted(step_run.inputs) == ["base", "other_base", "x"], sorted(step_run.inputs)
assert step_run.inputs["base"][0].load() == 1
assert str(step_run.inputs["base"][0].input_type) == "manual"
assert str(step_run.inputs["x"][0].input_type) == "step_output"
assert str(step_run.inputs["other_base"][0].input_type) == "manual"
assert step_run.inputs["other_base"][0].id == step_run.inputs["x"][0].id
print("ok")
