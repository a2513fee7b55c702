"""Network components that go away, against real peers stopped for real: a tracking server or an
S3 endpoint that is down fails the run before it is recorded, in seconds, naming the component,
the address and `stackwise stack verify`; one that goes away while the run is under way fails
the step within the component's retry budget, with the step's own error (a cleanup that cannot
reach the store is logged, never raised over it), and leaves neither the run nor a step
`running`. The time bounds asserted here are generous guards; the budgets are measured in
benchmarks/bench_unreachable.py."""

from __future__ import annotations

import logging
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from typing import Annotated, Any

import pytest
from tests.fixtures.peers import missing_peer, require_module

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ComponentUnreachableError, PipelineRunFailedError

GUARD_SECONDS = 30.0  # far above the real figures (a few seconds): only catches a hang
PEER: dict[str, Any] = {}  # the running peer the steps below stop


@dataclass
class Peer:
    process: Popen[bytes]
    url: str

    def stop(self) -> None:
        from tests.fixtures.mlflow_server import stop_process_group

        stop_process_group(self.process)


@pytest.fixture
def mlflow_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    """An MLflow tracking server of this test's own (the test stops it)."""
    require_module("mlflow", 'pip install -e ".[dev]"')
    from tests.fixtures.mlflow_server import start_mlflow_server

    process, server = start_mlflow_server(tmp_path_factory.mktemp("mlflow-peer"))
    peer = PEER["peer"] = Peer(process, server.url)
    try:
        yield peer
    finally:
        peer.stop()
        PEER.clear()


@pytest.fixture
def s3_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    """A moto S3 server of this test's own, with a bucket `unreachable-test` (the test stops
    it)."""
    require_module("s3fs", 'pip install -e ".[dev]"')
    from tests.fixtures.s3_server import find_executable, start_peer, stop_peer

    program = find_executable("moto_server")
    if program is None:
        missing_peer('moto_server is not installed: pip install -e ".[dev]" (moto[server])')
    process, port = start_peer(
        "moto_server",
        lambda port: [program, "-H", "127.0.0.1", "-p", str(port)],
        lambda port: f"http://127.0.0.1:{port}/moto-api/data.json",
        tmp_path_factory.mktemp("s3-peer"),
    )
    peer = PEER["peer"] = Peer(process, f"http://127.0.0.1:{port}")
    try:
        import boto3

        boto3.client(
            "s3",
            endpoint_url=peer.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(Bucket="unreachable-test")
        yield peer
    finally:
        stop_peer(process)
        PEER.clear()


@step
def produce() -> Annotated[int, "number"]:
    return 41


@step
def stop_the_peer(number: int) -> Annotated[dict, "payload"]:
    PEER["peer"].stop()  # the server goes away while the run is under way
    return {"number": number + 1}


@step(experiment_tracker="tracker")
def tracked(payload: dict) -> Annotated[int, "tracked"]:
    return int(payload["number"])


@pipeline(enable_cache=False)
def tracker_goes_away():
    tracked(stop_the_peer(produce()))


@pipeline(enable_cache=False)
def store_goes_away():
    stop_the_peer(produce())


def _use_stack(name: str, components: dict[str, tuple[str, str, dict[str, Any]]]) -> None:
    """Stack `name` of the default components but those given, as name: (type, flavor,
    configuration), activated."""
    client = Client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # test credentials in plain text
        for component, (type_, flavor, configuration) in components.items():
            client.create_stack_component(component, flavor, type_, configuration)
    client.create_stack(
        name,
        {
            "orchestrator": "default",
            "artifact_store": "default",
            **{t: c for c, (t, _, _) in components.items()},
        },
    )
    client.activate_stack(name)


def _runs(pipeline_name: str) -> int:
    return Client().list_pipeline_runs(pipeline_name=pipeline_name).total


def _assert_nothing_running(pipeline_name: str) -> None:
    for run in Client().list_pipeline_runs(pipeline_name=pipeline_name):
        assert run.status == ExecutionStatus.FAILED, run.name
        for step_run in run.step_attempts:
            assert step_run.status != ExecutionStatus.RUNNING, (run.name, step_run.name)


def test_a_tracking_server_that_stops_mid_run_fails_the_step_within_its_budget_then_the_next_run_before_it_starts(  # noqa: E501
    mlflow_peer: Peer,
) -> None:
    _use_stack(
        "tracked", {"tracker": ("experiment_tracker", "mlflow", {"tracking_uri": mlflow_peer.url})}
    )

    begin = time.monotonic()
    with pytest.raises(PipelineRunFailedError) as raised:
        tracker_goes_away()
    mid_run = time.monotonic() - begin

    assert mid_run < GUARD_SECONDS  # MLflow's own 7 retries would take about 4 minutes
    run = Client().get_pipeline("tracker_goes_away").last_run
    assert run.status == ExecutionStatus.FAILED
    assert run.steps["stop_the_peer"].status == ExecutionStatus.COMPLETED
    failed = run.steps["tracked"]
    assert failed.status == ExecutionStatus.FAILED
    assert (
        "Experiment tracker 'tracker' could not open MLflow experiment"
        in failed.exception_info["message"]
    )
    assert mlflow_peer.url in failed.exception_info["message"]
    assert raised.value.failed_steps == ["tracked"]
    assert f"stackwise pipeline runs resume {run.name}" in str(raised.value)

    begin = time.monotonic()
    with pytest.raises(ComponentUnreachableError) as refused:
        tracker_goes_away()
    assert time.monotonic() - begin < GUARD_SECONDS  # in fact well under a second
    message = str(refused.value)
    assert (
        f"Cannot reach the experiment tracker 'tracker' (mlflow) at {mlflow_peer.url}: "
    ) in message
    assert "stackwise stack verify tracked" in message
    assert refused.value.components[0][:2] == ("tracker", mlflow_peer.url)
    assert _runs("tracker_goes_away") == 1  # the second run was never recorded
    _assert_nothing_running("tracker_goes_away")


def test_an_s3_store_that_stops_mid_run_fails_the_step_with_its_own_error_then_the_next_run_before_it_starts(  # noqa: E501
    s3_peer: Peer, caplog: pytest.LogCaptureFixture
) -> None:
    _use_stack(
        "cloud",
        {
            "s3_store": (
                "artifact_store",
                "s3",
                {
                    "path": f"s3://unreachable-test/{uuid.uuid4().hex[:8]}",
                    "key": "testing",
                    "secret": "testing",
                    "client_kwargs": {"endpoint_url": s3_peer.url},
                },
            )
        },
    )

    begin = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="stackwise"),
        pytest.raises(PipelineRunFailedError) as raised,
    ):
        store_goes_away()
    assert time.monotonic() - begin < GUARD_SECONDS

    run = Client().get_pipeline("store_goes_away").last_run
    assert run.status == ExecutionStatus.FAILED
    assert run.steps["produce"].status == ExecutionStatus.COMPLETED
    failed = run.steps["stop_the_peer"]
    assert failed.status == ExecutionStatus.FAILED
    # the step's own error (saving its output), not the cleanup's after it
    info = failed.exception_info
    assert info["type"] == "botocore.exceptions.EndpointConnectionError"
    assert s3_peer.url in info["message"]
    assert "_save_output" in info["traceback"] and "rmtree" not in info["traceback"]
    assert (
        "its partial outputs could not be removed: artifact store 's3_store' does not "
        f"answer at {s3_peer.url}"
    ) in caplog.text  # logged instead
    error = raised.value.errors["stop_the_peer"]
    assert type(error).__name__ == "EndpointConnectionError"
    summary = str(raised.value)
    assert (
        "stop_the_peer: EndpointConnectionError: Could not connect to the endpoint URL" in summary
    )
    assert f"`stackwise pipeline runs resume {run.name}`" in summary

    begin = time.monotonic()
    with pytest.raises(ComponentUnreachableError) as refused:
        store_goes_away()
    assert time.monotonic() - begin < GUARD_SECONDS
    assert f"Cannot reach the artifact store 's3_store' (s3) at {s3_peer.url}" in str(refused.value)
    assert _runs("store_goes_away") == 1
    _assert_nothing_running("store_goes_away")


