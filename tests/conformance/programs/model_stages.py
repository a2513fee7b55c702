"""Stages: one version per stage per model; set_stage without force names the holder and
raises RuntimeError; force=True moves the holder to archived; versions are found by stage,
number, name and latest (Client and Model), a missing one is a KeyError."""

from zenml import Model
from zenml.client import Client
from zenml.enums import ModelStages

client = Client()
client.create_model("churn")
for name in (None, None, "gold"):
    client.create_model_version("churn", name=name)

client.get_model_version("churn", 1).set_stage(ModelStages.PRODUCTION)
assert client.get_model_version("churn", ModelStages.PRODUCTION).number == 1
try:
    client.get_model_version("churn", 2).set_stage("production")
except RuntimeError as error:
    assert "production" in str(error)
else:
    raise AssertionError("a second production version needs force=True")
assert client.get_model_version("churn", 1).stage == "production"
client.get_model_version("churn", 2).set_stage("production", force=True)
assert client.get_model_version("churn", 1).stage == "archived"
assert client.get_model_version("churn", 2).stage == "production"
assert [v.number for v in client.list_model_versions("churn", stage="production")] == [2]

client.update_model_version("churn", "gold", stage="staging")
assert client.get_model_version("churn", "staging").name == "gold"
assert client.get_model_version("churn", ModelStages.LATEST).name == "gold"
assert client.get_model_version("churn").number == 3

production = Model(name="churn", version=ModelStages.PRODUCTION)
assert production.number == 2 and production.stage == ModelStages.PRODUCTION
assert str(production.version) == "2"  # the stage's holder, by name
assert Model(name="churn", version="staging").number == 3
assert Model(name="churn", version=1).stage == ModelStages.ARCHIVED
assert Model(name="churn", version="gold").number == 3
for missing in (lambda: Model(name="churn", version=9).number,
                lambda: client.get_model_version("churn", "nope")):
    try:
        missing()
    except KeyError:
        pass
    else:
        raise AssertionError("a missing version is a KeyError")
try:
    client.get_model_version("churn", 3).set_stage("bogus")
except ValueError:
    pass
else:
    raise AssertionError("an unknown stage is a ValueError")
production.set_stage(ModelStages.STAGING, force=True)
assert client.get_model_version("churn", "gold").stage == "archived"
print("ok")
