"""What only `local_parallel` promises beyond the conformance suite: steps really run at the
same time in worker processes, `fail_fast`, a worker killed mid-step fails that step (and the
run) only, code a worker cannot import is refused before the run is recorded, and a process's
later runs reuse its idle workers only where fresh ones would behave the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conformance_steps import (
    count_events,
    diamond,
    failing,
    hooked_ok,
    read_events,
    rendezvous,
    sleeping,
    source,
    start,
)

from stackwise import pipeline
from stackwise.client import Client
from stackwise.exceptions import ConfigError, PipelineRunFailedError, StackValidationError
from stackwise.execution.liveness import process_alive

HERE = Path(__file__).parent


def test_independent_steps_run_at_the_same_time_in_workers(
    use_orchestrator: Callable[..., None],
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})

    run = rendezvous()  # each step waits until the other has started

    assert {n: str(s.status) for n, s in run.steps.items()} == {
        "left": "completed",
        "right": "completed",
    }
    pids = {e.what: e.pid for e in read_events()}
    assert pids["start left"] != pids["start right"]
    assert os.getpid() not in pids.values()


def test_fail_fast_starts_nothing_after_the_first_failure(
    use_orchestrator: Callable[..., None], caplog: pytest.LogCaptureFixture
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 1, "fail_fast": True})

    with pytest.raises(PipelineRunFailedError, match="explode"):
        failing()  # one worker: explode runs before independent, which never starts

    run = Client().get_pipeline("failing").last_run
    assert {n: str(s.status) for n, s in run.steps.items()} == {
        "start": "completed",
        "explode": "failed",
    }
    assert (
        "Not starting step(s) independent: step 'explode' failed and fail_fast is set"
        in caplog.text
    )


def test_a_worker_killed_mid_step_fails_that_step_and_the_run(
    use_orchestrator: Callable[..., None], events_file: Path
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            sleeping()
        except BaseException as error:  # noqa: BLE001 - checked below
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    pid_file = events_file.parent / "sleeper.pid"
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    worker_pid = int(pid_file.read_text())
    assert worker_pid != os.getpid()
    os.kill(worker_pid, signal.SIGKILL)
    thread.join(timeout=60)

    assert not thread.is_alive()
    assert isinstance(outcome[0], PipelineRunFailedError)
    assert "sleeper" in str(outcome[0])
    run = Client().get_pipeline("sleeping").last_run
    assert run.status == "failed"
    step_run = run.steps["sleeper"]
    assert step_run.status == "failed"
    assert "worker process died (killed by SIGKILL)" in step_run.exception_info["message"]
    assert "after_explode" not in run.steps
    assert count_events("ran after_explode") == 0


def test_a_lambda_hook_is_refused_before_the_run_is_recorded(
    use_orchestrator: Callable[..., None],
) -> None:
    use_orchestrator("local_parallel")
    quiet = hooked_ok.with_options(on_success=lambda: None)

    @pipeline
    def with_lambda():
        quiet()
        source(1)

    with pytest.raises(StackValidationError) as raised:
        with_lambda()

    message = str(raised.value)
    assert (
        "the on_success hook test_a_lambda_hook_is_refused_before_the_run_is_recorded."
        "<locals>.<lambda> (in test_local_parallel) of step(s) 'hooked_ok' is a lambda, so "
        "a worker process cannot import it" in message
    )
    assert "Define it as a module-level function" in message
    assert Client().list_pipeline_runs().total == 0


def test_a_step_defined_inside_a_function_is_refused(use_orchestrator: Callable[..., None]) -> None:
    from stackwise import step

    use_orchestrator("local_parallel")

    @step
    def local_step() -> int:
        return 1

    @pipeline
    def with_local_step():
        local_step()
        start()

    with pytest.raises(
        StackValidationError, match="step function .*local_step.* is defined inside a function"
    ):
        with_local_step()


def test_max_workers_is_validated(use_orchestrator: Callable[..., None]) -> None:
    with pytest.raises(ConfigError, match="max_workers"):
        use_orchestrator("local_parallel", {"max_workers": 0})


def test_a_script_that_runs_its_pipeline_on_import_is_refused_in_workers(
    use_orchestrator: Callable[..., None], tmp_path: Path
) -> None:
    """Workers load a script's steps from its file; without a main guard the script would run
    its pipeline again in every worker (runs within runs): the worker refuses instead."""
    use_orchestrator("local_parallel", {"max_workers": 1})
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from stackwise import pipeline, step\n\n"
        "@step\ndef one() -> int:\n    return 1\n\n"
        "@pipeline(enable_cache=False)\ndef unguarded():\n    one()\n\n"
        "unguarded()\n"
    )

    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )

    assert result.returncode != 0
    assert 'if __name__ == "__main__":' in result.stderr
    run = Client().get_pipeline("unguarded").last_run
    assert run.status == "failed"
    message = run.steps["one"].exception_info["message"]
    assert f"imported {script}" in message
    assert Client().list_pipeline_runs().total == 1  # no run started in the worker


# -- warm workers: a process's later runs ------------------------------------------------------
def run_diamond_pids(events_file: Path) -> set[int]:
    """Run `diamond` (4 steps wide) and return the pids of the workers that ran its steps."""
    events_file.unlink(missing_ok=True)
    assert diamond().status == "completed"
    pids = {e.pid for e in read_events()}
    assert os.getpid() not in pids
    return pids


def all_gone(pids: set[int], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while any(process_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(process_alive(p) for p in pids)


def test_a_later_run_reuses_the_idle_workers(
    use_orchestrator: Callable[..., None], events_file: Path
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})

    first = run_diamond_pids(events_file)
    second = run_diamond_pids(events_file)

    assert len(first) == 2
    assert second <= first  # the same processes, no new interpreter started


def test_a_run_of_another_size_does_not_reuse_them(
    use_orchestrator: Callable[..., None], events_file: Path
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})
    first = run_diamond_pids(events_file)
    client = Client()
    client.create_stack_component(
        "one-worker", "local_parallel", "orchestrator", {"max_workers": 1}
    )
    client.create_stack("one-worker", {"orchestrator": "one-worker", "artifact_store": "default"})
    client.activate_stack("one-worker")

    second = run_diamond_pids(events_file)

    assert len(second) == 1 and second.isdisjoint(first)
    assert all_gone(first)  # never more processes than the run allows


def test_workers_from_before_an_environment_change_are_not_reused(
    use_orchestrator: Callable[..., None], events_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})
    first = run_diamond_pids(events_file)
    monkeypatch.setenv("STACKWISE_TEST_SOMETHING", "changed")

    second = run_diamond_pids(events_file)

    assert second.isdisjoint(first)
    assert all_gone(first)


def test_workers_older_than_a_changed_module_are_not_reused(
    use_orchestrator: Callable[..., None],
    events_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers import the user's modules once: after one changes on disk they may hold the old
    code, so the next run starts fresh ones."""
    folder = tmp_path / "code"
    folder.mkdir()
    (folder / "user_helpers.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, "user_helpers", raising=False)
    import user_helpers  # type: ignore[import-not-found]  # noqa: F401 - loaded, as a user's would be

    use_orchestrator("local_parallel", {"max_workers": 2})
    first = run_diamond_pids(events_file)
    (folder / "user_helpers.py").write_text("VALUE = 2\n")

    second = run_diamond_pids(events_file)

    assert second.isdisjoint(first)


def test_a_warm_worker_that_died_is_replaced(
    use_orchestrator: Callable[..., None], events_file: Path
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})
    first = run_diamond_pids(events_file)
    dead = first.pop()
    os.kill(dead, signal.SIGKILL)
    assert all_gone({dead})

    second = run_diamond_pids(events_file)

    assert dead not in second  # and the run completed (a fresh worker may have helped)


