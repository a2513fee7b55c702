"""Client models and model versions: create (a taken name is EntityExistsError), get by name,
id and prefix (KeyError when missing), list with filters, sort_by and Page, update (card
fields, tags, name), delete (the version's artifacts stay)."""

from zenml import save_artifact
from zenml.client import Client
from zenml.exceptions import EntityExistsError
from zenml.models import ModelResponse, ModelVersionResponse, Page

client = Client()
made = client.create_model("churn", license="MIT", description="d", audience="ops",
                           use_cases="retention", limitations="l", trade_offs="t",
                           ethics="e", tags=["tab"])
assert isinstance(made, ModelResponse)
assert (made.license, made.audience, made.use_cases, made.ethics) == ("MIT", "ops", "retention",
                                                                    "e")
assert made.save_models_to_registry is True and made.latest_version_name is None
assert [t.name for t in made.tags] == ["tab"]
try:
    client.create_model("churn")
except EntityExistsError:
    pass
else:
    raise AssertionError("a taken model name")
assert client.get_model(made.id).name == "churn"
assert client.get_model(str(made.id)[:8]).name == "churn"
try:
    client.get_model("nope")
except KeyError:
    pass
else:
    raise AssertionError("a missing model is a KeyError")
client.create_model("other")
page = client.list_models(size=1)
assert isinstance(page, Page) and page.total == 2 and page.total_pages == 2 and len(page) == 1
assert [m.name for m in client.list_models(sort_by="desc:name")] == ["other", "churn"]
assert [m.name for m in client.list_models(name="contains:hur")] == ["churn"]

one = client.create_model_version("churn", description="first", tags=["x"])
gold = client.create_model_version("churn", name="gold")
assert isinstance(one, ModelVersionResponse)
assert (one.name, one.number, one.description, one.stage) == ("1", 1, "first", None)
assert (gold.name, gold.number) == ("gold", 2)
assert [t.name for t in one.tags] == ["x"]
try:
    client.create_model_version("churn", name="gold")
except EntityExistsError:
    pass
else:
    raise AssertionError("a taken version name")
assert client.get_model("churn").latest_version_name == "gold"
assert client.get_model_version("churn", 1).id == one.id
assert client.get_model_version("churn", 2).name == "gold"
assert client.get_model_version("churn", "gold").number == 2
assert client.get_model_version(model_version_name_or_number_or_id=gold.id).name == "gold"
versions = client.list_model_versions("churn")
assert [v.number for v in versions] == [1, 2] and versions.total == 2
assert [v.number for v in client.list_model_versions("churn", sort_by="desc:number")] == [2, 1]
assert [v.name for v in client.list_model_versions("churn", name="gold")] == ["gold"]
assert [v.name for v in client.list_model_versions("churn", number=1)] == ["1"]

updated = client.update_model("churn", license="Apache-2.0", add_tags=["new"],
                              remove_tags=["tab"])
assert updated.license == "Apache-2.0" and [t.name for t in updated.tags] == ["new"]
renamed = client.update_model_version("churn", "gold", name="golden", description="best",
                                      add_tags=["t"])
assert (renamed.name, renamed.description, [t.name for t in renamed.tags]) == \
    ("golden", "best", ["t"])

saved = save_artifact(1, "kept")
client.delete_model_version(one.id)
assert [v.name for v in client.list_model_versions("churn")] == ["golden"]
assert client.create_model_version("churn").number == 3
client.delete_model("churn")
assert [m.name for m in client.list_models()] == ["other"]
assert client.get_artifact_version("kept").id == saved.id
print("ok")
