"""ModelResponse and ModelVersionResponse fields a user reads: ids, names, dates, the model
card, tags, latest version, the version's model, number, stage, description, and the user and
project they belong to."""

from zenml import Model, pipeline, step
from zenml.client import Client
from zenml.models import ModelResponse, ModelVersionResponse


@step
def s() -> int:
    return 1


@pipeline(model=Model(name="churn", license="MIT", description="d", tags=["v"]),
          enable_cache=False)
def p():
    s()


run = p()
client = Client()
model = client.get_model("churn")
assert isinstance(model, ModelResponse)
assert model.created is not None and model.updated is not None
assert model.user is not None and model.user.name == "default"
assert model.project_id is not None
assert (model.license, model.description) == ("MIT", "d")
assert model.audience is None and model.use_cases is None and model.limitations is None
assert model.trade_offs is None and model.ethics is None
assert model.latest_version_name == "1"
version = run.model_version
assert isinstance(version, ModelVersionResponse)
assert model.latest_version_id == version.id
assert version.model.id == model.id and version.number == 1 and version.name == "1"
assert version.stage is None and version.description == "d"
assert [t.name for t in version.tags] == ["v"]
assert version.created is not None and version.updated is not None
assert version.user is not None and version.project_id is not None
assert version.run_metadata == {}
assert client.get_model_version("churn", 1) == version
assert [m.name for m in model.versions] == ["churn"]
print("ok")
