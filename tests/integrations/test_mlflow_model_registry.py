"""The MLflow model registry against a real `mlflow server` on loopback: a pipeline run whose
model saves to the registry registers the step's model as a new version carrying stackwise's
model name, version and run; `set_stage` moves the MLflow stage and alias (a forced move
archives the previous holder in both); the `model-registry models` commands; a registry that is
down fails the run in seconds, naming it."""

from __future__ import annotations

import time

import numpy as np
import pytest
from mlflow.tracking import MlflowClient
from sklearn.linear_model import LogisticRegression

from stackwise import Model, pipeline, step
from stackwise.client import Client
from stackwise.enums import ModelStages
from stackwise.exceptions import ComponentUnreachableError, ModelStageConflictError
from stackwise.integrations.mlflow.model_registries import MLFlowModelRegistry
from stackwise.model_registries import ModelVersionStage

pytest_plugins = ["fixtures.mlflow_server"]

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]] * 5)
Y = np.array([0, 0, 1, 1] * 5)


@step
def train() -> LogisticRegression:
    return LogisticRegression().fit(X, Y)


def registry_stack(tracking_uri: str, name: str = "registry") -> None:
    client = Client()
    client.create_stack_component(name, "mlflow", "model_registry", {"tracking_uri": tracking_uri})
    client.create_stack(
        "with-registry",
        {"orchestrator": "default", "artifact_store": "default", "model_registry": name},
    )
    client.activate_stack("with-registry")


def run_training(model: Model) -> None:
    @pipeline(model=model, enable_cache=False)
    def training() -> None:
        train()

    training()


def test_a_run_registers_the_step_model_with_its_stackwise_origin(mlflow_server) -> None:
    registry_stack(mlflow_server.url)
    run_training(Model(name="churn"))
    run = Client().get_pipeline("training").last_run
    [version] = MlflowClient(mlflow_server.url).search_model_versions("name = 'churn'")
    assert version.tags["stackwise_model_name"] == "churn"
    assert version.tags["stackwise_model_version"] == "1"
    assert version.tags["stackwise_model_version_number"] == "1"
    assert version.tags["stackwise_pipeline_run_uuid"] == str(run.id)
    assert version.tags["stackwise_step_name"] == "train"
    artifact = run.steps["train"].output
    assert version.tags["stackwise_artifact_version_id"] == str(artifact.id)

    registry = Client().active_stack.model_registry
    loaded = registry.load_model_version("churn", version.version)
    assert list(loaded.predict(X[:4])) == [0, 0, 1, 1]  # MLflow can load and serve it
    got = registry.get_model_version("churn", version.version)
    assert got.model_library == "mlflow.sklearn"
    assert got.metadata.custom_attributes["stackwise_model_name"] == "churn"


def test_no_registry_in_the_stack_or_saving_turned_off_registers_nothing(mlflow_server) -> None:
    run_training(Model(name="plain"))  # the default stack has no model registry
    registry_stack(mlflow_server.url)
    run_training(Model(name="unsaved", save_models_to_registry=False))
    names = {m.name for m in MlflowClient(mlflow_server.url).search_registered_models()}
    assert "plain" not in names and "unsaved" not in names


def test_set_stage_moves_the_mlflow_stage_and_alias(mlflow_server) -> None:
    registry_stack(mlflow_server.url)
    run_training(Model(name="fraud"))
    run_training(Model(name="fraud"))
    mlflow = MlflowClient(mlflow_server.url)

    def registry_state(number: int) -> tuple[str, list[str]]:
        [found] = mlflow.search_model_versions(
            f"name = 'fraud' and tags.stackwise_model_version_number = '{number}'"
        )
        version = mlflow.get_model_version("fraud", found.version)
        return version.current_stage, sorted(version.aliases)

    Model(name="fraud", version=1).set_stage(ModelStages.PRODUCTION)
    assert registry_state(1) == ("Production", ["champion"])
    with pytest.raises(ModelStageConflictError):
        Model(name="fraud", version=2).set_stage("production")
    assert registry_state(2) == ("None", [])

    Model(name="fraud", version=2).set_stage("production", force=True)
    assert registry_state(2) == ("Production", ["champion"])
    assert registry_state(1) == ("Archived", ["archived"])  # the previous holder, both ways

    Client().update_model_version("fraud", 2, stage="staging")  # the Client's path too
    assert registry_state(2) == ("Staging", ["staging"])
    assert (
        mlflow.get_model_version_by_alias("fraud", "staging").tags["stackwise_model_version_number"]
        == "2"
    )


