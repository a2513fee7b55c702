"""Dispatching steps to a step operator, with a user's own step operator flavor (made with
`BaseStepOperatorFlavor`) that runs the step entrypoint as a local process: the step runs
there and its outcome is read back from the store; a cached step is not dispatched; a launch
that fails before the step records anything fails the step naming the operator; a step that
fails there fails the run with its own error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError, StepOperatorError
from stackwise.stack.flavor_registry import flavor_registry
from stackwise.step_operators import (
    BaseStepOperator,
    BaseStepOperatorFlavor,
    StepOperatorRunInfo,
)

S = ExecutionStatus
LAUNCHES = "STACKWISE_TEST_LAUNCHES"  # a file each launch appends the step's name to


class LocalProcessStepOperator(BaseStepOperator):
    """Runs the step entrypoint as a child process of this one."""

    @property
    def shares_local_files(self) -> bool:
        return True

    def launch(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> None:
        with Path(os.environ[LAUNCHES]).open("a") as log:
            log.write(f"{info.pipeline_step_name}\n")
        if info.settings.get("broken"):
            raise StepOperatorError("the cluster refused the job")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            **environment,
        }
        subprocess.run([sys.executable, *entrypoint_command[1:]], env=env, check=False)


FLAVOR = BaseStepOperatorFlavor("local_process", f"{__name__}:LocalProcessStepOperator")


@step
def here() -> Annotated[int, "here"]:
    return os.getpid()


@step(step_operator="proc")
def there(pid: int) -> Annotated[dict, "there"]:
    return {"pid": os.getpid(), "upstream_pid": pid}


@step(step_operator=True)
def fails_there(info: dict) -> Annotated[int, "never"]:
    raise KeyError("missing column 'amount'")


@pipeline
def offloaded():
    there(here())


@pipeline(enable_cache=False)
def failing():
    fails_there(there(here()))


@pytest.fixture(autouse=True)
def step_operator_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    launches = tmp_path / "launches.log"
    launches.touch()
    monkeypatch.setenv(LAUNCHES, str(launches))
    flavor_registry.register(FLAVOR)
    client = Client()
    client.create_stack_component("proc", "local_process", "step_operator", {})
    client.create_stack(
        "proc", {"orchestrator": "default", "artifact_store": "default", "step_operator": "proc"}
    )
    client.activate_stack("proc")
    yield launches
    flavor_registry.unregister("step_operator", "local_process")


def test_the_step_runs_where_its_operator_runs_it_and_a_cache_hit_stays_here(
    step_operator_stack: Path,
) -> None:
    run = offloaded()
    result = run.steps["there"].output.load()
    assert result["upstream_pid"] == os.getpid() and result["pid"] != os.getpid()
    assert run.steps["there"].status == S.COMPLETED
    assert step_operator_stack.read_text() == "there\n"
    assert "code_uri" not in Client().store.get_run(str(run.id)).config  # it sees our files
    again = offloaded()
    assert again.steps["there"].status == S.CACHED
    assert step_operator_stack.read_text() == "there\n"  # not launched for a cache hit


def test_a_step_failing_on_the_operator_fails_the_run_with_its_error(
    step_operator_stack: Path,
) -> None:
    with pytest.raises(PipelineRunFailedError, match="KeyError: \"missing column 'amount'\""):
        failing()
    run = Client().get_pipeline("failing").last_run
    assert run.steps["fails_there"].status == S.FAILED
    assert step_operator_stack.read_text() == "there\nfails_there\n"  # True: the stack's one


def test_a_launch_that_fails_before_the_step_ran_fails_it_naming_the_operator() -> None:
    broken = there.with_options(settings={"step_operator": {"broken": True}})

    @pipeline(enable_cache=False)
    def refused():
        broken(here())

    with pytest.raises(PipelineRunFailedError, match="the cluster refused the job"):
        refused()
    step_run = Client().get_pipeline("refused").last_run.steps["there"]
    assert step_run.status == S.FAILED
    assert "did not run to its end on step operator 'proc' (local_process)" in (
        step_run.exception_info.message
    )
