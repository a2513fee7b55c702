"""What a step runs with: its environment and secrets (restored after, values never
recorded or logged), its log capture, its start/end hooks and its cache policy."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config import CachePolicy
from stackwise.execution.log_reader import logs_text

SEEN: list[str] = []


@pytest.fixture(autouse=True)
def _clear() -> None:
    SEEN.clear()


@step(environment={"SW_TEST_VAR": "inside"})
def reads_env() -> str:
    return os.environ["SW_TEST_VAR"]


@step(environment={"SW_TEST_VAR": "inside"})
def fails_with_env() -> None:
    raise ValueError(os.environ["SW_TEST_VAR"])


def test_environment_is_set_while_the_step_runs_and_restored(monkeypatch):
    monkeypatch.setenv("SW_TEST_VAR", "outside")

    @pipeline(enable_cache=False)
    def env_pipeline():
        reads_env()

    assert env_pipeline().steps["reads_env"].output.load() == "inside"
    assert os.environ["SW_TEST_VAR"] == "outside"


def test_environment_is_restored_after_a_failure():
    @pipeline(enable_cache=False)
    def failing():
        fails_with_env()

    with pytest.raises(RuntimeError):
        failing()
    assert "SW_TEST_VAR" not in os.environ


@step(secrets=["creds"])
def uses_secret() -> int:
    print("connecting as", os.environ["user"])
    return len(os.environ["password"])


def test_secrets_are_injected_but_never_recorded_or_logged(caplog):
    Client().create_secret("creds", {"user": "alice", "password": "hunter22"})

    @pipeline(enable_cache=False)
    def secret_pipeline():
        uses_secret()

    with caplog.at_level(logging.DEBUG):
        run = secret_pipeline()
    step_run = run.steps["uses_secret"]
    assert step_run.output.load() == 8
    assert "password" not in os.environ and "user" not in os.environ
    assert "hunter22" not in caplog.text
    assert "hunter22" not in repr(dict(step_run.config))
    assert step_run.config.secrets == ["creds"]
    logs = logs_text(step_run.log_collection[0], Client().store)
    assert "connecting as alice" in logs and "hunter22" not in logs


@step
def chatty() -> int:
    print("to stdout")
    logging.getLogger("user.code").warning("a warning")
    return 1


def test_step_logs_are_captured_into_the_artifact_store():
    @pipeline(enable_cache=False)
    def logged():
        chatty()

    run = logged()
    text = logs_text(run.steps["chatty"].log_collection[0], Client().store)
    assert "to stdout" in text and "a warning" in text
    assert "to stdout" in logs_text(run.log_collection[0], Client().store)  # the run's

    quiet = logged.with_options(enable_step_logs=False, enable_pipeline_logs=False)()
    assert quiet.steps["chatty"].config.logs_uri is None
    assert quiet.config.enable_step_logs is False


def _start() -> None:
    SEEN.append("start")


def _end() -> None:
    SEEN.append("end")


def _failure(error: BaseException) -> None:
    SEEN.append(f"failure:{error}")


@step(on_start=_start, on_end=_end, on_failure=_failure)
def hooked(fail: bool) -> int:
    SEEN.append("body")
    if fail:
        raise ValueError("boom")
    return 1


def test_start_and_end_hooks_surround_the_step():
    @pipeline(enable_cache=False)
    def with_hooks(fail: bool):
        hooked(fail)

    with_hooks(fail=False)
    assert SEEN == ["start", "body", "end"]
    SEEN.clear()
    with pytest.raises(RuntimeError):
        with_hooks(fail=True)
    assert SEEN == ["start", "body", "end", "failure:boom"]


@step
def counted(n: int) -> int:
    SEEN.append(f"run:{n}")
    return 1


def _run_twice(policy: CachePolicy, first: int = 1, second: int = 1) -> list[str]:
    @pipeline
    def cached(n: int):
        counted.with_options(cache_policy=policy)(n)

    cached(n=first)
    cached(n=second)
    return list(SEEN)


def test_cache_policy_without_parameters_hits_across_parameter_changes():
    assert _run_twice(CachePolicy(include_step_parameters=False), 1, 2) == ["run:1"]


def test_default_policy_reruns_on_a_parameter_change():
    assert _run_twice(CachePolicy(), 1, 2) == ["run:1", "run:2"]


def test_cache_policy_file_dependencies_are_part_of_the_key(tmp_path: Path):
    data = tmp_path / "data.txt"
    data.write_text("a")
    policy = CachePolicy(file_dependencies=[str(data)])

    @pipeline
    def with_file(n: int):
        counted.with_options(cache_policy=policy)(n)

    with_file(n=1)
    with_file(n=1)
    data.write_text("b")
    with_file(n=1)
    assert SEEN == ["run:1", "run:1"]


def test_cache_policy_expires_after():
    policy = CachePolicy(expires_after=1)

    @pipeline
    def expiring(n: int):
        counted.with_options(cache_policy=policy)(n)

    expiring(n=1)
    expiring(n=1)
    time.sleep(1.2)
    expiring(n=1)
    assert SEEN == ["run:1", "run:1"]


def cache_value() -> str:
    return os.environ.get("SW_CACHE_VALUE", "a")


def test_cache_policy_cache_func(monkeypatch):
    policy = CachePolicy(cache_func=cache_value)

    @pipeline
    def by_func(n: int):
        counted.with_options(cache_policy=policy)(n)

    by_func(n=1)
    by_func(n=1)
    monkeypatch.setenv("SW_CACHE_VALUE", "b")
    by_func(n=1)
    assert SEEN == ["run:1", "run:1"]


@step(environment={"SW_PARALLEL": "yes"}, secrets=["creds"], on_start=_start, on_end=_end)
def in_worker() -> str:
    print("worker says hi")
    return f"{os.environ['SW_PARALLEL']}:{os.environ['user']}:{os.getpid()}"


def test_options_act_in_worker_processes_too():
    client = Client()
    client.create_secret("creds", {"user": "bob"})
    client.create_stack_component("par", "local_parallel", "orchestrator", {})
    client.create_stack("par", {"orchestrator": "par", "artifact_store": "default"})
    client.activate_stack("par")

    @pipeline(enable_cache=False)
    def parallel():
        in_worker()

    run = parallel()
    value, _, pid = run.steps["in_worker"].output.load().rpartition(":")
    assert value == "yes:bob" and int(pid) != os.getpid()
    (entry,) = run.steps["in_worker"].log_collection
    assert "worker says hi" in logs_text(entry, Client().store)
    assert "SW_PARALLEL" not in os.environ
