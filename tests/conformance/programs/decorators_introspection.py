"""What a step and a pipeline object tell about themselves before and after prepare()."""

from zenml import pipeline, step
from zenml.client import Client


@step
def scale(x: int, factor: int = 2) -> int:
    """Multiply x by factor."""
    return x * factor


@pipeline
def introspected(x: int, label: str = "a"):
    scale(x)


assert scale.docstring == "Multiply x by factor."
assert "def scale" in scale.source_code
assert "step_source" in scale.caching_parameters
assert list(scale.entrypoint_definition.inputs) == ["x", "factor"]
assert list(scale.entrypoint_definition.outputs) == ["output"]
assert scale.call_entrypoint(3) == 6
assert scale.source_object(2, 5) == 10
twin = scale.copy()
assert twin is not scale and twin.name == scale.name

assert introspected.required_parameters == ["x"]
assert introspected.missing_parameters == ["x"]
assert introspected.is_dynamic is False
assert introspected.is_prepared is False and dict(introspected.invocations) == {}
introspected.prepare(x=3)
assert introspected.is_prepared is True
assert list(introspected.invocations) == ["scale"]
assert "def introspected" in introspected.source_code
assert introspected.copy().name == "introspected"

registered = introspected.register()
assert registered.name == "introspected"
assert Client().get_pipeline("introspected").id == registered.id
assert Client().list_pipeline_runs().total == 0
print("ok")
