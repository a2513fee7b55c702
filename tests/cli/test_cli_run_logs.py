"""`stackwise pipeline runs logs RUN [--step NAME] [--follow]`: every step's logs in the
pipeline's order under a header, one step's, a clear error for an unknown step, and following
a running pipeline until it ends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError


@step
def first() -> int:
    print("first speaks")
    return 1


@step
def second(x: int) -> int:
    print(f"second heard {x}")
    raise RuntimeError("second gives up")


@step(enable_step_logs=False)
def hidden() -> int:
    print("not kept")
    return 0


@pipeline(enable_cache=False)
def chain() -> None:
    hidden()
    second(first())


@pytest.fixture
def run_name() -> str:
    with pytest.raises(PipelineRunFailedError):
        chain()
    return Client().get_pipeline("chain").last_run.name


def test_prints_every_steps_logs_in_order(ok, run_name: str) -> None:
    out = ok("pipeline", "runs", "logs", run_name).stdout

    assert out.index("==> Step 'hidden' (completed) <==") < out.index("==> Step 'first'")
    assert out.index("==> Step 'first' (completed) <==") < out.index("first speaks")
    assert out.index("first speaks") < out.index("==> Step 'second' (failed) <==")
    assert "(no logs kept: enable_step_logs was off)" in out and "not kept" not in out
    assert "second heard 1" in out and "RuntimeError: second gives up" in out


def test_one_step_and_an_unknown_step(ok, invoke, run_name: str) -> None:
    out = ok("pipeline", "runs", "logs", run_name, "--step", "first").stdout
    assert "first speaks" in out and "second" not in out

    result = invoke("pipeline", "runs", "logs", run_name, "--step", "secnd")
    assert result.exit_code == 2
    assert "run '" in result.stderr and "has no step 'secnd'" in result.stderr
    assert "Did you mean 'second'?" in result.stderr


SLOW_PIPELINE = """
import os, time
from pathlib import Path
from stackwise import pipeline, step


@step
def slow() -> int:
    print("before the wait", flush=True)
    gate = Path(os.environ["GATE"])
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    print("after the wait")
    return 1


@pipeline(enable_cache=False, name="slow_pipeline")
def slow_pipeline():
    slow()


if __name__ == "__main__":
    slow_pipeline()
"""


def _wait_for_running_step(deadline: float) -> str:
    while time.monotonic() < deadline:
        try:
            run = Client().get_pipeline("slow_pipeline").last_run
        except (KeyError, RuntimeError, LookupError):
            run = None
        if run is not None and "slow" in run.steps:
            return run.name
        time.sleep(0.1)
    raise AssertionError("the slow pipeline did not start its step within the timeout")


def test_follow_prints_a_running_steps_lines_until_the_run_ends(tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(textwrap.dedent(SLOW_PIPELINE))
    gate = tmp_path / "gate"
    env = {**os.environ, "GATE": str(gate)}
    runner = subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    follower = None
    try:
        name = _wait_for_running_step(time.monotonic() + 60)
        follower = subprocess.Popen(
            [sys.executable, "-m", "stackwise.cli.main", "pipeline", "runs", "logs", name, "-f"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert follower.stdout is not None
        lines = []
        while not any("before the wait" in line for line in lines):
            line = follower.stdout.readline()
            assert line, f"the follower ended early: {lines} {follower.stderr.read()}"  # type: ignore[union-attr]
            lines.append(line)
        assert runner.poll() is None  # seen while the step still runs
        assert lines[0].startswith("==> Step 'slow' (running) <==")
        gate.touch()
        rest, errors = follower.communicate(timeout=60)
        assert follower.returncode == 0, errors
        assert "after the wait" in rest
        assert runner.wait(timeout=60) == 0
    finally:
        for process in (runner, follower):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
