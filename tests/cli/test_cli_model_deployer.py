"""`stackwise model-deployer models ...` and the deployments in `stackwise status`, on a
real local deployment."""

from __future__ import annotations

import httpx
import pytest
from tests.model_deployers._models import sklearn_model

from stackwise.client import Client

pytest_plugins = ["fixtures.model_servers"]


@pytest.fixture
def deployed(invoke):
    assert invoke("model-deployer", "register", "server", "--flavor=local").exit_code == 0
    assert (
        invoke(
            "stack",
            "register",
            "serving",
            "-o",
            "default",
            "-a",
            "default",
            "-d",
            "server",
            "--set",
        ).exit_code
        == 0
    )
    deployer = Client().active_stack.model_deployer
    return deployer.deploy_model(config={"model": sklearn_model(), "model_name": "fraud"})


def test_models_commands_on_a_real_deployment(invoke, deployed):
    uuid = str(deployed.uuid)
    listed = invoke("model-deployer", "models", "list")
    assert listed.exit_code == 0, listed.output
    assert uuid in listed.output and "active" in listed.output and "fraud" in listed.output
    assert invoke("model-deployer", "models", "list", "--model", "other").output.startswith(
        "No model deployments"
    )
    url = invoke("model-deployer", "models", "get-url", uuid[:8])
    assert url.exit_code == 0 and url.output.strip() == deployed.prediction_url
    described = invoke("model-deployer", "models", "describe", uuid)
    assert "feature_1: " in described.output and "active" in described.output
    logs = invoke("model-deployer", "models", "logs", uuid, "--tail", "1")
    assert "Serving fraud on" in logs.output
    status = invoke("status")
    assert "Model deployments" in status.output and uuid in status.output

    stopped = invoke("model-deployer", "models", "stop", uuid, "-y")
    assert stopped.exit_code == 0, stopped.output
    assert "inactive" in invoke("model-deployer", "models", "list").output
    no_url = invoke("model-deployer", "models", "get-url", uuid)
    assert no_url.exit_code == 1 and "not running" in no_url.output

    started = invoke("model-deployer", "models", "start", uuid)
    assert started.exit_code == 0, started.output
    answer = httpx.post(deployed.prediction_url, json={"instances": [[0.1, 0.2, 3]]})
    assert answer.status_code == 200

    deleted = invoke("model-deployer", "models", "delete", uuid, "-y")
    assert deleted.exit_code == 0, deleted.output
    assert Client().list_services().total == 0
    unknown = invoke("model-deployer", "models", "describe", "nope")
    assert unknown.exit_code == 1 and "No model deployment" in unknown.output


def test_models_list_without_a_model_deployer_says_how_to_add_one(invoke):
    result = invoke("model-deployer", "models", "list")
    assert result.exit_code == 1
    assert "stackwise model-deployer register" in result.output
