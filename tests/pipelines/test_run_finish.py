"""`Pipeline.run` and resume finish a run on one path (run_finish.py): for the same situation
they reach the same status, raise the same error, run the same hooks, print the same summary
and each keep their own pipeline logs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

import pytest

from stackwise import get_step_context, pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError
from stackwise.pipelines.run_finish import run_status

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


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ({"a": S.COMPLETED, "b": S.CACHED}, S.COMPLETED),
        ({"a": S.COMPLETED, "b": S.SKIPPED}, S.COMPLETED),
        ({"a": S.COMPLETED}, S.FAILED),  # b never ran (its upstream failed, fail_fast)
        ({"a": S.COMPLETED, "b": S.FAILED}, S.FAILED),
        ({"a": S.COMPLETED, "b": S.CANCELLED}, S.FAILED),
        ({"a": S.COMPLETED, "b": S.RUNNING}, S.FAILED),
        ({"a": S.COMPLETED, "b": S.COMPLETED, "c": S.FAILED}, S.FAILED),  # a caught failure
    ],
)
def test_the_completion_rule(statuses: dict[str, S], expected: S) -> None:
    assert run_status(statuses, ["a", "b"]) == expected


def _init(tag: str) -> str:
    CALLS.append(f"init:{tag}")
    return tag


def _cleanup() -> None:
    CALLS.append("cleanup")


@step
def first() -> Annotated[int, "seed"]:
    CALLS.append("first")
    return 1


@step
def flaky(seed: int) -> Annotated[int, "flaky"]:
    CALLS.append(f"flaky state={get_step_context().pipeline_state}")
    if not FIXED.get("flaky"):
        raise ValueError("flaky broke")
    return seed + 1


@pipeline(
    enable_cache=False,
    run_name="finishing",
    on_init=_init,
    on_init_kwargs={"tag": "t"},
    on_cleanup=_cleanup,
)
def finishing():
    flaky(first())


def _outcome(call: Callable[[], object]) -> tuple[str, list[str], list[str]]:
    """(status of the newest run, failed steps the error named, hook and step calls)."""
    CALLS.clear()
    failed: list[str] = []
    try:
        call()
    except PipelineRunFailedError as error:
        failed = error.failed_steps
    newest = Client().list_pipeline_runs(sort_by="desc:created", size=1).items[0]
    return str(newest.status), failed, list(CALLS)


def test_a_failing_step_fails_a_run_and_its_resume_alike() -> None:
    launched = _outcome(finishing)
    resumed = _outcome(lambda: Client().resume_run("finishing"))

    assert launched == (
        "failed",
        ["flaky"],
        ["init:t", "first", "flaky state=t", "cleanup"],
    )
    assert resumed == ("failed", ["flaky"], ["init:t", "flaky state=t", "cleanup"])


def test_a_run_and_a_resume_that_complete_end_alike(capsys: pytest.CaptureFixture[str]) -> None:
    _outcome(finishing)
    FIXED["flaky"] = True
    capsys.readouterr()

    resumed = _outcome(lambda: Client().resume_run("finishing"))
    resume_out = capsys.readouterr().out
    launched = _outcome(finishing.with_options(run_name="finishing-again"))
    launch_out = capsys.readouterr().out

    assert resumed == ("completed", [], ["init:t", "flaky state=t", "cleanup"])
    assert launched == ("completed", [], ["init:t", "first", "flaky state=t", "cleanup"])
    assert "Pipeline run 'finishing-resume-1' has finished in" in resume_out
    assert "Pipeline run 'finishing-again' has finished in" in launch_out


def test_a_resume_keeps_its_own_pipeline_logs() -> None:
    _outcome(finishing)
    FIXED["flaky"] = True
    Client().resume_run("finishing")

    old = Client().get_pipeline_run("finishing").record.config["logs_uri"]
    new = Client().get_pipeline_run("finishing-resume-1").record.config["logs_uri"]
    assert old and new and new != old
