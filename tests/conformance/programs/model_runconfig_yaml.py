"""The run-config YAML's `model:` (name, version, description) picks the run's model version;
with_options(model=...) does the same in code; a named version is made once, then reused."""

from pathlib import Path
from typing import Annotated

from zenml import Model, pipeline, step
from zenml.client import Client


@step
def train() -> Annotated[int, "clf"]:
    return 1


@pipeline(enable_cache=False)
def training():
    train()


Path("run.yaml").write_text("model:\n  name: churn\n  version: gold\n  description: yaml\n")
first = training.with_options(config_path="run.yaml")()
assert first.config.model.name == "churn"
assert first.model_version.name == "gold"
second = training.with_options(model=Model(name="churn", version="gold"))()
assert second.model_version.id == first.model_version.id
version = Client().get_model_version("churn", "gold")
assert version.number == 1 and version.description == "yaml"
assert sorted(version.pipeline_run_ids) == sorted([first.name, second.name])
third = training.with_options(model=Model(name="churn"))()
assert third.model_version.number == 2
print("ok")
