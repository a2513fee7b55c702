"""A pipeline run response: name, status, in_progress, stack, pipeline, config (parameters, tags),
start/end time, tags, run_metadata, steps (a dict in execution order)."""

from datetime import datetime

from zenml import log_metadata, pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus


@step
def load(n: int) -> int:
    return n


@step
def add(a: int, b: int = 10) -> int:
    return a + b


@pipeline(tags=["nightly", "team-a"])
def report(n: int = 5):
    add(load(n))


returned = report.with_options(run_name="report_run")(n=7)
client = Client()
run = client.get_pipeline_run("report_run")
assert returned.id == run.id and returned.name == "report_run"
assert run.status == ExecutionStatus.COMPLETED and run.status == "completed"
assert run.in_progress is False

assert run.pipeline.name == "report" and run.pipeline.id == client.get_pipeline("report").id
assert run.stack.name == "default" and run.stack.id == client.active_stack_model.id
assert run.config.parameters == {"n": 7}
assert sorted(run.config.tags) == ["nightly", "team-a"]
assert sorted(t.name for t in run.tags) == ["nightly", "team-a"]

assert isinstance(run.start_time, datetime) and isinstance(run.end_time, datetime)
assert run.start_time <= run.end_time
assert run.created <= run.end_time
steps = run.steps
assert isinstance(steps, dict) and list(steps) == ["load", "add"]
assert steps["load"].start_time >= run.start_time
assert steps["add"].end_time <= run.end_time
assert steps["add"].output.load() == 17

log_metadata(metadata={"reviewed": True, "score": 0.9}, run_id_name_or_prefix=run.id)
again = client.get_pipeline_run(run.id)
assert again.run_metadata == {"reviewed": True, "score": 0.9}
assert isinstance(again.run_metadata["score"], float)
print("ok")
