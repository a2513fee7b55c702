"""stackwise.Model outside a run: its fields, a version made on first use when none is given,
id/model_id/number/stage, load_artifact (ValueError when not linked), delete_artifact (only the
link, the artifact version stays), delete_all_artifacts, and ModelVersionResponse
.to_model_class()."""

from typing import Annotated

from zenml import Model, pipeline, step
from zenml.client import Client


@step
def make() -> Annotated[int, "data"]:
    return 4


@step
def other() -> Annotated[int, "other"]:
    return 5


@pipeline(model=Model(name="churn"), enable_cache=False)
def training():
    make()
    other()


fields = Model(name="x")
assert fields.version is None and fields.license is None and fields.tags is None
assert fields.save_models_to_registry is True and fields.model_version_id is None

fresh = Model(name="fresh")
assert fresh.number == 1 and fresh.number == 1
assert Client().get_model("fresh").latest_version_name == "1"

training()
model = Model(name="churn", version=1)
version = Client().get_model_version("churn", 1)
assert model.id == version.id and model.model_id == version.model.id
assert model.number == 1 and model.stage is None
assert model.load_artifact("data") == 4
assert model.get_artifact("data").version == "1"
try:
    model.load_artifact("nope")
except ValueError:
    pass
else:
    raise AssertionError("loading an artifact that is not linked")
model.delete_artifact("data")
assert set(Client().get_model_version("churn", 1).data_artifact_ids) == {"other"}
assert Client().get_artifact_version("data").version == "1"
model.delete_all_artifacts()
assert Client().get_model_version("churn", 1).data_artifact_ids == {}

pinned = version.to_model_class()
assert isinstance(pinned, Model) and pinned.name == "churn" and str(pinned.version) == "1"
assert pinned.model_version_id == version.id
assert [str(m.version) for m in Client().get_model("churn").versions] == ["1"]
print("ok")
