"""list_run_steps(pipeline_run_id=...) and get_run_step(id): order, totals, name/status filters;
get_run_step takes an id (UUID or its string), not a step name."""

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus


@step
def load() -> int:
    return 2


@step
def double(x: int) -> int:
    return 2 * x


@step
def seed() -> int:
    return 5


@step
def fail(x: int) -> int:
    raise RuntimeError("no")


@pipeline
def chain():
    double(double(load()))


@pipeline
def failing():
    fail(seed())


run = chain()
client = Client()
steps = client.list_run_steps(pipeline_run_id=run.id)
assert steps.total == 3
# oldest first, i.e. execution order
assert [s.name for s in steps] == ["load", "double", "double_2"]
assert all(s.status == ExecutionStatus.COMPLETED for s in steps)
assert all(s.pipeline_run_id == run.id for s in steps)
assert client.list_run_steps(pipeline_run_id=str(run.id)).total == 3

try:
    failing()
except RuntimeError:
    pass
bad_run = client.list_pipeline_runs(pipeline_name="failing")[0]
bad_steps = client.list_run_steps(pipeline_run_id=bad_run.id)
assert {s.name: s.status for s in bad_steps} == {"seed": "completed", "fail": "failed"}
assert [s.name for s in client.list_run_steps(status="failed")] == ["fail"]
assert [s.name for s in client.list_run_steps(name="load")] == ["load"]
assert client.list_run_steps().total == 5
assert client.list_run_steps(pipeline_run_id=run.id, name="double_2").total == 1

one = client.get_run_step(steps[1].id)
assert one.name == "double" and one.id == steps[1].id
assert one.outputs["output"][0].load() == 4
assert client.get_run_step(str(steps[1].id)).name == "double"
assert client.get_run_step(steps[1].id, hydrate=False).id == steps[1].id
try:
    client.get_run_step("double")
except (ValueError, KeyError):
    pass  # ZenML: "badly formed hexadecimal UUID string"
else:
    raise AssertionError("get_run_step takes an id, not a name")

# the run's steps dict and the list agree
assert [s.id for s in steps] == [s.id for s in run.steps.values()]
print("ok")
