"""Client model and model version methods on the real SQLite store: create, get (by name, id,
number, stage, latest), list with filters, sort and paging, update (stages with and without
force), delete with what goes with it, and the link listings."""

from __future__ import annotations

import pytest

from stackwise import Model
from stackwise.client import Client
from stackwise.enums import ModelStages
from stackwise.exceptions import EntityExistsError, ModelStageConflictError
from stackwise.models.base import Page
from stackwise.models.model_version import ModelResponse, ModelVersionResponse


def test_models_crud():
    client = Client()
    made = client.create_model("churn", license="MIT", description="d", tags=["tab"])
    assert isinstance(made, ModelResponse)
    assert (made.name, made.license, made.description) == ("churn", "MIT", "d")
    assert [t.name for t in made.tags] == ["tab"] and made.save_models_to_registry is True
    assert made.latest_version_id is None and made.latest_version_name is None
    with pytest.raises(EntityExistsError, match="already exists"):
        client.create_model("churn")
    assert client.get_model(made.id) == made
    assert client.get_model(str(made.id)[:8]).name == "churn"
    with pytest.raises(KeyError, match="Did you mean 'churn'"):
        client.get_model("chrun")
    client.create_model("other")
    page = client.list_models(size=1)
    assert isinstance(page, Page) and page.total == 2 and page.total_pages == 2
    assert [m.name for m in client.list_models(sort_by="desc:name")] == ["other", "churn"]
    assert [m.name for m in client.list_models(name="contains:hur")] == ["churn"]
    assert [m.name for m in client.list_models(tags=["tab"])] == ["churn"]
    updated = client.update_model("churn", license="Apache-2.0", add_tags=["x"], name="churn2")
    assert updated.name == "churn2" and updated.license == "Apache-2.0"
    assert sorted(t.name for t in updated.tags) == ["tab", "x"]
    client.delete_model("churn2")
    with pytest.raises(KeyError):
        client.get_model("churn2")


def test_versions_numbering_lookup_and_listing():
    client = Client()
    client.create_model("churn")
    first = client.create_model_version("churn", description="first", tags=["a"])
    gold = client.create_model_version("churn", name="gold")
    assert isinstance(first, ModelVersionResponse)
    assert (first.name, first.number, gold.name, gold.number) == ("1", 1, "gold", 2)
    assert first.description == "first" and [t.name for t in first.tags] == ["a"]
    assert first.stage is None and first.model.name == "churn"
    with pytest.raises(EntityExistsError, match="already has a version named 'gold'"):
        client.create_model_version("churn", name="gold")
    assert client.get_model("churn").latest_version_name == "gold"
    assert client.get_model_version("churn").name == "gold"  # the newest
    assert client.get_model_version("churn", ModelStages.LATEST).name == "gold"
    assert client.get_model_version("churn", 1).name == "1"
    assert client.get_model_version("churn", "2").name == "gold"
    assert client.get_model_version("churn", "gold").number == 2
    assert client.get_model_version(model_version_name_or_number_or_id=gold.id).name == "gold"
    with pytest.raises(KeyError, match="Known: '1', 'gold'"):
        client.get_model_version("churn", "nope")
    with pytest.raises(KeyError, match="is in stage 'production'"):
        client.get_model_version("churn", ModelStages.PRODUCTION)
    assert [v.name for v in client.list_model_versions("churn")] == ["1", "gold"]
    assert [v.name for v in client.list_model_versions("churn", sort_by="desc:number")] == [
        "gold",
        "1",
    ]
    assert [v.number for v in client.list_model_versions("churn", name="gold")] == [2]
    assert client.list_model_versions("churn", number="gte:2").total == 1
    assert [v.name for v in client.list_model_versions(tags=["a"])] == ["1"]


def test_stages_one_holder_per_model():
    client = Client()
    client.create_model("churn")
    for _ in range(3):
        client.create_model_version("churn")
    client.update_model_version("churn", "1", stage="production")
    with pytest.raises(ModelStageConflictError, match="'1' of model 'churn' is in production"):
        client.get_model_version("churn", 2).set_stage(ModelStages.PRODUCTION)
    with pytest.raises(RuntimeError):  # ZenML raises a RuntimeError here
        client.update_model_version("churn", "2", stage="production")
    client.get_model_version("churn", 2).set_stage("production", force=True)
    stages = {v.name: v.stage for v in client.list_model_versions("churn")}
    assert stages == {"1": "archived", "2": "production", "3": None}
    assert client.get_model_version("churn", ModelStages.PRODUCTION).number == 2
    assert [v.name for v in client.list_model_versions("churn", stage="archived")] == ["1"]
    with pytest.raises(ValueError, match="not a stage"):
        client.update_model_version("churn", "3", stage="bogus")
    assert Model(name="churn", version="production").number == 2
    assert Model(name="churn", version=ModelStages.ARCHIVED).stage is ModelStages.ARCHIVED


def test_delete_version_keeps_numbering_and_artifacts():
    from stackwise import save_artifact

    client = Client()
    client.create_model("churn")
    one = client.create_model_version("churn")
    saved = save_artifact(1, "data")
    client.store.link_artifacts_to_model_version(str(one.id), [str(saved.id)])
    links = client.list_model_version_artifact_links(model_version_id=one.id)
    assert links.total == 1 and links[0].artifact_version.id == saved.id
    client.create_model_version("churn")
    client.delete_model_version(one.id)
    assert client.list_model_version_artifact_links().total == 0
    assert client.get_artifact_version("data").id == saved.id  # the artifact stays
    assert client.create_model_version("churn").number == 3


def test_model_outside_a_run_makes_and_remembers_a_version():
    model = Model(name="fresh")
    assert model.number == 1 and model.number == 1  # one version per object
    assert model.version is None and model.model_version_id is not None
    assert Model(name="fresh").number == 2
    with pytest.raises(KeyError, match="named '7'"):
        _ = Model(name="fresh", version=7).number
    assert Client().get_model("fresh").versions[0].version == "1"