def test_a_store_that_cannot_record_a_failure_still_ends_run_and_step_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store refuses the step's final write: the run's end fails the step run that was
    left `running`, and the step's own error is still the one reported."""
    from stackwise.store import get_store

    store = get_store()
    real = store.finish_step_run

    def refuse_failures(step_run: Any, **kwargs: Any) -> Any:
        if kwargs.get("status") == "failed":
            raise OSError("the metadata store is read-only right now")
        return real(step_run, **kwargs)

    monkeypatch.setattr(store, "finish_step_run", refuse_failures)
    with pytest.raises(PipelineRunFailedError, match="explodes: ValueError: the data is bad"):
        cannot_record()

    run = Client().get_pipeline("cannot_record").last_run
    assert run.status == ExecutionStatus.FAILED
    assert run.steps["explodes"].status == ExecutionStatus.FAILED
    assert "still recorded as running" in run.steps["explodes"].exception_info["message"]


@step
def explodes() -> int:
    raise ValueError("the data is bad")


@pipeline(enable_cache=False)
def cannot_record():
    explodes()


def test_a_step_whose_runner_raises_before_recording_is_failed_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An error outside the step's own code (here: the store refuses to start the step run)
    fails that step only, as a failing step would."""
    from stackwise.store import get_store

    store = get_store()
    real = store.start_step_run

    def refuse(**kwargs: Any) -> Any:
        if kwargs["name"] == "explodes":
            raise OSError("the metadata store refused the write")
        return real(**kwargs)

    monkeypatch.setattr(store, "start_step_run", refuse)
    with pytest.raises(PipelineRunFailedError) as raised:
        two_branches()
    assert "explodes: OSError: the metadata store refused the write" in str(raised.value)
    run = Client().get_pipeline("two_branches").last_run
    assert run.status == ExecutionStatus.FAILED
    assert run.steps["explodes"].status == ExecutionStatus.FAILED
    assert run.steps["produce"].status == ExecutionStatus.COMPLETED


@pipeline(enable_cache=False)
def two_branches():
    explodes()
    produce()
