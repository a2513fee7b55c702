"""`stackwise model`: register, list, update, delete; `model version list|update|delete` with
stages (asking before archiving the holder, or --force); what a version holds and the runs that
used it; errors as one clean message."""

from __future__ import annotations

import json
from typing import Annotated

from stackwise import ArtifactConfig, Model, pipeline, step
from stackwise.client import Client
from stackwise.enums import ArtifactType


@step
def make() -> Annotated[int, "data"]:
    return 1


@step
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    return x


@pipeline(model=Model(name="churn"), enable_cache=False)
def training() -> None:
    train(make())


def test_register_list_update_delete(ok, invoke) -> None:
    out = ok("model", "register", "-n", "churn", "-l", "MIT", "-d", "a model", "-t", "tab").output
    assert "churn" in out and "MIT" in out
    again = invoke("model", "register", "-n", "churn")
    assert again.exit_code == 1 and "already exists" in again.output
    listed = json.loads(ok("model", "list", "-o", "json").output)
    assert [m["name"] for m in listed["items"]] == ["churn"]
    assert listed["items"][0]["tags"] == ["tab"] and listed["pagination"]["total"] == 1
    ok("model", "update", "churn", "-l", "Apache", "-t", "x", "--use-cases", "churn")
    model = Client().get_model("churn")
    assert model.license == "Apache" and model.use_cases == "churn"
    assert sorted(t.name for t in model.tags) == ["tab", "x"]
    assert "No models found." in ok("model", "list", "--name", "nope").output
    ok("model", "delete", "churn", "-y")
    missing = invoke("model", "delete", "churn", "-y")
    assert missing.exit_code == 1 and "No model named 'churn'" in missing.output
    assert "Traceback" not in missing.output


def test_versions_stages_and_what_they_hold(ok, invoke) -> None:
    first = training()
    training()
    assert "churn version 1" in ok("pipeline", "runs", "describe", first.name).output
    rows = json.loads(ok("model", "version", "list", "-o", "json").output)["items"]
    assert [(r["model"], r["number"]) for r in rows] == [("churn", 2), ("churn", 1)]
    ok("model", "version", "update", "churn", "1", "-s", "production")
    refused = invoke("model", "version", "update", "churn", "2", "-s", "production", input="n\n")
    assert refused.exit_code == 1 and "Version '1' of model 'churn' is in production" in (
        refused.output
    )
    assert Client().get_model_version("churn", 1).stage == "production"
    moved = ok("model", "version", "update", "churn", "2", "-s", "production", "--force")
    assert "Model version '1' has been set to archived." in moved.output
    asked = ok("model", "version", "update", "churn", "1", "-s", "production", input="y\n")
    assert "'2' has been set to archived" in asked.output
    staged = json.loads(ok("model", "version", "list", "--stage", "archived", "-o", "json").output)
    assert [r["name"] for r in staged["items"]] == ["2"]
    ok("model", "version", "update", "churn", "2", "-n", "golden", "-d", "best", "-t", "t")
    golden = Client().get_model_version("churn", "golden")
    assert golden.description == "best" and [t.name for t in golden.tags] == ["t"]
    data = ok("model", "data_artifacts", "churn", "-v", "1", "-o", "json").output
    assert [r["name"] for r in json.loads(data)["items"]] == ["data"]
    models = ok("model", "model_artifacts", "churn", "-o", "json").output
    assert [r["name"] for r in json.loads(models)["items"]] == ["clf"]
    assert "No deployment artifacts" in ok("model", "deployment_artifacts", "churn").output
    runs = json.loads(ok("model", "runs", "churn", "-v", "golden", "-o", "json").output)
    assert len(runs["items"]) == 1 and runs["items"][0]["pipeline_name"] == "training"
    ok("model", "version", "delete", "churn", "golden", "-y")
    assert [v.number for v in Client().list_model_versions("churn")] == [1]
    unknown = invoke("model", "version", "update", "churn", "9", "-s", "staging")
    assert unknown.exit_code == 1 and "named '9'" in unknown.output
