"""The `mlflow` model deployer on a real `mlflow models serve --env-manager local` behind the
gateway, on loopback, queried with httpx: the same protocol as the `local` flavor, a killed
server showing `inactive` (and taking its MLflow child along), replacement without a failed
request."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import httpx
import pytest
from tests.fixtures.model_servers import process_group
from tests.fixtures.peers import require_module
from tests.model_deployers._models import sklearn_model, training_frame

from stackwise.enums import ServiceState
from stackwise.exceptions import ConfigError

pytest_plugins = ["fixtures.model_servers"]


@pytest.fixture
def deployer() -> Any:
    require_module("mlflow", 'pip install "stackwise[mlflow]"')
    from stackwise.integrations.mlflow.model_deployers import MLFlowModelDeployer

    return MLFlowModelDeployer()


def _zombie_or_gone(pid: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def test_mlflow_serves_the_same_protocol_and_dies_with_its_server(deployer, stackwise_home):
    model = sklearn_model()
    service = deployer.deploy_model(config={"model": model, "model_name": "fraud-detector"})
    assert type(service).__name__ == "MLFlowDeploymentService"
    assert service.is_running
    info = deployer.get_model_server_info(service)
    assert info["MODEL_URI"].startswith(("models:/", "runs:/"))
    frame, _ = training_frame(3)
    expected = model.predict(frame).tolist()
    with httpx.Client() as client:
        for body in (
            {"dataframe_split": {"columns": list(frame.columns), "data": frame.values.tolist()}},
            {"dataframe_records": frame.to_dict(orient="records")},
            {"instances": frame.values.tolist()},
        ):
            response = client.post(service.prediction_url, json=body)
            assert response.status_code == 200, response.text
            assert response.json() == {"predictions": expected}
        wrong = client.post(service.prediction_url, json={"dataframe_records": [{"x": 1}]})
        assert wrong.status_code == 422
        assert wrong.json()["missing"] == ["feature_1", "feature_2", "count"]
        metadata = client.get(f"{service.endpoint_url}/metadata").json()
        assert metadata["flavor"] == "mlflow" and metadata["model_name"] == "fraud-detector"
        assert client.get(f"{service.endpoint_url}/health").status_code == 200
    serving = process_group(service.pid)
    assert len(serving) >= 2  # the gateway and `mlflow models serve` (and its uvicorn)
    os.kill(service.pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while any(not _zombie_or_gone(p) for p in serving) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_zombie_or_gone(p) for p in serving)
    assert service.status.state == ServiceState.INACTIVE


def test_mlflow_deployment_is_replaced_without_a_failed_request(deployer):
    model = sklearn_model()
    first = deployer.deploy_model(config={"model": model, "model_name": "m"})
    url = first.prediction_url
    statuses: list[Any] = []
    stop = threading.Event()

    def poll() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                try:
                    statuses.append(
                        client.post(url, json={"instances": [[0.1, 0.2, 3]]}).status_code
                    )
                except httpx.HTTPError as error:
                    statuses.append(repr(error))
                time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        second = deployer.deploy_model(config={"model": model, "model_name": "m", "workers": 2})
        time.sleep(0.5)
    finally:
        stop.set()
        poller.join()
    assert second.uuid == first.uuid and second.prediction_url == url
    assert [s for s in statuses if s != 200] == [] and len(statuses) > 10
    assert second.config.replicas == 2


def test_mlflow_configuration_mistakes_are_named(deployer):
    with pytest.raises(ConfigError, match="mlserver"):
        deployer.deploy_model(config={"model": sklearn_model(), "mlserver": True})
    with pytest.raises(ConfigError, match="registry_model_version"):
        deployer.deploy_model(config={"registry_model_name": "fraud"})


def test_a_model_from_an_artifact_version_is_logged_to_mlflow_once(deployer):
    from stackwise.integrations.mlflow.model_logging import log_model

    artifact = "3f0c0d7e-0000-4000-8000-000000000001"
    model = sklearn_model()
    first = log_model(model, "fraud", deployer.tracking_uri, artifact_version_id=artifact)
    again = log_model(model, "fraud", deployer.tracking_uri, artifact_version_id=artifact)
    assert first == again
    other = log_model(model, "fraud", deployer.tracking_uri)  # no artifact: logged
    assert other != first
