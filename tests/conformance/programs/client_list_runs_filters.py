"""list_pipeline_runs filters: equality, contains:, startswith:, oneof:[...], gte:<date>, status,
pipeline name/id, in_progress."""

import json
import time
from datetime import datetime, timezone

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ExecutionStatus


@step
def make(n: int) -> int:
    return n


@step
def boom(x: int) -> int:
    raise ValueError("boom")


@pipeline
def train(n: int = 1):
    make(n)


@pipeline
def broken():
    boom(make(2))


train.with_options(run_name="alpha_run")(n=1)
time.sleep(1.1)
cutoff = datetime.now(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")
train.with_options(run_name="beta_run")(n=2)
try:
    broken.with_options(run_name="gamma_fail")()
except RuntimeError:
    pass
else:
    raise AssertionError("the failing pipeline raises")

client = Client()


def names(page):
    return sorted(r.name for r in page)


assert names(client.list_pipeline_runs()) == ["alpha_run", "beta_run", "gamma_fail"]
assert names(client.list_pipeline_runs(name="alpha_run")) == ["alpha_run"]
assert names(client.list_pipeline_runs(name="contains:_run")) == ["alpha_run", "beta_run"]
assert names(client.list_pipeline_runs(name="startswith:b")) == ["beta_run"]
assert names(client.list_pipeline_runs(
    name="oneof:" + json.dumps(["alpha_run", "gamma_fail"]))) == ["alpha_run", "gamma_fail"]
assert names(client.list_pipeline_runs(created=f"gte:{cutoff}")) == ["beta_run", "gamma_fail"]
assert names(client.list_pipeline_runs(created=f"lt:{cutoff}")) == ["alpha_run"]

assert names(client.list_pipeline_runs(status="failed")) == ["gamma_fail"]
assert names(client.list_pipeline_runs(status=ExecutionStatus.FAILED)) == ["gamma_fail"]
assert names(client.list_pipeline_runs(status="completed")) == ["alpha_run", "beta_run"]

assert names(client.list_pipeline_runs(pipeline_name="train")) == ["alpha_run", "beta_run"]
assert names(client.list_pipeline_runs(pipeline="broken")) == ["gamma_fail"]
train_id = client.get_pipeline("train").id
assert names(client.list_pipeline_runs(pipeline_id=train_id)) == ["alpha_run", "beta_run"]
assert names(client.list_pipeline_runs(pipeline_id=str(train_id))) == ["alpha_run", "beta_run"]

assert names(client.list_pipeline_runs(in_progress=True)) == []
assert len(client.list_pipeline_runs(in_progress=False)) == 3

# several filters combine with AND
assert names(client.list_pipeline_runs(pipeline_name="train", name="contains:beta")) == ["beta_run"]
assert client.list_pipeline_runs(pipeline_name="train", status="failed").total == 0
print("ok")
