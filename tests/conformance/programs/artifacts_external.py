"""ExternalArtifact: its fields, upload_by_value, config / get_artifact_version_id, and use as a
step input."""

from zenml import ExternalArtifact, pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactSaveType

external = ExternalArtifact(value=[1, 2, 3])
assert external.id is None and external.materializer is None
assert external.store_artifact_metadata is True and external.store_artifact_visualizations is True
assert external.config.id is None
try:
    external.get_artifact_version_id()
except RuntimeError:
    pass
else:
    raise AssertionError("no version id before the upload")
version_id = external.upload_by_value()
assert external.id == version_id and external.get_artifact_version_id() == version_id
assert external.config.id == version_id
version = Client().get_artifact_version(version_id)
assert version.save_type == ArtifactSaveType.EXTERNAL and version.load() == [1, 2, 3]
assert version.artifact.name.startswith("external_")

bare = ExternalArtifact(value=5, store_artifact_metadata=False)
assert dict(Client().get_artifact_version(bare.upload_by_value()).run_metadata) == {}


@step
def total(values: list) -> int:
    return sum(values)


@pipeline(enable_cache=False)
def uses_external():
    total(ExternalArtifact(value=[4, 5]))


run = uses_external()
step_run = Client().get_pipeline_run(run.id).steps["total"]
assert step_run.output.load() == 9
assert step_run.inputs["values"][0].load() == [4, 5]
print("ok")
