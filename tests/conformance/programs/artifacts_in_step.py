"""save_artifact and load_artifact inside a step: the saved version shows among the step's
outputs; cached re-runs create no new versions."""

from typing import Annotated

from zenml import load_artifact, pipeline, save_artifact, step
from zenml.client import Client


@step
def produce() -> Annotated[int, "base"]:
    return 1


@step
def consume() -> int:
    saved = save_artifact(load_artifact("base") + 10, "side_output", tags=["side"])
    assert saved.version is not None
    return load_artifact("side_output")


@pipeline
def in_step():
    produce()
    consume(after="produce")


run = in_step()
client = Client()
consume_run = client.get_pipeline_run(run.id).steps["consume"]
assert sorted(consume_run.outputs) == ["output", "side_output"], sorted(consume_run.outputs)
assert consume_run.outputs["side_output"][0].load() == 11
assert [t.name for t in client.get_artifact_version("side_output").tags] == ["side"]
assert client.get_pipeline_run(run.id).steps["consume"].outputs["output"][0].load() == 11
in_step()
assert [v.version for v in client.list_artifact_versions(artifact="side_output")] == ["1"]
print("ok")
