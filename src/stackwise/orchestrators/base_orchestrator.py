"""Orchestrators decide where and when each step of a run executes. `submit` starts a run and
returns a handle; `handle.wait()` returns each step's final status.

Before a run is recorded, `validate_spec` says whether this orchestrator can run the pipeline
at all: one that runs steps in other processes needs every step and hook importable there.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from stackwise.enums import ExecutionStatus, StackComponentType
from stackwise.exceptions import StackValidationError
from stackwise.execution.step_runner import RunContext
from stackwise.models.pipeline_spec import PipelineSpec
from stackwise.stack.stack_component import StackComponent

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack

logger = logging.getLogger("stackwise")


class RunHandle(Protocol):
    def wait(self) -> dict[str, ExecutionStatus]:
        """Block until the run ends; the status of every step that got a step run."""
        ...

    @property
    def errors(self) -> dict[str, BaseException]:
        """The exception of each failed step, where this process saw it."""
        ...


class BaseOrchestrator(StackComponent):
    TYPE: ClassVar[StackComponentType] = StackComponentType.ORCHESTRATOR
    # Steps run in other processes: step functions and hooks must be importable there.
    RUNS_STEPS_ELSEWHERE: ClassVar[bool] = False

    def validate_spec(self, spec: PipelineSpec) -> None:
        """Raise StackValidationError, naming every step and hook this orchestrator cannot run,
        before anything is recorded. Called by `Pipeline.run` and again by `submit`."""
        if not self.RUNS_STEPS_ELSEWHERE:
            return
        from stackwise.execution.step_entrypoint import portability_problems  # not in-process

        problems = portability_problems(spec)
        if problems:
            lines = "\n".join(f"  - {p}" for p in problems)
            raise StackValidationError(
                f"Pipeline '{spec.name}' cannot run on orchestrator '{self.name}' "
                f"({self.flavor}), which runs each step in a worker process "
                f"({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n{lines}"
            )

    def prepare_record(
        self, spec: dict[str, Any], config: dict[str, Any], stack: Stack, pipeline_source: str
    ) -> dict[str, Any]:
        """Before a new run is recorded: add to its `config` what this orchestrator needs and
        return the spec to record. Default: the launching process's identity, which liveness
        checks (it orchestrates the run); and, when a step runs on a step operator on other
        machines, its code delivered there (archive, image build: code_delivery.py)."""
        from stackwise.execution.liveness import PROCESS_KEY, process_identity

        config[PROCESS_KEY] = process_identity()
        if not any(step.get("step_operator") for step in (spec.get("steps") or {}).values()):
            return spec  # the common case: nothing more to import or check
        from stackwise.orchestrators.code_delivery import deliver_code, remote_step_operators

        if remote_step_operators(spec, stack):
            return deliver_code(spec, config, stack, pipeline_source)
        return spec

    def warm_up(self, spec: PipelineSpec) -> None:
        """Called once a run's spec has passed its checks, before the run is recorded: start
        what `submit` will need (worker processes) so that it is ready by then. Default:
        nothing."""

    def warn_unenforced_timeouts(self, spec: PipelineSpec) -> None:
        """Say once per run that step timeouts are ignored, for orchestrators that run steps
        where they cannot be stopped (this process)."""
        timed = [f"'{inv}' ({s.timeout:g} s)" for inv, s in spec.steps.items() if s.timeout]
        if timed:
            logger.warning(
                "Step timeouts are not enforced by orchestrator '%s' (%s): it runs steps in "
                "this process, where a running step cannot be stopped. Ignoring the timeout "
                "of step(s) %s. Use the local_parallel orchestrator to enforce them.",
                self.name,
                self.flavor,
                ", ".join(timed),
            )

    @abstractmethod
    def submit(self, context: RunContext) -> RunHandle: ...
