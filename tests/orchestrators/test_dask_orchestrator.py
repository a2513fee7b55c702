"""The `dask` orchestrator on a real cluster (a scheduler and two worker processes on loopback):
steps run on the workers from nothing but the store URL, a fan-out/fan-in pipeline's outputs
load back here, a failure skips only what is downstream of it (or, with fail_fast, everything
not yet started), retries happen on the worker, and a step the workers cannot import fails with
the fix. One test starts a LocalCluster, the default when no address is configured.

The steps live in this module; the cluster's workers import it from their PYTHONPATH (see
fixtures/dask_cluster.py). State shared with the steps goes through files and the store, never
through this module's globals: each worker has its own copy of the module.
"""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pytest

from stackwise import get_step_context, pipeline, step
from stackwise.client import Client
from stackwise.config.retry_config import StepRetryConfig
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import (
    OrchestratorError,
    PipelineRunFailedError,
    StackValidationError,
    StackwiseError,
)
from stackwise.stack.active_stack import load_stack
from stackwise.stack.validation import stack_problems

if TYPE_CHECKING:
    from fixtures.dask_cluster import DaskCluster

pytest_plugins = ["fixtures.dask_cluster"]

S = ExecutionStatus


def use_dask(address: str | None, **config: object) -> Client:
    """Make a stack of a dask orchestrator and the default artifact store the active one."""
    client = Client()
    client.create_stack_component("dask", "dask", "orchestrator", {"address": address, **config})
    client.create_stack("dask", {"orchestrator": "dask", "artifact_store": "default"})
    client.activate_stack("dask")
    return client


# -- steps ---------------------------------------------------------------------------------------
@step
def numbers(count: int = 4) -> Annotated[list, "numbers"]:
    return list(range(1, count + 1))


@step
def scaled(values: list, factor: int) -> Annotated[dict, "scaled"]:
    return {"total": sum(values) * factor, "pid": os.getpid()}


@step
def combined(a: dict, b: dict, c: dict) -> Annotated[int, "combined"]:
    return a["total"] + b["total"] + c["total"]


@pipeline(enable_cache=False)
def fan_out_fan_in(count: int = 4):
    values = numbers(count=count)
    combined(scaled(values, factor=1), scaled(values, factor=10), scaled(values, factor=100))


@step
def seed() -> Annotated[int, "seed"]:
    return 1


@step
def explode(value: int) -> Annotated[int, "exploded"]:
    raise ValueError(f"kaboom: the data is bad ({value})")


@step
def after_explode(value: int) -> int:
    return value


@step
def independent(value: int) -> Annotated[int, "independent"]:
    return value * 10


@pipeline(enable_cache=False)
def with_failure():
    value = seed()
    after_explode(explode(value))
    independent(value)


@step
def explode_now() -> int:
    raise ValueError("kaboom at once")


@step
def seed_after_failure() -> Annotated[int, "seed"]:
    """Returns only once `explode_now` is recorded as failed, so fail_fast has seen it."""
    deadline = time.monotonic() + 60
    run = get_step_context().pipeline_run
    while time.monotonic() < deadline:
        failed = run.refresh().steps.get("explode_now")
        if failed is not None and failed.status == S.FAILED:
            time.sleep(0.5)  # the failure's task result reaches the client first
            return 1
        time.sleep(0.05)
    raise TimeoutError("explode_now never failed")


@pipeline(enable_cache=False)
def fails_fast():
    explode_now()
    independent(seed_after_failure())


@step(retry=StepRetryConfig(max_retries=2, delay=0))
def flaky(counter: str) -> Annotated[int, "attempts"]:
    """Fails twice, then succeeds: the attempt count lives in a file, shared by every worker."""
    path = Path(counter)
    attempt = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(attempt))
    if attempt <= 2:
        raise ConnectionError(f"attempt {attempt} failed")
    return attempt


@pipeline(enable_cache=False)
def with_retries(counter: str):
    flaky(counter=counter)


@step
def explode_unless(value: int, fixed: str) -> Annotated[int, "checked"]:
    if not Path(fixed).exists():
        raise ValueError(f"kaboom: {fixed} is missing")
    return value + 1


@pipeline(enable_cache=False)
def fixable(fixed: str):
    value = seed()
    after_explode(explode_unless(value, fixed=fixed))
    independent(value)


