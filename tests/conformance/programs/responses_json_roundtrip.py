"""Responses are pydantic models: model_dump_json() is JSON carrying the id (and name), and
model_validate_json() of it gives back an equal response."""

import json

from zenml import pipeline, step
from zenml.client import Client
from zenml.models import ArtifactVersionResponse, PipelineRunResponse


@step
def make() -> int:
    return 5


@pipeline
def jsonable():
    make()


client = Client()
run = client.get_pipeline_run(jsonable().id)
data = json.loads(run.model_dump_json())
assert data["id"] == str(run.id) and data["name"] == run.name
back = PipelineRunResponse.model_validate_json(run.model_dump_json())
assert back.id == run.id and back.name == run.name

v = run.steps["make"].output
vdata = json.loads(v.model_dump_json())
assert vdata["id"] == str(v.id)
vback = ArtifactVersionResponse.model_validate_json(v.model_dump_json())
assert vback.id == v.id and vback.version == v.version and vback.uri == v.uri
assert isinstance(v.model_dump(), dict)
assert isinstance(client.list_pipeline_runs().model_dump_json(), str)
print("ok")
