"""Resuming a failed run: a new run of the same spec that records every step that succeeded as
`cached` (pointing at the old outputs, caching disabled or not) and runs only the failed,
skipped and downstream steps. It refuses, creating nothing, when the run did not fail or when
outputs it would reuse were deleted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError, RunNotResumableError

S = ExecutionStatus
CALLS: list[str] = []
FIXED: dict[str, bool] = {}


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    CALLS.clear()
    FIXED.clear()
    yield
    CALLS.clear()
    FIXED.clear()


@step
def start() -> Annotated[int, "seed"]:
    CALLS.append("start")
    return 2


@step
def explode(seed: int) -> Annotated[int, "exploded"]:
    CALLS.append("explode")
    if not FIXED.get("explode"):
        raise ValueError("kaboom")
    return seed * 3


@step
def after_explode(value: int) -> Annotated[int, "after"]:
    CALLS.append("after_explode")
    return value + 1


@step
def independent(seed: int) -> Annotated[int, "independent"]:
    CALLS.append("independent")
    return seed * 10


@pipeline(enable_cache=False, run_name="broken")
def broken():
    seed = start()
    after_explode(explode(seed))
    independent(seed)


def failed_run() -> str:
    with pytest.raises(PipelineRunFailedError):
        broken()
    CALLS.clear()
    return "broken"


def run_names() -> list[str]:
    return sorted(r.name for r in Client().list_pipeline_runs())


def test_resume_runs_only_what_failed_and_reuses_the_rest() -> None:
    old = Client().get_pipeline_run(failed_run())
    FIXED["explode"] = True

    new = Client().resume_run("broken")

    assert CALLS == ["explode", "after_explode"]  # caching is off, yet nothing else ran
    assert new.name == "broken-resume-1" and new.status == S.COMPLETED
    assert new.original_run.id == old.id
    steps, before = new.steps, old.steps
    assert {n: s.status for n, s in steps.items()} == {
        "start": S.CACHED,
        "independent": S.CACHED,
        "explode": S.COMPLETED,
        "after_explode": S.COMPLETED,
    }
    for name in ("start", "independent"):
        assert steps[name].output.id == before[name].output.id
        assert steps[name].original_step_run_id == before[name].id
    assert steps["after_explode"].output.load() == 7
    assert Client().get_pipeline_run("broken").status == S.FAILED  # the old run is kept as is


def test_a_resume_that_fails_again_can_be_resumed_and_points_at_the_producers() -> None:
    old = Client().get_pipeline_run(failed_run())
    with pytest.raises(PipelineRunFailedError, match="explode"):
        Client().resume_run("broken")
    assert CALLS == ["explode"]
    FIXED["explode"] = True

    newest = Client().resume_run("broken-resume-1")

    assert newest.name == "broken-resume-2"
    assert newest.original_run.id == Client().get_pipeline_run("broken-resume-1").id
    assert newest.steps["start"].original_step_run_id == old.steps["start"].id
    assert newest.steps["after_explode"].output.load() == 7


def test_a_run_that_did_not_fail_is_not_resumed() -> None:
    FIXED["explode"] = True
    broken()

    with pytest.raises(RunNotResumableError, match="Run 'broken' is completed: nothing to resume"):
        Client().resume_run("broken")
    assert run_names() == ["broken"]


def test_deleted_outputs_are_named_and_nothing_is_created() -> None:
    old = Client().get_pipeline_run(failed_run())
    gone = old.steps["independent"].output
    Client().active_stack.artifact_store.rmtree(gone.uri)

    with pytest.raises(RunNotResumableError) as raised:
        Client().resume_run("broken")

    message = str(raised.value)
    assert f"artifact '{gone.name}' version {gone.version} at {gone.uri}" in message
    assert "output 'independent' of step 'independent'" in message
    assert "files were deleted" in message and "Run the pipeline again" in message
    assert "seed" not in message.split("gone:", 1)[1]  # only the missing one is listed
    assert run_names() == ["broken"]
    assert CALLS == []
