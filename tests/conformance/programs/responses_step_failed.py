"""A failed step keeps exception_info (.message, .traceback); the pipeline call raises RuntimeError
naming the step; run and step are failed; steps downstream of the failure get no step run."""

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus


@step
def ok_step() -> int:
    return 1


@step
def explode(x: int) -> int:
    raise ValueError(f"cannot handle {x + 41}")


@step
def after(x: int) -> int:
    return x


@pipeline
def fragile():
    after(explode(ok_step()))


try:
    fragile.with_options(run_name="fragile_run")()
except RuntimeError as e:
    assert "explode" in str(e)
else:
    raise AssertionError("a failing step makes the pipeline call raise")

client = Client()
run = client.get_pipeline_run("fragile_run")
assert run.status == ExecutionStatus.FAILED and run.status == "failed"
assert run.in_progress is False
assert run.end_time is not None
assert set(run.steps) == {"ok_step", "explode"}  # "after" never ran
bad = run.steps["explode"]
assert bad.status == "failed"
info = bad.exception_info
assert info.message == "cannot handle 42"
assert "ValueError: cannot handle 42" in info.traceback
assert 'raise ValueError(f"cannot handle {x + 41}")' in info.traceback
assert run.steps["ok_step"].exception_info is None
assert bad.outputs == {}
assert client.get_pipeline("fragile").latest_run_status == "failed"
print("ok")
