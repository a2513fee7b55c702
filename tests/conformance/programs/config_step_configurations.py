"""Pipeline.with_options(steps=...) configures step invocations by id."""

import os

from zenml import pipeline, step
from zenml.config.step_configurations import StepConfigurationUpdate


@step
def a(x: int = 1) -> int:
    return x + int(os.environ.get("BUMP", "0"))


@pipeline(enable_cache=False)
def stepped():
    a(id="first")
    a(id="second")


run = stepped.with_options(steps={
    "first": {"parameters": {"x": 10}, "environment": {"BUMP": "1"}},
    "second": StepConfigurationUpdate(extra={"tag": "two"}, enable_cache=False),
})()
assert run.steps["first"].output.load() == 11
assert run.steps["second"].output.load() == 1
assert run.steps["second"].config.extra == {"tag": "two"}
assert run.steps["first"].config.parameters == {"x": 10}
print("ok")
