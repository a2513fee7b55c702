"""`@step(timeout=seconds)`: on `local_parallel` a step running longer is stopped and its step run
failed with "timed out after N s" (first by an error raised inside it, so hooks run; then, if
it does not stop, by killing its worker). On `local` it cannot be enforced: a warning says so.

A timeout counts from when the step starts, not from when its worker got it: a fresh worker's
first step opens the store and imports the step's module first, which on a loaded machine takes
about as long as these tests' short timeouts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from conformance_steps import count_events, overrun, read_events, unstoppable

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError, StepInterfaceError
from stackwise.execution import worker_process


@pytest.mark.parametrize("bad", [0, -1, "10", True])
def test_timeout_must_be_positive_seconds(bad: object) -> None:
    with pytest.raises(StepInterfaceError, match="timeout must be a number of seconds > 0"):
        step(timeout=bad)(lambda: None)


def test_a_step_over_its_timeout_is_stopped_and_failed(
    use_orchestrator: Callable[..., None],
) -> None:
    use_orchestrator("local_parallel")
    begin = time.monotonic()

    with pytest.raises(PipelineRunFailedError, match="overrunning: StepTimeoutError"):
        overrun()

    assert time.monotonic() - begin < 30  # the step itself sleeps 60 s
    run = Client().get_pipeline("overrun").last_run
    assert run.status == "failed"
    info = run.steps["overrunning"].exception_info
    assert run.steps["overrunning"].status == "failed"
    assert "timed out after 1 s" in info["message"]
    assert "time.sleep(60)" in info["traceback"]  # where it was when it was stopped
    assert count_events("hook on_failure overrunning StepTimeoutError: " + info["message"]) == 1
    assert "after_explode" not in run.steps
    assert [s.status for s in run.step_attempts] == ["failed"]  # a timeout is not retried


def test_a_step_that_ignores_its_timeout_is_killed(
    use_orchestrator: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_orchestrator("local_parallel")
    # time for the step to log that it ignored the error before it is killed, even when busy
    monkeypatch.setattr(worker_process, "TIMEOUT_GRACE", 2.0)

    with pytest.raises(PipelineRunFailedError, match="stubborn"):
        unstoppable()

    assert [e.what for e in read_events()].count("ignored StepTimeoutError") == 1
    step_run = Client().get_pipeline("unstoppable").last_run.steps["stubborn"]
    assert step_run.status == "failed"
    assert "timed out after 0.5 s" in step_run.exception_info["message"]
    assert "its worker process was killed" in step_run.exception_info["message"]


@step(timeout=30)
def quick() -> int:
    return 1


@pipeline(enable_cache=False)
def quick_twice():
    quick()
    quick(id="again")


def test_local_warns_once_per_run_that_it_cannot_enforce_timeouts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="stackwise"):
        run = quick_twice()

    assert run.status == "completed"
    assert run.spec["steps"]["quick"]["timeout"] == 30.0  # recorded, just not enforced
    warnings = [r.getMessage() for r in caplog.records if "not enforced" in r.getMessage()]
    assert len(warnings) == 1
    assert "'quick' (30 s), 'again' (30 s)" in warnings[0]
    assert "Use the local_parallel orchestrator" in warnings[0]


def test_run_step_status_isolated_stops_an_overrunning_step() -> None:
    """The mechanism runners without stoppable workers (Dask) use: the step in a process of its
    own, killed on overrun, its step run failed."""
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    store = get_store()
    spec = overrun.compile().spec
    run = store.create_run(
        pipeline=store.get_or_create_pipeline("overrun"),
        name="isolated",
        spec=spec.to_dict(),
        config={},
        stack_id=active_stack(store).id,
    )

    status = worker_process.run_step_status_isolated(store.url, run.id, "overrunning", timeout=1)

    assert status == "failed"
    (step_run,) = store.list_step_runs(run.id)
    assert step_run.status == "failed"
    assert "timed out after 1 s" in step_run.exception_info["message"]
