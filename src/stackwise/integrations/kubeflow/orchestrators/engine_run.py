"""The handle of a run submitted to a remote engine that is waited for through the engine's
own SDK (`synchronous`): when the engine says the run ended, every step process has ended, so
the steps' statuses are then read from the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from stackwise.enums import ExecutionStatus

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext


class EngineRun:
    """Wait with `wait_for_engine`, then report the steps as the store has them."""

    detached = True  # the step processes record the run's end, not this one

    def __init__(self, context: RunContext, wait_for_engine: Callable[[], object]) -> None:
        self.context, self.wait_for_engine = context, wait_for_engine

    def wait(self) -> dict[str, ExecutionStatus]:
        self.wait_for_engine()
        store, run_id = self.context.store, self.context.run.id
        return {s.name: ExecutionStatus(s.status) for s in store.list_step_runs(run_id)}

    @property
    def errors(self) -> dict[str, BaseException]:
        return {}
