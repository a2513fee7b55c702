"""A step asking for a step operator the stack lacks fails before any run is recorded."""

from zenml import pipeline, step
from zenml.client import Client
from zenml.exceptions import StackValidationError


@step(step_operator="gpu_box")
def heavy() -> int:
    return 1


@pipeline
def offloaded():
    heavy()


try:
    offloaded()
except StackValidationError as error:
    assert "gpu_box" in str(error)
else:
    raise AssertionError("the step operator was silently ignored")
assert Client().list_pipeline_runs().total == 0

assert heavy.configuration.step_operator == "gpu_box"
assert heavy.with_options(step_operator=None).configuration.step_operator == "gpu_box"
print("ok")
