"""ArtifactConfig on an output: name, version, tags (on the version only), run_metadata and
artifact_type, as a user reads them back."""

from typing import Annotated

from zenml import ArtifactConfig, pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType


@step
def train() -> Annotated[int, ArtifactConfig(name="model_out", version="v1", tags=["prod"],
                                             run_metadata={"f1": 0.9},
                                             artifact_type=ArtifactType.MODEL)]:
    return 7


@pipeline(enable_cache=False)
def artifact_config():
    train()


config = ArtifactConfig(name="n", version=1, tags=["t"], run_metadata={"x": 1},
                        artifact_type="ModelArtifact")
assert config.artifact_type == ArtifactType.MODEL
assert ArtifactConfig().tags is None and ArtifactConfig().run_metadata is None
try:
    ArtifactConfig("positional")
except TypeError:
    pass
else:
    raise AssertionError("ArtifactConfig takes keywords only")

run = artifact_config()
version = Client().get_pipeline_run(run.id).steps["train"].output
assert version.artifact.name == "model_out"
assert version.version == "v1"
assert version.type == ArtifactType.MODEL
assert version.run_metadata["f1"] == 0.9
assert [t.name for t in version.tags] == ["prod"]
assert [t.name for t in version.artifact.tags] == []
assert version.load() == 7
print("ok")