def test_a_version_already_in_a_stage_is_registered_in_it(mlflow_server) -> None:
    registry_stack(mlflow_server.url)
    run_training(Model(name="staged", version="v1"))
    Model(name="staged", version="v1").set_stage("staging")
    run_training(Model(name="staged", version="v1"))  # the same version, a new model
    versions = MlflowClient(mlflow_server.url).search_model_versions("name = 'staged'")
    assert sorted(v.current_stage for v in versions) == ["Staging", "Staging"]


def test_the_models_commands(mlflow_server, ok, invoke) -> None:
    import mlflow.sklearn

    registry_stack(mlflow_server.url)
    mlflow.set_tracking_uri(mlflow_server.url)
    try:
        with mlflow.start_run():
            path = mlflow.sklearn.log_model(
                LogisticRegression().fit(X, Y), name="model", pip_requirements=[]
            ).model_uri
    finally:
        mlflow.set_tracking_uri(None)

    assert (
        "registered successfully"
        in ok(
            "model-registry", "models", "register", "risk", "-d", "Risk model", "-t", "team", "ml"
        ).stdout
    )
    listed = ok("model-registry", "models", "list").stdout
    assert "risk" in listed and "Risk model" in listed and "team" in listed
    assert "No models found" in ok("model-registry", "models", "list", "-m", "team", "x").stdout
    ok("model-registry", "models", "update", "risk", "-d", "Better", "-t", "owner", "me")
    got = ok("model-registry", "models", "get", "risk").stdout
    assert "Better" in got and "owner" in got

    for _ in range(2):
        ok(
            "model-registry", "models", "register-version", "risk", "-v", "1",
            "-u", str(path), "-d", "first", "-m", "k", "v", "--stackwise-step-name", "s",
        )  # fmt: skip
    versions = ok("model-registry", "models", "list-versions", "risk").stdout
    assert "first" in versions and "2" in versions
    newest = ok("model-registry", "models", "list-versions", "risk", "-c", "1").stdout
    assert "  2 " in newest or "│ 2 " in newest, newest
    assert "  1 " not in newest and "│ 1 " not in newest, newest
    by_tag = ok("model-registry", "models", "list-versions", "risk", "--metadata", "k", "v")
    assert "first" in by_tag.stdout

    ok("model-registry", "models", "update-version", "risk", "-v", "1", "-s", "production",
       "-d", "changed", "-m", "x", "y")  # fmt: skip
    one = ok("model-registry", "models", "get-version", "risk", "-v", "1").stdout
    assert "Production" in one and "changed" in one and "stackwise_step_name" in one
    assert (
        MlflowClient(mlflow_server.url).get_model_version_by_alias("risk", "champion").version
        == "1"
    )
    ok("model-registry", "models", "update-version", "risk", "-v", "1", "-rm", "x")
    assert "'x'" not in ok("model-registry", "models", "get-version", "risk", "-v", "1").stdout

    ok("model-registry", "models", "delete-version", "risk", "-v", "2", "-y")
    missing = invoke("model-registry", "models", "get-version", "risk", "-v", "2")
    assert missing.exit_code != 0 and "risk" in missing.output
    ok("model-registry", "models", "delete", "risk", "-y")
    assert "risk" not in ok("model-registry", "models", "list").stdout  # the server is shared
    gone = invoke("model-registry", "models", "delete", "nope", "-y")
    assert gone.exit_code != 0 and "nope" in gone.output and "Traceback" not in gone.output


def test_models_commands_need_a_registry_in_the_stack(invoke) -> None:
    result = invoke("model-registry", "models", "list")
    assert result.exit_code != 0
    assert "has no model registry" in result.output and "stack update" in result.output


def test_a_registry_that_is_down_fails_the_run_fast_naming_it(mlflow_server) -> None:
    from fixtures.mlflow_server import free_port

    registry_stack(f"http://127.0.0.1:{free_port()}", name="dead-registry")
    started = time.monotonic()
    with pytest.raises(ComponentUnreachableError, match="dead-registry"):
        run_training(Model(name="never"))
    assert time.monotonic() - started < 10


def test_a_registry_that_fails_during_the_step_fails_it_naming_the_registry(
    mlflow_server, monkeypatch
) -> None:
    from stackwise.exceptions import PipelineRunFailedError

    registry_stack(mlflow_server.url)

    def refuse(self, *args, **kwargs):
        raise ConnectionError("connection refused")

    monkeypatch.setattr(MLFlowModelRegistry, "register_model_version", refuse)
    with pytest.raises(PipelineRunFailedError) as failed:
        run_training(Model(name="broken"))
    assert "Model registry 'registry'" in str(failed.value.__cause__ or failed.value) or (
        "registry" in str(failed.value)
    )
    run = Client().get_pipeline("training").last_run
    assert "Model registry 'registry'" in str(run.steps["train"].exception_info)


def test_stage_names_match_mlflow() -> None:
    assert [s.value for s in ModelVersionStage] == ["None", "Staging", "Production", "Archived"]
