"""Walking a remote run's DAG from inside the engine: what an orchestrator pod (or any process
that starts one container per step) does. Each step's task is started through a `StepLauncher`
(a Kubernetes pod launcher, or local subprocesses in tests) as soon as every step it waits for
has succeeded, at most `max_parallelism` at a time; steps downstream of a failure are skipped
(no step run) while independent branches go on, as on `local`.

A step's process records its own outcome in the store. When one ends without a recorded end
(exit status other than 0 and no failed step run: the pod was evicted, OOM-killed, its image
did not pull, stackwise did not start), it is started again up to the step's `max_retries`
(its `retry` config; the step's own exceptions are retried inside its process), then failed
here with what the launcher says. When every step has settled, the run is finished here if no
step process finished it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import StepFailedError
from stackwise.orchestrators.containerized_orchestrator import RemoteRun, StepTask

if TYPE_CHECKING:
    from stackwise.store.base import Store

logger = logging.getLogger("stackwise")

S = ExecutionStatus


class LaunchedStep(Protocol):
    def poll(self) -> int | None:
        """The exit status of the step's process once it ended, else None."""
        ...

    def describe(self) -> str:
        """How it ended, for an error (the pod's reason, the last lines of its output)."""
        ...


class StepLauncher(Protocol):
    def launch(self, task: StepTask, attempt: int) -> LaunchedStep:
        """Start `task`'s command (attempt 1, 2, ...) and return at once."""
        ...


class RemoteDagWalk:
    """One walk over a remote run's tasks; `run()` returns each step's final status."""

    def __init__(
        self,
        remote: RemoteRun,
        launcher: StepLauncher,
        store: Store,
        *,
        max_parallelism: int | None = None,
        poll_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.remote, self.launcher, self.store = remote, launcher, store
        self.max_parallelism, self.poll_seconds, self.sleep = max_parallelism, poll_seconds, sleep
        self.tasks = {t.invocation_id: t for t in remote.tasks}
        self.statuses: dict[str, ExecutionStatus] = {}
        self.skipped: set[str] = set()
        self.running: dict[str, tuple[LaunchedStep, int]] = {}

    def run(self) -> dict[str, ExecutionStatus]:
        pending = list(self.tasks)  # topological order
        while pending or self.running:
            for inv in list(pending):
                blocked_by = self._blocked_by(inv)
                if blocked_by is not None:
                    pending.remove(inv)
                    self.skipped.add(inv)
                    logger.warning(
                        "Skipping step '%s': upstream step '%s' did not succeed.", inv, blocked_by
                    )
                elif self._ready(inv) and self._has_room():
                    pending.remove(inv)
                    self.running[inv] = (self.launcher.launch(self.tasks[inv], 1), 1)
            if self.running:
                self.sleep(self.poll_seconds)
                self._collect()
        self._finish_run()
        return dict(self.statuses)

    def _blocked_by(self, inv: str) -> str | None:
        for upstream in self.tasks[inv].upstream:
            status = self.statuses.get(upstream)
            if upstream in self.skipped or (status is not None and not status.is_successful):
                return upstream
        return None

    def _ready(self, inv: str) -> bool:
        return all(u in self.statuses for u in self.tasks[inv].upstream)

    def _has_room(self) -> bool:
        return self.max_parallelism is None or len(self.running) < self.max_parallelism

    def _collect(self) -> None:
        for inv, (launched, attempt) in list(self.running.items()):
            code = launched.poll()
            if code is None:
                continue
            del self.running[inv]
            recorded = self._recorded_status(inv)
            if code == 0 and recorded is not None and recorded.is_successful:
                self.statuses[inv] = recorded
            elif recorded == S.FAILED:  # the step failed and said why
                self.statuses[inv] = S.FAILED
            elif attempt <= self.tasks[inv].max_retries:
                logger.warning(
                    "Step '%s' ended without recording its outcome (attempt %d: %s); starting "
                    "it again.",
                    inv,
                    attempt,
                    launched.describe(),
                )
                self.running[inv] = (
                    self.launcher.launch(self.tasks[inv], attempt + 1),
                    attempt + 1,
                )
            else:
                self.statuses[inv] = self._fail_unrecorded(inv, code, launched)

    def _recorded_status(self, inv: str) -> ExecutionStatus | None:
        runs = [s for s in self.store.list_step_runs(self.remote.run_id) if s.name == inv]
        return S(runs[-1].status) if runs else None

    def _fail_unrecorded(self, inv: str, code: int, launched: LaunchedStep) -> ExecutionStatus:
        from stackwise.execution.step_entrypoint import record_unfinished_step
        from stackwise.models.pipeline_spec import PipelineSpec

        error = StepFailedError(
            f"Step '{inv}' ended (exit status {code}) without recording its outcome: "
            f"{launched.describe()}",
            step=inv,
        )
        spec = PipelineSpec.from_dict(self.store.get_run(self.remote.run_id).spec)
        return record_unfinished_step(self.store, self.remote.run_id, spec.steps[inv], error)

    def _finish_run(self) -> None:
        """Record the run's end, unless a step process did."""
        run = self.store.get_run(self.remote.run_id)
        if S(run.status).is_finished:
            return
        ok = all(self.statuses.get(inv, S.FAILED).is_successful for inv in self.tasks)
        self.store.finish_run(self.remote.run_id, str(S.COMPLETED if ok else S.FAILED))
