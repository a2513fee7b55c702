"""Step run inputs/outputs map names to lists of artifact versions; .output for a single output;
.output on a multi-output step is a ValueError pointing to .outputs."""

from typing import Annotated, Tuple

from zenml import pipeline, step
from zenml.client import Client


@step
def pair() -> Tuple[Annotated[int, "a"], Annotated[str, "b"]]:
    return 5, "five"


@step
def use(a: int, b: str) -> int:
    return a + len(b)


@step
def untitled() -> Tuple[int, int]:
    return 1, 2


@pipeline
def io():
    a, b = pair()
    use(a, b)
    untitled()


run = Client().get_pipeline_run(io().id)
p = run.steps["pair"]
assert set(p.outputs) == {"a", "b"}
assert isinstance(p.outputs["a"], list) and len(p.outputs["a"]) == 1
assert p.outputs["a"][0].load() == 5 and p.outputs["b"][0].load() == "five"
assert p.outputs["a"][0].artifact.name == "a"
assert p.inputs == {}
try:
    p.output
except ValueError as e:
    assert "outputs" in str(e)
else:
    raise AssertionError("output of a multi-output step is ambiguous")

u = run.steps["use"]
assert set(u.inputs) == {"a", "b"}
assert isinstance(u.inputs["a"], list)
assert u.inputs["a"][0].id == p.outputs["a"][0].id
assert u.inputs["b"][0].load() == "five"
assert list(u.outputs) == ["output"]
assert u.output.id == u.outputs["output"][0].id
assert u.output.load() == 9
assert u.output.artifact.name == "io::use::output"

t = run.steps["untitled"]
assert set(t.outputs) == {"output_0", "output_1"}
assert t.outputs["output_1"][0].load() == 2
assert t.outputs["output_0"][0].artifact.name == "io::untitled::output_0"
print("ok")
