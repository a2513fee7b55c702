"""The `vertex` model deployer: a model version's files (gs://) uploaded to the Vertex AI
Model Registry with its prediction container, an endpoint per model name, the model deployed
there with the deployer's machine type and replicas; the deployment recorded in the store so
it is found, stopped (undeployed), started and deleted by id.

No Vertex AI API exists on this machine: `aiplatform.Model` and `aiplatform.Endpoint` are
replaced by recording fakes at that one boundary (the arguments of `Model.upload`,
`Endpoint.create`, `Model.deploy`, `Endpoint.undeploy_all` and `Endpoint.delete` are
asserted). Inside a step, the model's gs:// folder comes from a real GCS artifact store (the
storage emulator).
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from google.cloud import aiplatform

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ServiceState
from stackwise.exceptions import ConfigError
from stackwise.stack.active_stack import load_stack
from stackwise.store import get_store

pytest_plugins = ["fixtures.gcs_server"]

IMAGE = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-5:latest"
calls: list[tuple[str, Any, dict[str, Any]]] = []


class RecordingModel:
    def __init__(self, resource_name: str, **kwargs: Any) -> None:
        self.resource_name = resource_name
        calls.append(("Model", resource_name, kwargs))

    @classmethod
    def upload(cls, **kwargs: Any) -> RecordingModel:
        calls.append(("Model.upload", None, kwargs))
        return cls.__new__(cls)._named(f"projects/p/locations/us-central1/models/{len(calls)}")

    def _named(self, name: str) -> RecordingModel:
        self.resource_name = name
        return self

    def deploy(self, **kwargs: Any) -> None:
        calls.append(("Model.deploy", self.resource_name, kwargs))


class RecordingEndpoint:
    def __init__(self, resource_name: str, **kwargs: Any) -> None:
        self.resource_name = resource_name
        calls.append(("Endpoint", resource_name, kwargs))

    @classmethod
    def create(cls, **kwargs: Any) -> RecordingEndpoint:
        calls.append(("Endpoint.create", None, kwargs))
        endpoint = cls.__new__(cls)
        endpoint.resource_name = "projects/p/locations/us-central1/endpoints/e1"
        return endpoint

    def undeploy_all(self) -> None:
        calls.append(("Endpoint.undeploy_all", self.resource_name, {}))

    def delete(self, force: bool = False) -> None:
        calls.append(("Endpoint.delete", self.resource_name, {"force": force}))


@pytest.fixture(autouse=True)
def vertex_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    calls.clear()
    monkeypatch.setattr(aiplatform, "Model", RecordingModel)
    monkeypatch.setattr(aiplatform, "Endpoint", RecordingEndpoint)


def vertex_deployer(**config: Any) -> Any:
    client = Client()
    client.list_stack_components()  # makes the default stack on first use
    client.create_stack_component(
        "vertex_model_deployer",
        "vertex",
        "model_deployer",
        {"project": "p", "location": "us-central1", **config},
    )
    client.update_stack("default", component_updates={"model_deployer": "vertex_model_deployer"})
    return load_stack(get_store(), "default").model_deployer


PLACEMENT = {"project": "p", "location": "us-central1", "credentials": None}


def test_deploy_uploads_creates_an_endpoint_deploys_and_records_it() -> None:
    deployer = vertex_deployer(machine_type="n1-standard-2", max_replica_count=3)

    service = deployer.deploy_model(
        {
            "model_name": "fraud-detector",
            "model_uri": "gs://bucket/models/fraud/7",
            "serving_container_image_uri": IMAGE,
            "replicas": 2,
        }
    )

    assert [(c[0], c[2]) for c in calls] == [
        (
            "Model.upload",
            {
                "display_name": "fraud-detector",
                "artifact_uri": "gs://bucket/models/fraud/7",
                "serving_container_image_uri": IMAGE,
                "labels": {},
                "encryption_spec_key_name": None,
                **PLACEMENT,
            },
        ),
        (
            "Endpoint.create",
            {
                "display_name": "fraud-detector",
                "labels": {},
                "encryption_spec_key_name": None,
                **PLACEMENT,
            },
        ),
        (
            "Model.deploy",
            {
                "endpoint": calls[2][2]["endpoint"],
                "deployed_model_display_name": "fraud-detector",
                "traffic_percentage": 100,
                "machine_type": "n1-standard-2",
                "min_replica_count": 2,
                "max_replica_count": 3,
                "accelerator_type": None,
                "accelerator_count": None,
                "service_account": None,
                "encryption_spec_key_name": None,
                "deploy_request_timeout": 300.0,
            },
        ),
    ]
    assert service.is_running
    assert service.prediction_url == (
        "https://us-central1-aiplatform.googleapis.com/v1/"
        "projects/p/locations/us-central1/endpoints/e1:predict"
    )
    [found] = deployer.find_model_server(model_name="fraud-detector")
    assert found.uuid == service.uuid

    calls.clear()
    deployer.stop_model_server(service.uuid)
    assert [c[0] for c in calls] == ["Endpoint", "Endpoint.undeploy_all"]
    assert deployer.find_model_server(model_name="fraud-detector", running=False)[
        0
    ].admin_state == (ServiceState.INACTIVE)

    calls.clear()
    deployer.start_model_server(service.uuid)
    assert [c[0] for c in calls] == ["Model", "Endpoint", "Model.deploy"]
    assert calls[0][1] == service.record.config["model"]

    calls.clear()
    deployer.delete_model_server(service.uuid)
    assert [(c[0], c[2]) for c in calls] == [
        ("Endpoint", PLACEMENT),
        ("Endpoint.delete", {"force": True}),
    ]
    assert deployer.find_model_server(model_name="fraud-detector") == []


def test_deploying_the_same_model_name_again_reuses_its_endpoint() -> None:
    deployer = vertex_deployer(serving_container_image_uri=IMAGE)
    first = deployer.deploy_model({"model_name": "m", "model_uri": "gs://b/1"})
    calls.clear()

    second = deployer.deploy_model({"model_name": "m", "model_uri": "gs://b/2"})

    assert second.uuid == first.uuid
    assert [c[0] for c in calls] == [
        "Model.upload",
        "Endpoint",
        "Endpoint.undeploy_all",
        "Model.deploy",
    ]
    assert calls[1][1] == "projects/p/locations/us-central1/endpoints/e1"
    assert second.record.config["model_uri"] == "gs://b/2"


def test_a_model_without_gs_files_or_container_is_refused_with_the_fix() -> None:
    deployer = vertex_deployer()
    with pytest.raises(ConfigError, match=r"the model is at /tmp/m\. .*'model_uri': 'gs://"):
        deployer.deploy_model({"model_uri": "/tmp/m", "serving_container_image_uri": IMAGE})
    with pytest.raises(ConfigError, match=r"--serving_container_image_uri=IMAGE"):
        deployer.deploy_model({"model_uri": "gs://b/m"})
    assert calls == []


@step
def train() -> Annotated[list, "model"]:
    return [0.5, 0.25]


@step
def deploy(model: list) -> None:
    from stackwise.integrations.gcp.model_deployers.vertex_model_deployer import (
        VertexModelDeployer,
    )

    deployer = VertexModelDeployer.get_active_model_deployer()
    deployer.deploy_model({"model": model, "model_name": "fraud-detector", "replicas": 1})


@pipeline(enable_cache=False)
def train_and_deploy() -> None:
    deploy(train())


def test_in_a_step_the_model_files_are_its_artifact_in_the_gcs_store(
    gcs_store_config: dict[str, Any],
) -> None:
    client = Client()
    client.list_stack_components()
    client.create_stack_component("gcs", "gcp", "artifact_store", gcs_store_config)
    client.update_stack("default", component_updates={"artifact_store": "gcs"})
    vertex_deployer(serving_container_image_uri=IMAGE)

    run = train_and_deploy()

    artifact = run.steps["train"].outputs["model"]
    [upload] = [c[2] for c in calls if c[0] == "Model.upload"]
    assert upload["artifact_uri"] == artifact.uri
    assert artifact.uri.startswith("gs://")
    [service] = client.active_stack.model_deployer.find_model_server(model_name="fraud-detector")
    assert service.pipeline_name == "train_and_deploy"
    assert service.artifact_version_id == str(artifact.id)
