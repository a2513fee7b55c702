"""bulk_log_metadata with run, step run and artifact version identifiers, and the identifiers'
own checks."""

from typing import Annotated

from pydantic import ValidationError
from zenml import bulk_log_metadata, log_step_metadata, pipeline, step
from zenml.client import Client
from zenml.models import ArtifactVersionIdentifier, PipelineRunIdentifier, StepRunIdentifier


@step
def make() -> Annotated[int, "made"]:
    return 1


@pipeline(enable_cache=False)
def bulk():
    make()


first = bulk()
second = bulk()
client = Client()
step_id = client.get_pipeline_run(first.id).steps["make"].id
bulk_log_metadata({"bulk_run": 1}, pipeline_runs=[PipelineRunIdentifier(id=first.id),
                                                  PipelineRunIdentifier(name=second.name)])
bulk_log_metadata({"bulk_step": 1}, step_runs=[
    StepRunIdentifier(id=step_id),
    StepRunIdentifier(name="make", run=PipelineRunIdentifier(id=second.id))])
bulk_log_metadata({"bulk_version": 1}, artifact_versions=[
    ArtifactVersionIdentifier(name="made", version="1"),
    ArtifactVersionIdentifier(id=client.get_artifact_version("made", "2").id)])
log_step_metadata({"latest_run_step": 1}, step_name="make", pipeline_name_id_or_prefix="bulk")

for run in (first, second):
    run = client.get_pipeline_run(run.id)
    assert run.run_metadata["bulk_run"] == 1
    assert client.get_run_step(run.steps["make"].id).run_metadata["bulk_step"] == 1
for version in ("1", "2"):
    assert client.get_artifact_version("made", version).run_metadata["bulk_version"] == 1
latest = client.get_run_step(client.get_pipeline_run(second.id).steps["make"].id)
assert latest.run_metadata["latest_run_step"] == 1
assert "latest_run_step" not in client.get_run_step(step_id).run_metadata

for bad in (lambda: PipelineRunIdentifier(),
            lambda: PipelineRunIdentifier(id=first.id, name=first.name),
            lambda: StepRunIdentifier(name="make"),
            lambda: StepRunIdentifier(id=step_id, name="make"),
            lambda: ArtifactVersionIdentifier(name="made")):
    try:
        bad()
    except ValidationError:
        pass
    else:
        raise AssertionError("an identifier must name its entity exactly one way")
print("ok")
