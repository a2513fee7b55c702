"""Deleting the runs behind a cached step makes the next run execute it again; deleting the
artifact a cached step produced: ZenML still reuses the step run and the consumer then fails,
stackwise notices the output is gone and re-runs the step (docs/zenml-differences.md)."""

from typing import Annotated

import _support
from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int = 3) -> Annotated[int, "x"]:
    return n


@step
def inc(x: int) -> int:
    return x + 1


@pipeline
def cached(n: int = 3):
    inc(make(n))


client = Client()


def statuses(run):
    return {name: str(s.status.value) for name, s in client.get_pipeline_run(run.id).steps.items()}


r1 = cached()
r2 = cached()
assert statuses(r1) == {"make": "completed", "inc": "completed"}
assert statuses(r2) == {"make": "cached", "inc": "cached"}
assert client.get_pipeline_run(r2.id).steps["make"].original_step_run_id == \
    client.get_pipeline_run(r1.id).steps["make"].id

# delete every run: nothing left to reuse, the steps execute again
client.delete_pipeline_run(r1.id)
client.delete_pipeline_run(r2.id)
r3 = cached()
assert statuses(r3) == {"make": "completed", "inc": "completed"}
assert client.get_pipeline_run(r3.id).steps["inc"].output.load() == 4

# delete the artifact the cached step produced
client.delete_artifact("x")
if _support.ON_STACKWISE:
    r4 = cached()
    assert statuses(r4)["make"] == "completed"
    assert client.get_pipeline_run(r4.id).steps["inc"].output.load() == 4
    assert client.get_artifact_version("x").load() == 3
else:
    try:
        cached()
    except RuntimeError as e:
        assert "inc" in str(e)
    else:
        raise AssertionError("ZenML reuses the step run whose output is gone")
    failed = client.list_pipeline_runs()[0]
    assert failed.status == "failed"
    assert statuses(failed) == {"make": "cached", "inc": "failed"}
print("ok")