@step(timeout=1)
def hangs() -> int:
    time.sleep(60)
    return 1


@pipeline(enable_cache=False)
def with_timeout():
    hangs()
    independent(seed())


# -- on the session's cluster --------------------------------------------------------------------
def test_fan_out_fan_in_runs_on_the_workers(dask_cluster: DaskCluster) -> None:
    use_dask(dask_cluster.address)

    run = fan_out_fan_in(count=4)

    assert run.status == S.COMPLETED
    assert {n: s.status for n, s in run.steps.items()} == {
        "numbers": S.COMPLETED,
        "scaled": S.COMPLETED,
        "scaled_2": S.COMPLETED,
        "scaled_3": S.COMPLETED,
        "combined": S.COMPLETED,
    }
    assert run.steps["combined"].output.load() == 10 + 100 + 1000
    branches = [run.steps[n].output.load() for n in ("scaled", "scaled_2", "scaled_3")]
    assert [b["total"] for b in branches] == [10, 100, 1000]
    assert os.getpid() not in {b["pid"] for b in branches}  # they ran on the workers


def test_a_failure_skips_downstream_steps_and_runs_the_others(dask_cluster: DaskCluster) -> None:
    use_dask(dask_cluster.address)

    with pytest.raises(PipelineRunFailedError) as raised:
        with_failure()

    message = str(raised.value)
    assert "explode" in message and "ValueError: kaboom: the data is bad (1)" in message
    assert isinstance(raised.value.errors["explode"], ValueError)  # the step's own error
    run = Client().get_pipeline("with_failure").last_run
    assert run.status == S.FAILED
    steps = run.steps
    assert {n: s.status for n, s in steps.items()} == {
        "seed": S.COMPLETED,
        "explode": S.FAILED,
        "independent": S.COMPLETED,
    }
    assert "kaboom" in steps["explode"].exception_info["traceback"]
    assert steps["independent"].output.load() == 10


def test_fail_fast_starts_nothing_after_the_first_failure(dask_cluster: DaskCluster) -> None:
    use_dask(dask_cluster.address, fail_fast=True)

    with pytest.raises(PipelineRunFailedError, match="explode_now"):
        fails_fast()

    steps = Client().get_pipeline("fails_fast").last_run.steps
    # seed_after_failure was already running; independent, not yet started, never starts
    assert {n: s.status for n, s in steps.items()} == {
        "explode_now": S.FAILED,
        "seed_after_failure": S.COMPLETED,
    }


def test_retries_happen_on_the_worker(dask_cluster: DaskCluster, tmp_path: Path) -> None:
    use_dask(dask_cluster.address)

    run = with_retries(counter=str(tmp_path / "attempts.txt"))

    assert run.steps["flaky"].output.load() == 3
    attempts = [(s.attempt, s.status) for s in run.step_attempts]
    assert attempts == [(1, S.RETRIED), (2, S.RETRIED), (3, S.COMPLETED)]


def test_a_step_over_its_timeout_is_stopped_on_the_worker(dask_cluster: DaskCluster) -> None:
    use_dask(dask_cluster.address)
    started = time.monotonic()

    with pytest.raises(PipelineRunFailedError, match="timed out after 1 s"):
        with_timeout()

    assert time.monotonic() - started < 30
    steps = Client().get_pipeline("with_timeout").last_run.steps
    assert {n: s.status for n, s in steps.items()} == {
        "hangs": S.FAILED,
        "seed": S.COMPLETED,
        "independent": S.COMPLETED,
    }
    assert "StepTimeoutError" in steps["hangs"].exception_info["type"]


def test_a_resume_runs_the_rest_on_the_workers(dask_cluster: DaskCluster, tmp_path: Path) -> None:
    use_dask(dask_cluster.address)
    fixed = tmp_path / "fixed"
    with pytest.raises(PipelineRunFailedError):
        fixable(fixed=str(fixed))
    old = Client().get_pipeline("fixable").last_run
    fixed.touch()

    new = Client().resume_run(old.name)

    assert {n: s.status for n, s in new.steps.items()} == {
        "seed": S.CACHED,
        "independent": S.CACHED,
        "explode_unless": S.COMPLETED,
        "after_explode": S.COMPLETED,
    }
    assert new.steps["after_explode"].output.load() == 2
    assert new.steps["seed"].output.id == old.steps["seed"].output.id


