"""`CommandStep`: the commands it accepts, how it runs (subprocess, logs, environment), how a
failing command fails its step, and where it is refused."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from stackwise import CommandStep, pipeline
from stackwise.client import Client
from stackwise.exceptions import (
    PipelineRunFailedError,
    StackValidationError,
    StepInterfaceError,
)
from stackwise.execution.log_reader import logs_text
from stackwise.steps.command_step import CommandStepError


def writes_marker() -> None:
    from pathlib import Path

    Path("marker.txt").write_text("written")


def with_parameter(x: int) -> int:
    return x


# -- what a command is -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("command", "message"),
    [
        ([], "must not be empty"),
        (None, "must not be empty"),
        ("echo hi", r"\['sh', '-c', 'echo hi'\]"),
        (["echo", 1], "a list of strings"),
        (5, "a list of strings"),
        (lambda: None, "lambdas cannot be used"),
        (print, "not a function"),
        (with_parameter, "cannot have parameters"),
    ],
)
def test_bad_commands_are_refused_when_the_step_is_made(command: object, message: str) -> None:
    with pytest.raises(StepInterfaceError, match=message):
        CommandStep(command)  # type: ignore[arg-type]


def test_a_subclass_cannot_give_the_step_inputs_or_outputs() -> None:
    class Returns(CommandStep):
        def entrypoint(self) -> int:  # type: ignore[override]
            return 1

    with pytest.raises(StepInterfaceError, match="cannot have inputs or outputs"):
        Returns(["true"])

    class Plain(CommandStep):
        pass

    assert Plain(["true"]).name == "Plain"


def test_a_function_runs_with_this_interpreter() -> None:
    made = CommandStep(writes_marker)
    assert made.command[:2] == [sys.executable, "-c"]
    assert made.command[2].rstrip().endswith("writes_marker()")


def test_unknown_options_are_refused_like_any_step_option() -> None:
    with pytest.raises(StepInterfaceError, match="unknown option"):
        CommandStep(["true"], enable_cahce=True)


def test_the_command_is_part_of_the_cache_identity() -> None:
    assert CommandStep(["echo", "a"]).code_hash != CommandStep(["echo", "b"]).code_hash
    assert CommandStep(["echo", "a"]).code_hash == CommandStep(["echo", "a"]).code_hash


# -- running ---------------------------------------------------------------------------------
def test_outside_a_pipeline_the_command_just_runs() -> None:
    CommandStep(writes_marker)()
    assert Path("marker.txt").read_text() == "written"
    with pytest.raises(CommandStepError, match="exited with code 4"):
        CommandStep(["sh", "-c", "exit 4"], name="four")()


def test_a_static_pipeline_refuses_a_command_step_and_records_nothing() -> None:
    shell = CommandStep(["true"], name="shell")

    @pipeline
    def static() -> None:
        shell()

    with pytest.raises(StackValidationError, match="requires a step operator"):
        static()
    assert Client().list_pipeline_runs().total == 0


def test_output_reaches_the_step_logs_and_the_environment_reaches_the_command() -> None:
    chatty = CommandStep(
        ["sh", "-c", "echo out-$COLOR; echo err-line >&2"],
        name="chatty",
        environment={"COLOR": "green"},
    )

    @pipeline(dynamic=True)
    def talk() -> None:
        chatty()

    run = talk()
    step_run = run.steps["chatty"]
    assert str(step_run.status) == "completed"
    logs = logs_text(step_run.log_collection[0], Client().store)
    assert "out-green" in logs and "err-line" in logs


def test_a_non_zero_exit_fails_the_step_naming_step_command_and_code() -> None:
    failing = CommandStep(["sh", "-c", "echo why >&2; exit 3"], name="failing")

    @pipeline(dynamic=True)
    def fails() -> None:
        failing()

    with pytest.raises(PipelineRunFailedError, match="exited with code 3"):
        fails()
    step_run = Client().get_pipeline("fails").last_run.steps["failing"]
    assert str(step_run.status) == "failed"
    info = step_run.exception_info
    assert info is not None
    assert "Command step 'failing'" in info.message
    assert "['sh', '-c', 'echo why >&2; exit 3']" in info.message
    assert "why" in info.message  # the tail of its stderr


def test_a_command_that_does_not_exist_names_the_step() -> None:
    missing = CommandStep(["no-such-program-anywhere"], name="missing")
    with pytest.raises(FileNotFoundError, match="Command step 'missing' cannot start"):
        missing()


def test_caching_is_off_unless_asked_for() -> None:
    counted = CommandStep(["sh", "-c", "echo x >> count.txt"], name="counted")
    cached = counted.with_options(enable_cache=True)
    assert counted.enable_cache is False and cached.enable_cache is True

    @pipeline(dynamic=True)
    def twice() -> None:
        counted()
        counted()
        cached()
        cached()

    twice()
    # both uncached calls run; the cached ones reuse an earlier run of the same command
    assert Path("count.txt").read_text().count("x") == 2
    statuses = [str(s.status) for s in Client().get_pipeline("twice").last_run.steps.values()]
    assert statuses == ["completed", "completed", "cached", "cached"], statuses


def test_command_step_error_is_a_called_process_error_and_pickles() -> None:
    error = CommandStepError("s", 2, ["false"], "tail")
    assert isinstance(error, subprocess.CalledProcessError)
    again = pickle.loads(pickle.dumps(error))
    assert (again.step, again.returncode, again.cmd, again.stderr) == ("s", 2, ["false"], "tail")
    assert str(again) == str(error)
