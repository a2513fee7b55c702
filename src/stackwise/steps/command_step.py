"""`CommandStep`: a step that runs a command instead of Python code of its own.

The command is a list of arguments (`["sh", "-c", "make report"]`) or a self-contained Python
function without parameters, which runs as `python -c <its source>` (the interpreter running
stackwise). A command step has no inputs and no outputs, and is not cached unless asked
(`enable_cache=True`).

In a dynamic pipeline (`@pipeline(dynamic=True)`) the step runs its command as a subprocess of
the run, with the step's environment variables and secrets: what the command prints goes to
the terminal and into the step's logs, and a non-zero exit fails the step with a
`CommandStepError` (a `subprocess.CalledProcessError`) naming step, command and exit code.
A static pipeline runs command steps on a step operator in ZenML; stackwise's step operators
run Python steps only, so a command step in a static pipeline is refused when the pipeline is
compiled.
Called outside a pipeline, like any stackwise step, it just runs its command.
"""

from __future__ import annotations

import hashlib
import inspect
import subprocess
import sys
import textwrap
import threading
from collections import deque
from collections.abc import Callable, Sequence
from functools import cached_property
from types import SimpleNamespace
from typing import IO, Any

from stackwise.exceptions import StackValidationError, StepInterfaceError
from stackwise.steps.base_step import Step
from stackwise.steps.tracing import active_builder
from stackwise.utils.output_routing import printing_for

_STDERR_TAIL = 20  # lines of the command's stderr quoted when it fails


class CommandStepError(subprocess.CalledProcessError):
    """A command step's command exited with a non-zero code."""

    def __init__(self, step: str, returncode: int, cmd: list[str], stderr_tail: str = "") -> None:
        super().__init__(returncode, cmd, stderr=stderr_tail or None)
        self.step = step

    def __reduce__(self) -> Any:  # picklable across processes
        return (type(self), (self.step, self.returncode, self.cmd, self.stderr or ""))

    def __str__(self) -> str:
        message = (
            f"Command step '{self.step}' failed: command {self.cmd!r} exited with code "
            f"{self.returncode}."
        )
        if self.stderr:
            message += f" Last lines of its stderr:\n{self.stderr}"
        return message


def _function_command(func: Any, owner: str) -> list[str]:
    if not inspect.isfunction(func):
        raise StepInterfaceError(
            f"{owner}: the object passed as command step function is not a function: `{func!r}`."
        )
    if func.__name__ == "<lambda>":
        raise StepInterfaceError(
            f"{owner}: lambdas cannot be used as command step functions; "
            "define the function with `def`."
        )
    if inspect.signature(func).parameters:
        raise StepInterfaceError(
            f"{owner}: the command step function `{func.__name__}` cannot have parameters."
        )
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError) as error:
        raise StepInterfaceError(
            f"{owner}: the source of command step function "
            f"`{func.__name__}` cannot be read ({error})."
        ) from None
    return [sys.executable, "-c", f"{source}\n\n{func.__name__}()\n"]


def _check_command(command: Any, owner: str) -> list[str]:
    if command is None or (isinstance(command, (list, tuple)) and not command):
        raise StepInterfaceError(f"{owner}: the command of a command step must not be empty.")
    if callable(command):
        return _function_command(command, owner)
    if isinstance(command, str):
        raise StepInterfaceError(
            f"{owner}: the command is a list of arguments, not a string: use "
            f"{command.split()!r}, or ['sh', '-c', {command!r}] to run it through a shell."
        )
    if not isinstance(command, (list, tuple)) or not all(isinstance(a, str) for a in command):
        raise StepInterfaceError(
            f"{owner}: the command of a command step is a list of strings "
            f"(or a function), got {command!r}."
        )
    return list(command)