def test_a_step_the_workers_cannot_import_fails_with_the_fix(
    dask_cluster: DaskCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "only_here"
    folder.mkdir()
    (folder / "local_only_steps.py").write_text(
        textwrap.dedent("""
        from stackwise import pipeline, step

        @step
        def hidden() -> int:
            return 1

        @pipeline(enable_cache=False)
        def hidden_pipeline():
            hidden()
    """)
    )
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, "local_only_steps", raising=False)
    from local_only_steps import hidden_pipeline  # type: ignore[import-not-found]

    use_dask(dask_cluster.address)
    with pytest.raises(PipelineRunFailedError) as raised:
        hidden_pipeline()

    message = str(raised.value)
    assert "could not run on a Dask worker" in message
    assert "local_only_steps" in message and "PYTHONPATH" in message
    hidden = Client().get_pipeline("hidden_pipeline").last_run.steps["hidden"]
    assert hidden.status == S.FAILED  # recorded here, since the worker could not
    assert "PYTHONPATH" in hidden.exception_info["message"]


# -- without the session's cluster ---------------------------------------------------------------
def test_without_an_address_a_local_cluster_runs_the_steps() -> None:
    use_dask(None, n_workers=1)

    run = fan_out_fan_in(count=2)

    assert run.status == S.COMPLETED
    assert run.steps["combined"].output.load() == 3 + 30 + 300


def test_later_runs_reuse_the_local_cluster_while_its_shape_is_the_same() -> None:
    client = use_dask(None, n_workers=1)

    def worker_pids() -> set[int]:
        run = fan_out_fan_in(count=2)
        assert run.status == S.COMPLETED
        return {run.steps[n].output.load()["pid"] for n in ("scaled", "scaled_2", "scaled_3")}

    first = worker_pids()
    second = worker_pids()
    client.update_stack_component("dask", "orchestrator", configuration={"n_workers": 2})
    third = worker_pids()

    assert len(first) == 1 and second == first  # the same LocalCluster
    assert third.isdisjoint(first)  # another shape: another cluster


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    from fixtures.mlflow_server import free_port

    address = f"tcp://127.0.0.1:{free_port()}"
    use_dask(address, connect_timeout=1)

    with pytest.raises(OrchestratorError, match="cannot reach the Dask scheduler") as raised:
        fan_out_fan_in()

    assert address in str(raised.value) and "dask scheduler" in str(raised.value)
    assert Client().get_pipeline("fan_out_fan_in").last_run.status == S.FAILED


def test_a_scheduler_elsewhere_needs_a_shared_store_and_artifact_store() -> None:
    client = use_dask("tcp://10.1.2.3:8786")  # never contacted: validation runs first

    problems = stack_problems(load_stack(client.store, "dask"))

    assert len(problems) == 2, problems
    store, artifacts = problems
    assert "SQLite file" in store and "postgresql://" in store
    assert "tcp://127.0.0.1:8786" in store
    assert "artifact store 'default' (local)" in artifacts
    assert "stackwise stack update dask -a NAME" in artifacts
    with pytest.raises(StackValidationError, match="not on this machine"):
        fan_out_fan_in()


@pytest.mark.parametrize(
    "address",
    [None, "tcp://127.0.0.1:8786", "localhost:8786", "tcp://[::1]:8786", "inproc://10.1.2.3/1/1"],
)
def test_loopback_schedulers_may_use_local_files(address: str | None) -> None:
    client = use_dask(address)

    assert stack_problems(load_stack(client.store, "dask")) == []


def test_the_store_url_sent_to_workers_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stackwise.integrations.dask.orchestrators.dask_orchestrator import worker_store_url

    monkeypatch.chdir(tmp_path)
    assert (
        worker_store_url("sqlite:///rel/db.sqlite?timeout=5")
        == f"sqlite:///{tmp_path}/rel/db.sqlite?timeout=5"
    )
    assert worker_store_url("sqlite:////abs/db.sqlite") == "sqlite:////abs/db.sqlite"
    assert worker_store_url("postgresql://u@h/db") == "postgresql://u@h/db"
    with pytest.raises(StackwiseError, match="memory"):
        worker_store_url("sqlite:///:memory:")
