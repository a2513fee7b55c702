"""`model register|list|update|delete`, `model version list|update --stage [--force]|delete`,
`model data_artifacts|runs MODEL -v VERSION` (--output json); a stage another version holds
needs --force (without it, no answer to the question aborts, exit non-zero). Few commands: each
ZenML command takes seconds."""

from typing import Annotated

from _cli import cli, cli_json
from zenml import ArtifactConfig, Model, pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType


@step
def make() -> Annotated[int, "data"]:
    return 1


@step
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    return x


@pipeline(model=Model(name="churn"), enable_cache=False)
def training():
    train(make())


cli("model", "register", "-n", "churn", "-l", "MIT", "-d", "a model", "-t", "tab")
models = cli_json("model", "list")
assert [m["name"] for m in models["items"]] == ["churn"]
cli("model", "update", "churn", "-l", "Apache")
assert Client().get_model("churn").license == "Apache"

run = training()
training()
versions = cli_json("model", "version", "list")
assert sorted(v["number"] for v in versions["items"]) == [1, 2]
assert {v["model"] for v in versions["items"]} == {"churn"}
cli("model", "version", "update", "churn", "1", "-s", "production")
assert Client().get_model_version("churn", 1).stage == "production"
cli("model", "version", "update", "churn", "2", "-s", "production", ok=False)
assert Client().get_model_version("churn", 1).stage == "production"
cli("model", "version", "update", "churn", "2", "-s", "production", "--force")
assert Client().get_model_version("churn", 1).stage == "archived"
assert Client().get_model_version("churn", 2).stage == "production"
data = cli_json("model", "data_artifacts", "churn", "-v", "1")
assert len(data["items"]) == 1
runs = cli_json("model", "runs", "churn", "-v", "1")
assert len(runs["items"]) == 1

cli("model", "version", "delete", "churn", "1", "-y")
assert [v.number for v in Client().list_model_versions("churn")] == [2]
cli("model", "delete", "churn", "-y")
assert Client().list_models().total == 0
print("ok")
