"""CommandStep: a step that runs a command (a list of arguments, or a parameterless function
run with `python -c`). In a dynamic pipeline it runs as a subprocess with the step's
environment; a non-zero exit fails the step and the run. A static pipeline refuses it (it
needs a step operator); bad commands are refused when the step is made."""

import json
import os
from pathlib import Path

from zenml import CommandStep, pipeline, step
from zenml.client import Client
from zenml.exceptions import StackValidationError, StepInterfaceError


def write_report():
    import json
    import os

    with open("report.json", "w") as handle:
        json.dump({"color": os.environ.get("COLOR"), "cwd": os.getcwd()}, handle)
    print("report written")


def takes_argument(x):
    return x


shell = CommandStep(["sh", "-c", "echo from-shell > shell.txt; echo to-stderr >&2"],
                    name="shell")
report = CommandStep(write_report, environment={"COLOR": "blue"})
failing = CommandStep(["sh", "-c", "echo about to fail; exit 3"], name="failing")

assert isinstance(shell, CommandStep)
assert shell.name == "shell"
assert report.name == "CommandStep"  # the class name unless named
assert shell.enable_cache is False and report.enable_cache is False
assert shell.configuration.command == ["sh", "-c",
                                       "echo from-shell > shell.txt; echo to-stderr >&2"]
command = report.configuration.command
assert command[1] == "-c" and "def write_report" in command[2], command
assert command[2].rstrip().endswith("write_report()"), command[2]
assert shell.with_options(enable_cache=True).enable_cache is True

for bad, message in (([], "must not be empty"), (None, "must not be empty"),
                     (lambda: 1, "ambda"), (takes_argument, "cannot have parameters")):
    try:
        CommandStep(bad)
    except StepInterfaceError as error:
        assert message in str(error), error
    else:
        raise AssertionError(f"CommandStep({bad!r}) must be refused")


class WithInputs(CommandStep):
    def entrypoint(self, x: int) -> int:
        return x


try:
    WithInputs(["true"])
except StepInterfaceError as error:
    assert "cannot have inputs or outputs" in str(error), error
else:
    raise AssertionError("a command step with inputs must be refused")


@step(enable_cache=False)
def after_commands() -> str:
    return Path("shell.txt").read_text().strip()


@pipeline(dynamic=True, enable_cache=False)
def commands():
    assert shell() is None
    report()
    after_commands()


commands()
run = Client().get_pipeline("commands").last_run
assert str(run.status) == "completed", run.status
assert list(run.steps) == ["shell", "CommandStep", "after_commands"], list(run.steps)
for name in ("shell", "CommandStep"):
    assert str(run.steps[name].status) == "completed"
    assert run.steps[name].outputs == {}
assert run.steps["after_commands"].outputs["output"][0].load() == "from-shell"
written = json.loads(Path("report.json").read_text())
assert written == {"color": "blue", "cwd": os.getcwd()}, written


@pipeline(dynamic=True, enable_cache=False)
def fails():
    failing()


try:
    fails()
except Exception as error:  # noqa: BLE001 - each tool names the run's failure its own way
    assert "exit" in str(error) and "3" in str(error), error
else:
    raise AssertionError("a non-zero exit must fail the run")
failed_run = Client().get_pipeline("fails").last_run
assert str(failed_run.status) == "failed"
assert str(failed_run.steps["failing"].status) == "failed"


@pipeline(enable_cache=False)
def static_commands():
    shell()


try:
    static_commands()
except StackValidationError as error:
    assert "requires a step operator" in str(error), error
else:
    raise AssertionError("a command step in a static pipeline needs a step operator")
print("ok")
