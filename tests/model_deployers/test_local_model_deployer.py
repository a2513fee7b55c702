"""The `local` model deployer on real uvicorn servers on loopback, queried with httpx: every
request format, the schema checks, a server killed with -9 showing `inactive`, replacement
without a failed request, replicas, deployments outliving the process that made them, and the
lesson's deploy step in a pipeline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import httpx
import pytest
from tests.fixtures.peers import require_module
from tests.model_deployers._models import Doubler, sklearn_model, training_frame

from stackwise.enums import ServiceState
from stackwise.exceptions import ConfigError
from stackwise.model_deployers.local_model_deployer import LocalModelDeployer

pytest_plugins = ["fixtures.model_servers"]


@pytest.fixture
def deployer() -> LocalModelDeployer:
    return LocalModelDeployer()


def _dead(pid: int) -> bool:
    """Gone, or a zombie nobody reaped yet (re-parented servers are init's children)."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def test_a_deployed_model_answers_every_request_format(deployer):
    model = sklearn_model()
    service = deployer.deploy_model(config={"model": model, "model_name": "fraud-detector"})
    assert service.is_running
    assert service.status.state == ServiceState.ACTIVE
    assert service.prediction_url == f"http://127.0.0.1:{service.port}/invocations"
    frame, _ = training_frame(3)
    expected = model.predict(frame).tolist()
    row = frame.iloc[0]
    bodies = [
        {"dataframe_split": {"columns": list(frame.columns), "data": frame.values.tolist()}},
        {"dataframe_records": frame.to_dict(orient="records")},
        {"instances": frame.to_dict(orient="records")},
        {"inputs": {c: frame[c].tolist() for c in frame.columns}},
        {"instances": frame.values.tolist()},
    ]
    with httpx.Client() as client:
        for body in bodies:
            response = client.post(service.prediction_url, json=body)
            assert response.status_code == 200, response.text
            assert response.json() == {"predictions": expected}
        # columns in another order are put in the training order
        swapped = {
            "dataframe_records": [
                {
                    "count": int(row["count"]),
                    "feature_2": row["feature_2"],
                    "feature_1": row["feature_1"],
                }
            ]
        }
        assert client.post(service.prediction_url, json=swapped).json()["predictions"] == [
            expected[0]
        ]
        health = client.get(f"http://127.0.0.1:{service.port}/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        metadata = client.get(f"http://127.0.0.1:{service.port}/metadata").json()
    assert metadata["model_name"] == "fraud-detector"
    assert [c["name"] for c in metadata["input_schema"]["columns"]] == [
        "feature_1",
        "feature_2",
        "count",
    ]
    assert service.predict(frame).tolist() == expected  # ZenML's service.predict
    info = deployer.get_model_server_info(service)
    assert info["PREDICTION_URL"] == service.prediction_url
    assert "fraud-detector" in str(service) and service.prediction_url in str(service)


def test_wrong_or_missing_columns_are_422_naming_them(deployer):
    schema = {"feature_1": "float64", "feature_2": "float64", "count": "int64"}
    service = deployer.deploy_model(
        config={"model": sklearn_model(), "model_name": "m", "input_schema": schema}
    )
    response = httpx.post(
        service.prediction_url, json={"dataframe_records": [{"feature_1": 1.0, "colour": 2}]}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["missing"] == ["feature_2", "count"]
    assert body["unexpected"] == ["colour"]
    assert "feature_2" in body["message"] and "colour" in body["message"]
    bad_type = httpx.post(
        service.prediction_url,
        json={"dataframe_records": [{"feature_1": "x", "feature_2": 1.0, "count": 1}]},
    )
    assert bad_type.status_code == 422 and "feature_1" in bad_type.json()["message"]


def test_a_killed_server_shows_inactive_and_starts_again(deployer):
    service = deployer.deploy_model(config={"model": sklearn_model(), "model_name": "m"})
    pid, port = service.pid, service.port
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while service.is_running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.status.state == ServiceState.INACTIVE
    assert "gone" in service.status.last_error
    assert service.prediction_url is None
    [listed] = deployer.find_model_server(model_name="m")
    assert not listed.is_running
    assert deployer.find_model_server(running=True) == []
    deployer.start_model_server(service.uuid)
    service.update_status()
    assert service.is_running and service.port == port  # its port was free again
    assert (
        httpx.post(service.prediction_url, json={"instances": [[0.1, 0.2, 3]]}).status_code == 200
    )


def test_redeploying_a_model_name_replaces_it_without_a_failed_request(deployer):
    model = sklearn_model()
    first = deployer.deploy_model(config={"model": model, "model_name": "fraud-detector"})
    url, old_pid = first.prediction_url, first.pid
    body = {"instances": [[0.1, 0.2, 3]]}
    statuses: list[Any] = []
    stop = threading.Event()

    def poll(keep_alive: bool) -> None:
        client = httpx.Client() if keep_alive else None
        while not stop.is_set():
            try:
                if client is not None:
                    statuses.append(client.post(url, json=body).status_code)
                else:
                    statuses.append(httpx.post(url, json=body).status_code)
            except httpx.HTTPError as error:
                statuses.append(repr(error))
            time.sleep(0.005)
        if client is not None:
            client.close()

    pollers = [threading.Thread(target=poll, args=(k,)) for k in (True, False)]
    for thread in pollers:
        thread.start()
    try:
        second = deployer.deploy_model(config={"model": model, "model_name": "fraud-detector"})
        time.sleep(0.5)  # the new server alone now
    finally:
        stop.set()
        for thread in pollers:
            thread.join()
    assert second.uuid == first.uuid and second.prediction_url == url
    assert second.pid != old_pid and _dead(old_pid)
    failures = [s for s in statuses if s != 200]
    assert len(statuses) > 20 and failures == []
    assert len(deployer.find_model_server(model_name="fraud-detector")) == 1
    # replace=False starts another one beside it
    third = deployer.deploy_model(
        config={"model": model, "model_name": "fraud-detector"}, replace=False
    )
    assert third.uuid != second.uuid and third.port != second.port
    assert len(deployer.find_model_server(model_name="fraud-detector", running=True)) == 2


def test_replicas_are_uvicorn_workers_on_one_port(deployer):
    service = deployer.deploy_model(
        config={"model": sklearn_model(), "model_name": "m", "replicas": 2}
    )
    pids = set()
    for _ in range(40):
        pids.add(httpx.get(f"http://127.0.0.1:{service.port}/health").json()["pid"])
    assert len(pids) == 2 and service.pid not in pids
    os.kill(service.pid, signal.SIGKILL)  # the supervisor: its workers go with it
    deadline = time.monotonic() + 10
    while any(not _dead(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_dead(p) for p in pids)
    assert service.status.state == ServiceState.INACTIVE


def test_stop_start_delete_and_logs(deployer):
    service = deployer.deploy_model(config={"model": sklearn_model(), "model_name": "m"})
    deployer.stop_model_server(service.uuid)
    assert service.status.state == ServiceState.INACTIVE
    assert service.status.last_error == "stopped"
    service.start()
    assert service.is_running
    lines = list(deployer.get_model_server_logs(service.uuid))
    assert any("Serving m on" in line for line in lines)
    assert list(deployer.get_model_server_logs(service.uuid, tail=1)) == lines[-1:]
    folder = service.service_dir
    pid = service.pid
    deployer.delete_model_server(service.uuid)
    assert deployer.find_model_server() == []
    assert not folder.exists() and _dead(pid)


def test_a_deployment_outlives_the_process_that_made_it(deployer, stackwise_home):
    program = textwrap.dedent(
        """
        from stackwise.model_deployers.local_model_deployer import LocalModelDeployer
        from tests.model_deployers._models import sklearn_model
        service = LocalModelDeployer().deploy_model(
            config={"model": sklearn_model(), "model_name": "kept"})
        print(service.uuid)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    [service] = deployer.find_model_server(model_name="kept")
    assert str(service.uuid) == done.stdout.strip().splitlines()[-1]
    assert service.is_running
    response = httpx.post(service.prediction_url, json={"instances": [[0.1, 0.2, 3]]})
    assert response.status_code == 200


def test_any_object_with_predict_is_served(deployer):
    with pytest.warns(UserWarning, match="Doubler"):  # saved by the cloudpickle fallback
        service = deployer.deploy_model(config={"model": Doubler(), "model_name": "doubler"})
    answer = httpx.post(service.prediction_url, json={"instances": [[1, 2], [3, 4]]})
    assert answer.json() == {"predictions": [6, 14]}


def test_an_xgboost_booster_is_served_through_its_custom_materializer(deployer):
    xgb = require_module("xgboost", "pip install xgboost")
    # importing _models defined the lesson's XGBoostMaterializer: the Booster's default now
    frame, label = training_frame()
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 2},
        xgb.DMatrix(frame, label=label),
        num_boost_round=5,
    )
    service = deployer.deploy_model(config={"model": booster, "model_name": "booster"})
    expected = booster.predict(xgb.DMatrix(frame.head(2))).tolist()
    answer = httpx.post(
        service.prediction_url, json={"dataframe_records": frame.head(2).to_dict("records")}
    )
    assert answer.status_code == 200
    assert answer.json()["predictions"] == pytest.approx(expected)
    metadata = httpx.get(f"http://127.0.0.1:{service.port}/metadata").json()
    assert [c["name"] for c in metadata["input_schema"]["columns"]] == list(frame.columns)


def test_configuration_mistakes_are_named(deployer):
    with pytest.raises(ConfigError, match="replica"):
        deployer.deploy_model(config={"model": Doubler(), "replicas": 0})
    with pytest.raises(ConfigError, match="modle_name"):
        deployer.deploy_model(config={"model": Doubler(), "modle_name": "x"})
    with pytest.raises(ConfigError, match="needs the model"):
        deployer.deploy_model(config={"model_name": "x"})
