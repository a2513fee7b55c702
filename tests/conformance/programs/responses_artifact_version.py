"""An artifact version: artifact (.name, .versions), version (str), type (ArtifactType), materializer
and data_type as Sources (.module, .attribute, .import_path), producer_step_run_id, step, run, uri,
load()."""

import os
from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType


@step
def make() -> Annotated[int, "answer"]:
    return 42


@pipeline
def producing():
    make()


run = Client().get_pipeline_run(producing().id)
v = run.steps["make"].outputs["answer"][0]
assert v.artifact.name == "answer"
assert list(v.artifact.versions) == ["1"]
assert v.version == "1"
assert v.type == ArtifactType.DATA and v.type == "DataArtifact"
assert v.data_type.module == "builtins" and v.data_type.attribute == "int"
assert v.data_type.import_path == "builtins.int"
assert v.materializer.import_path == f"{v.materializer.module}.{v.materializer.attribute}"
assert v.materializer.module.startswith("zenml.materializers")
assert v.producer_step_run_id == run.steps["make"].id
assert v.step.id == run.steps["make"].id and v.step.name == "make"
assert v.run.id == run.id
assert os.path.isabs(v.uri) and os.path.isdir(v.uri) and os.listdir(v.uri)
assert v.load() == 42
assert v.tags == [] and v.name == "answer"
print("ok")
