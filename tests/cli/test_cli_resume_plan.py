"""`stackwise pipeline runs resume RUN` and `stackwise pipeline plan MODULE.PIPELINE` on a small
module of pipelines written into the test's cwd, as a user would run them."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackwise.client import Client

PIPELINES = """
from pathlib import Path

from stackwise import pipeline, step


@step
def make(n: int = 3) -> int:
    return n * 2


@step
def add(x: int, y: int = 1) -> int:
    return x + y


@step
def checked(x: int) -> int:
    if not Path("fixed").exists():
        raise ValueError("not fixed yet")
    return x


@pipeline
def tiny(n: int = 3):
    add(make(n=n))


@pipeline(enable_cache=False, run_name="fragile")
def fragile():
    add(checked(make()))
"""


@pytest.fixture
def module() -> Iterator[str]:
    """A module of pipelines in the cwd, under a fresh name (sys.modules caches by name)."""
    name = f"user_pipelines_{uuid.uuid4().hex[:8]}"
    Path(f"{name}.py").write_text(PIPELINES)
    yield name
    sys.modules.pop(name, None)


def test_resume_a_failed_run(ok, invoke, module: str) -> None:
    failed = invoke("pipeline", "run", f"{module}.fragile")
    assert failed.exit_code == 1
    Path("fixed").touch()

    out = ok("pipeline", "runs", "resume", "fragile").stdout

    assert "Resuming run 'fragile' of pipeline 'fragile' on stack 'default'." in out
    assert "Run 'fragile-resume-1' of pipeline 'fragile': completed." in out
    steps = Client().get_pipeline_run("fragile-resume-1").steps
    assert {n: str(s.status) for n, s in steps.items()} == {
        "make": "cached",
        "checked": "completed",
        "add": "completed",
    }
    assert str(Path.cwd()) not in sys.path  # on sys.path for the command only


def test_retry_runs_on_the_stack_the_run_used(ok, invoke, module: str) -> None:
    ok("stack", "register", "other", "-o", "default", "-a", "default")
    assert invoke("pipeline", "run", f"{module}.fragile", "--stack", "other").exit_code == 1
    Path("fixed").touch()

    out = ok("pipeline", "runs", "retry", "fragile").stdout  # the active stack is `default`

    assert "on stack 'other'" in out
    assert "Run 'fragile-resume-1' of pipeline 'fragile': completed." in out
    again = invoke("pipeline", "runs", "retry", "fragile-resume-1")
    assert again.exit_code == 1 and "it is completed, not failed" in again.stderr


def test_a_resume_that_fails_again_exits_1_with_its_summary(invoke, module: str) -> None:
    invoke("pipeline", "run", f"{module}.fragile")

    result = invoke("pipeline", "runs", "resume", "fragile")

    assert result.exit_code == 1
    assert "Run 'fragile-resume-1' of pipeline 'fragile': failed." in result.stdout
    assert "not fixed yet" in result.stderr


def test_resume_refuses_a_completed_run(ok, invoke, module: str) -> None:
    ok("pipeline", "run", f"{module}.tiny")
    name = Client().get_pipeline("tiny").last_run.name

    result = invoke("pipeline", "runs", "resume", name)

    assert result.exit_code == 1
    assert f"Run '{name}' is completed: nothing to resume." in result.stderr
    assert Client().list_pipeline_runs().total == 1


def test_plan_before_and_after_a_run(ok, module: str) -> None:
    first = ok("pipeline", "plan", f"{module}.tiny").stdout
    assert "no earlier completed run of this step" in first
    assert "upstream 'make' runs" in first
    assert "Pipeline 'tiny' on stack 'default': 2 of 2 step(s) will run." in first
    assert Client().list_pipeline_runs().total == 0  # planning runs nothing

    ok("pipeline", "run", f"{module}.tiny")
    name = Client().get_pipeline("tiny").last_run.name
    again = ok("pipeline", "plan", f"{module}.tiny").stdout
    assert f"outputs of run '{name}'" in again and again.count("cached") == 2
    assert "0 of 2 step(s) will run." in again

    Path("run.yaml").write_text("parameters:\n  n: 5\n")
    changed = ok("pipeline", "plan", f"{module}.tiny", "-c", "run.yaml").stdout
    assert f"parameters (n) changed since run '{name}'" in changed
    assert "2 of 2 step(s) will run." in changed