def _pump(source: IO[str], sink: Any, tail: deque[str] | None, step_thread: int) -> None:
    with printing_for(step_thread):  # into the step's logs, as if the step printed it
        for line in source:
            sink.write(line)
            sink.flush()
            if tail is not None:
                tail.append(line)
    source.close()


def run_command(command: Sequence[str], step_name: str) -> None:
    """Run `command` as a subprocess; its output is streamed to this process's stdout/stderr
    (and so into the step's logs). A non-zero exit raises CommandStepError."""
    cmd = list(command)
    try:
        process = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            bufsize=1,
        )
    except OSError as error:
        raise type(error)(
            error.errno, f"Command step '{step_name}' cannot start {cmd!r}: {error.strerror}"
        ) from error
    tail: deque[str] = deque(maxlen=_STDERR_TAIL)
    assert process.stdout is not None and process.stderr is not None
    me = threading.get_ident()
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, sys.stdout, None, me), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, sys.stderr, tail, me), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    try:
        returncode = process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        for pump in pumps:
            pump.join()
    if returncode != 0:
        raise CommandStepError(step_name, returncode, cmd, "".join(tail).rstrip("\n"))


class CommandStep(Step):
    """Step that runs an opaque command: a list of arguments, or a self-contained Python
    function without parameters (run as `python -c`). No inputs, no outputs."""

    def __init__(self, command: list[str] | Callable[[], Any], **kwargs: Any) -> None:
        owner = f"Command step '{kwargs.get('name') or type(self).__name__}'"
        self._check_entrypoint(owner)
        self.command = _check_command(command, owner)
        kwargs.setdefault("name", type(self).__name__)
        kwargs.setdefault("enable_cache", False)
        super().__init__(self.entrypoint, **kwargs)
        # the entrypoint is the class's method, bound to whichever copy runs (with_options)
        self.__dict__.pop("entrypoint", None)
        self.__dict__.pop("__wrapped__", None)
        self.__doc__ = type(self).__doc__
        self.__module__ = type(self).__module__
        self.__qualname__ = type(self).__qualname__

    @classmethod
    def _check_entrypoint(cls, owner: str) -> None:
        if cls.entrypoint is CommandStep.entrypoint:
            return
        signature = inspect.signature(cls.entrypoint)
        if len(signature.parameters) > 1 or signature.return_annotation not in (
            inspect.Signature.empty,
            None,
            "None",
        ):
            raise StepInterfaceError(
                f"{owner}: a command step cannot have inputs or outputs. Do not override the "
                "`entrypoint` method with parameters or a return annotation."
            )

    def entrypoint(self) -> None:
        """Run the command (as the step's subprocess)."""
        from stackwise.steps.step_context import current_step_context

        context = current_step_context()
        run_command(self.command, context.step_name if context is not None else self.name)

    # -- identity: the command is the step's code ----------------------------------------
    @cached_property
    def code_hash(self) -> str:
        try:
            code = inspect.getsource(type(self).entrypoint)
        except (OSError, TypeError):
            code = type(self).__qualname__
        text = "\0".join([type(self).__qualname__, code, *self.command])
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def configuration(self) -> SimpleNamespace:
        values = super().configuration
        values.command = list(self.command)
        return values

    def __repr__(self) -> str:
        return f"<command step {self.name}: {self.command!r}>"

    # -- calling -------------------------------------------------------------------------
    def __call__(
        self,
        *args: Any,
        id: str | None = None,
        after: Any = None,
        start_after: Any = None,
        **kwargs: Any,
    ) -> Any:
        builder = active_builder()
        if builder is not None and not builder.dynamic:
            raise StackValidationError(
                f"Command step `{self.name}` in a static pipeline requires a step operator, "
                "and stackwise's step operators run Python steps only. Use a dynamic pipeline "
                "(@pipeline(dynamic=True)): there the step runs its command as a subprocess."
            )
        return super().__call__(*args, id=id, after=after, start_after=start_after, **kwargs)


__all__ = ["CommandStep", "CommandStepError", "run_command"]
