"""Orchestrators decide where and when each step of a run executes. `submit` starts a run and
returns a handle; `handle.wait()` returns each step's final status."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar, Protocol

from stackwise.enums import ExecutionStatus, StackComponentType
from stackwise.execution.step_runner import RunContext
from stackwise.stack.stack_component import StackComponent


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

    @abstractmethod
    def submit(self, context: RunContext) -> RunHandle: ...