def test_a_later_run_sees_the_stack_as_changed_since(
    use_orchestrator: Callable[..., None], events_file: Path, tmp_path: Path
) -> None:
    """Warm workers read each run's stack afresh: a component changed between runs is used."""
    use_orchestrator("local_parallel", {"max_workers": 2})
    run_diamond_pids(events_file)
    moved = tmp_path / "moved-artifacts"
    Client().update_stack_component("default", "artifact_store", configuration={"path": str(moved)})

    events_file.unlink()
    run = diamond()

    assert run.steps["source"].output.uri.startswith(str(moved))
    assert run.steps["add_four"].output.load() == 4 * 9 + 6


def test_warm_workers_end_with_their_process(
    use_orchestrator: Callable[..., None], tmp_path: Path
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 2})
    script = tmp_path / "run_twice.py"
    script.write_text(
        "import os\n"
        "from conformance_steps import diamond\n\n"
        'if __name__ == "__main__":\n'
        "    diamond()\n"
        "    diamond()\n"
        "    print(os.getpid())\n"
    )

    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )

    assert result.returncode == 0, result.stderr
    workers = {e.pid for e in read_events()} - {int(result.stdout.split()[-1])}
    assert len(workers) == 2
    assert all_gone(workers, timeout=0.5)  # stopped at exit, not left to notice it later
