"""A step run's spec (upstream_steps, inputs -> step/output names) and config (parameters with the
step's defaults, enable_cache, name)."""

from typing import Annotated, Tuple

from _support import ON_STACKWISE
from zenml import pipeline, step
from zenml.client import Client


@step
def split() -> Tuple[Annotated[int, "left"], Annotated[int, "right"]]:
    return 1, 2


@step
def seed() -> int:
    return 100


@step(enable_cache=False)
def combine(a: int, b: int, c: int, scale: int = 3, label: str = "sum") -> int:
    return (a + b + c) * scale


@pipeline
def graph(scale: int = 4):
    left, right = split()
    combine(left, right, seed(), scale=scale)


run = Client().get_pipeline_run(graph().id)
c = run.steps["combine"]
assert sorted(c.spec.upstream_steps) == ["seed", "split"]
assert set(c.spec.inputs) == {"a", "b", "c"}
assert (c.spec.inputs["a"].step_name, c.spec.inputs["a"].output_name) == ("split", "left")
assert (c.spec.inputs["b"].step_name, c.spec.inputs["b"].output_name) == ("split", "right")
assert (c.spec.inputs["c"].step_name, c.spec.inputs["c"].output_name) == ("seed", "output")
assert run.steps["split"].spec.upstream_steps == []
assert run.steps["split"].spec.inputs == {}

assert c.config.parameters == {"scale": 4, "label": "sum"}  # defaults included
assert c.config.enable_cache is False
if ON_STACKWISE:  # the value the step ran with (documented difference)
    assert run.steps["seed"].config.enable_cache is True
else:  # not set on the step
    assert run.steps["seed"].config.enable_cache is None
assert c.config.name == "combine"
assert run.config.parameters == {"scale": 4}
assert c.output.load() == 412
print("ok")
