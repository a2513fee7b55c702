"""Dynamic-pipeline calls outside one are refused; a failed step raises its own error from
the future, the run still fails, and the step is recorded failed."""

from zenml import pipeline, step
from zenml.client import Client


@step
def make() -> list:
    return [1, 2]


@step
def add(x: int, y: int = 0) -> int:
    return x + y


@step
def boom(x: int) -> int:
    raise ValueError("bad x")


@pipeline(enable_cache=False)
def static_map():
    add.map(x=make())


try:
    static_map()
except RuntimeError as error:
    assert "only possible within a dynamic pipeline" in str(error), error
else:
    raise AssertionError("map in a static pipeline must fail")

try:
    add.submit(1, 2)
except RuntimeError as error:
    assert "only possible within a dynamic pipeline" in str(error), error
else:
    raise AssertionError("submit outside a pipeline must fail")

assert static_map.is_dynamic is False
seen = []


@pipeline(dynamic=True, enable_cache=False)
def failing():
    future = boom.submit(1)
    try:
        future.load()
    except ValueError as error:
        seen.append(str(error))
    add(x=1, y=2)


assert failing.is_dynamic is True
try:
    failing()
except Exception:  # noqa: BLE001 - the run's failure (each tool names it its own way)
    pass
else:
    raise AssertionError("a run with a failed step must fail")
assert seen == ["bad x"], seen
run = Client().get_pipeline("failing").last_run
assert str(run.status) == "failed", run.status
assert str(run.steps["boom"].status) == "failed"
assert str(run.steps["add"].status) == "completed"
print("ok")
