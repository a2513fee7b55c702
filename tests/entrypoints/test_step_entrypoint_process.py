"""The step entrypoint as remote engines run it: one process per task, the run finished by
the process whose step fails it or ends it, one attempt per process (the engine retries), a
task whose upstream did not succeed refused before anything is recorded."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from tests.entrypoints.conftest import Engine

from stackwise.client import Client
from stackwise.entrypoints.step import EXIT_UPSTREAM
from stackwise.exceptions import PipelineRunFailedError, StackValidationError


def status(run_id: str) -> str:
    return str(Client().get_pipeline_run(run_id).status)


def step_statuses(run_id: str) -> dict[str, str]:
    return {s.name: str(s.status) for s in Client().store.list_step_runs(run_id)}


def test_a_submitted_run_is_left_running_and_its_last_step_completes_it(
    project: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    import flow

    with caplog.at_level(logging.INFO, logger="stackwise"):
        submitted = flow.chain()

    assert str(submitted.status) == "running"
    assert f"stackwise pipeline runs logs {submitted.name} --follow" in caplog.text
    handed = engine.handed()
    assert [t["invocation_id"] for t in handed["tasks"]] == ["make", "double"]
    assert handed["tasks"][1]["upstream"] == ["make"]

    first = engine.run("make")
    assert first.returncode == 0, first.stderr
    assert status(submitted.id) == "running"  # a step remains
    last = engine.run("double")
    assert last.returncode == 0, last.stderr
    run = Client().get_pipeline_run(submitted.id)
    assert str(run.status) == "completed" and run.end_time is not None
    assert run.steps["double"].output.load() == 6
    assert list(engine.workdir.iterdir()) == []  # the code came from the archive


def test_a_failing_step_fails_the_run_at_once_and_its_downstream_task_records_nothing(
    project: Path, engine: Engine
) -> None:
    import flow

    run_id = str(flow.failing().id)
    assert engine.run("make").returncode == 0

    failed = engine.run("boom")
    assert failed.returncode == 1
    assert "boom goes the step" in failed.stderr
    assert status(run_id) == "failed"  # as soon as the step failed

    refused = engine.run("after_boom")
    assert refused.returncode == EXIT_UPSTREAM
    assert "upstream step 'boom' ended failed" in refused.stderr
    assert "after_boom" not in step_statuses(run_id)

    beside = engine.run("beside")  # another branch still runs where the engine runs it
    assert beside.returncode == 0, beside.stderr
    assert step_statuses(run_id)["beside"] == "completed"
    assert status(run_id) == "failed"


def test_an_upstream_that_has_not_run_refuses_the_task(project: Path, engine: Engine) -> None:
    import flow

    run_id = str(flow.chain().id)
    refused = engine.run("double")
    assert refused.returncode == EXIT_UPSTREAM
    assert "upstream step 'make' has not run" in refused.stderr
    assert step_statuses(run_id) == {}
    assert status(run_id) == "running"


def test_an_engine_retry_runs_the_step_again_as_its_next_attempt(
    project: Path, engine: Engine, tmp_path: Path
) -> None:
    import flow

    engine.env["FLAKY_MARKER"] = str(tmp_path / "flaky-marker")
    run_id = str(flow.retrying().id)
    assert engine.task("flaky")["max_retries"] == 1
    assert engine.run("make").returncode == 0

    first = engine.run("flaky")
    assert first.returncode == 1
    assert status(run_id) == "running"  # an attempt remains: not failed yet
    second = engine.run("flaky")
    assert second.returncode == 0, second.stderr

    attempts = sorted(
        (s.attempt, str(s.status))
        for s in Client().store.list_step_runs(run_id)
        if s.name == "flaky"
    )
    assert attempts == [(1, "retried"), (2, "completed")]
    assert status(run_id) == "completed"


def test_two_last_steps_ending_at_once_complete_the_run_once(project: Path, engine: Engine) -> None:
    import flow

    run_id = str(flow.fan().id)
    assert engine.run("make").returncode == 0
    processes = [engine.start("left"), engine.start("right")]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    assert step_statuses(run_id) == {"make": "completed", "left": "completed", "right": "completed"}
    assert status(run_id) == "completed"


def test_a_task_of_a_step_that_succeeded_is_not_run_again(project: Path, engine: Engine) -> None:
    import flow

    run_id = str(flow.chain().id)
    assert engine.run("make").returncode == 0
    again = engine.run("make")
    assert again.returncode == 0
    assert "already ended completed" in again.stdout
    assert len([s for s in Client().store.list_step_runs(run_id) if s.name == "make"]) == 1


def test_orchestrators_that_run_steps_elsewhere_refuse_local_stores_before_recording(
    project: Path, engine: Engine
) -> None:
    import flow

    Client().update_stack_component(
        "engine", "orchestrator", configuration={"runs_on_this_machine": False}
    )
    with pytest.raises(StackValidationError) as raised:
        flow.chain()

    message = str(raised.value)
    assert "orchestrator 'engine' (task_file) runs steps on other machines" in message
    assert "the metadata store is the SQLite file sqlite:///" in message
    assert "stackwise login URL" in message
    assert "artifact store 'default' (local)" in message
    assert "stackwise stack update remote -a NAME" in message
    assert Client().list_pipeline_runs().total == 0


def test_a_script_s_steps_run_remotely_from_their_path_relative_to_the_code_root(
    project: Path, engine: Engine
) -> None:
    import os
    import subprocess
    import sys

    script = project / "run.py"
    script.write_text(
        "from stackwise import pipeline, step\n\n\n"
        "@step\ndef hello() -> str:\n    return 'hello from run.py'\n\n\n"
        "@pipeline(enable_cache=False)\ndef greet():\n    hello()\n\n\n"
        "if __name__ == '__main__':\n    greet()\n"
    )
    repo = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo / "src"), str(repo)])}
    launched = subprocess.run(
        [sys.executable, "run.py"], cwd=project, env=env, capture_output=True, text=True
    )
    assert launched.returncode == 0, launched.stderr
    run_id = engine.handed()["run_id"]
    record = Client().store.get_run(run_id)
    assert record.spec["steps"]["hello"]["source"] == "run.py:hello"
    assert record.config["code_root"] == str(project)

    done = engine.run("hello")
    assert done.returncode == 0, done.stderr
    time.sleep(0)  # the run was finished by that process
    run = Client().get_pipeline_run(run_id)
    assert str(run.status) == "completed"
    assert run.steps["hello"].output.load() == "hello from run.py"


def run_when_submitted(engine: Engine, order: list[str]) -> threading.Thread:
    """The engine in a thread: once the tasks are handed over, run them in order."""

    def play() -> None:
        deadline = time.monotonic() + 60
        while not engine.tasks_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for invocation in order:
            engine.run(invocation)

    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    return thread


def test_a_synchronous_flavor_waits_for_the_end_its_step_processes_record(
    project: Path, engine: Engine
) -> None:
    import flow

    Client().update_stack_component("engine", "orchestrator", configuration={"synchronous": True})
    thread = run_when_submitted(engine, ["make", "double"])
    result = flow.chain()
    thread.join(timeout=60)
    assert str(result.status) == "completed"
    assert result.steps["double"].output.load() == 6


def test_a_synchronous_run_that_fails_raises_like_any_failed_run(
    project: Path, engine: Engine
) -> None:
    import flow

    Client().update_stack_component("engine", "orchestrator", configuration={"synchronous": True})
    engine.tasks_file.unlink(missing_ok=True)
    thread = run_when_submitted(engine, ["make", "boom"])
    with pytest.raises(PipelineRunFailedError, match="boom"):
        flow.failing()
    thread.join(timeout=60)
