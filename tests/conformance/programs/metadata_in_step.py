"""Metadata logged inside a step: no target -> the step run; infer_artifact -> the output;
log_artifact_metadata (the lesson's form) and log_step_metadata; bulk_log_metadata with
infer_artifacts; a run target written at once."""

from typing import Annotated

from zenml import (
    bulk_log_metadata,
    get_step_context,
    log_artifact_metadata,
    log_metadata,
    log_step_metadata,
    pipeline,
    save_artifact,
    step,
)
from zenml.client import Client


@step
def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    log_metadata({"step_level": 1})
    log_step_metadata({"step_level_2": 2})
    log_metadata({"inferred_a": 1}, infer_artifact=True, artifact_name="a")
    log_artifact_metadata({"lesson_b": 1}, artifact_name="b")
    log_metadata({"on_run": 1}, run_id_name_or_prefix=get_step_context().pipeline_run.id)
    bulk_log_metadata({"bulk": 1}, infer_artifacts=True)
    save_artifact(5, "saved_in_step")
    log_artifact_metadata({"on_saved": 1}, artifact_name="saved_in_step")
    return 1, 2


@step
def one() -> int:
    log_metadata({"inferred": 1}, infer_artifact=True)
    log_artifact_metadata({"lesson": 1})
    return 3


@pipeline(enable_cache=False)
def in_step():
    two()
    one()


run = in_step()
client = Client()
run = client.get_pipeline_run(run.id)
assert run.run_metadata["on_run"] == 1
two_run = client.get_run_step(run.steps["two"].id)
assert two_run.run_metadata["step_level"] == 1 and two_run.run_metadata["step_level_2"] == 2
a = two_run.outputs["a"][0].run_metadata
b = two_run.outputs["b"][0].run_metadata
assert a["inferred_a"] == 1 and a["bulk"] == 1 and "lesson_b" not in a
assert b["lesson_b"] == 1 and b["bulk"] == 1 and "inferred_a" not in b
assert client.get_artifact_version("saved_in_step").run_metadata["on_saved"] == 1
out = client.get_run_step(run.steps["one"].id).outputs["output"][0].run_metadata
assert out["inferred"] == 1 and out["lesson"] == 1
assert "inferred" not in client.get_run_step(run.steps["one"].id).run_metadata
print("ok")
