"""The `local_parallel` orchestrator: steps that do not wait for each other run at the same
time, each in a worker process of this machine.

Process model: up to `max_workers` worker processes (`StepWorker`: fresh interpreters, never
forks), as many as the widest level of the DAG started as soon as the run's spec is known
(`warm_up`, before the run is recorded), more when more steps are ready at once, each reused
for the run's next steps and, once the run ends, kept warm for this process's next run
(`stackwise.execution.worker_pool`; a run of another `max_workers` starts its own). A step is
sent to a free worker as soon as every step it waits for (its inputs and `after=`) has
succeeded; the worker runs it with the same StepRunner as every orchestrator, reading what it
needs from the store, so results and metadata are the same as on `local`. Not a
ProcessPoolExecutor: that can neither stop one task nor survive losing a worker, and this
orchestrator must do both — a step that overruns its `timeout` is stopped (see
`stackwise.execution.worker_process`), and a worker that dies mid-step fails that step only; a
fresh worker takes the next one.

Failures follow ZenML: by default steps downstream of a failed step get no step run and every
independent branch still completes; with `fail_fast` nothing new starts after the first
failure (steps already running finish).

Everything runs in the one thread that calls `wait`: it sleeps until a worker reports, dies, or
a step's hard deadline passes. POSIX only (Linux, macOS): the workers are POSIX processes.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from multiprocessing.connection import wait as wait_for_any
from typing import TYPE_CHECKING

from pydantic import Field

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import StepFailedError, StepTimeoutError, WorkerStartError
from stackwise.execution import progress
from stackwise.execution.step_entrypoint import StepReport, record_unfinished_step
from stackwise.execution.step_runner import RunContext
from stackwise.execution.worker_pool import POOL
from stackwise.execution.worker_process import StepTask, StepWorker, worker_died
from stackwise.models.pipeline_spec import PipelineSpec
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator
from stackwise.stack.stack_component import StackComponentConfig
from stackwise.store.records import ArtifactVersionRecord

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack

logger = logging.getLogger("stackwise")

S = ExecutionStatus


class LocalParallelOrchestratorConfig(StackComponentConfig):
    max_workers: int | None = Field(
        default=None,
        ge=1,
        description="Steps running at once, each in its own worker process (default: the "
        "number of CPUs).",
    )
    fail_fast: bool = Field(
        default=False,
        description="Start no new step after the first failure (default: like ZenML, "
        "independent branches continue).",
    )


class LocalParallelOrchestrator(BaseOrchestrator):
    config: LocalParallelOrchestratorConfig
    RUNS_STEPS_ELSEWHERE = True

    def validate_in_stack(self, stack: Stack) -> list[str]:
        if os.name != "posix":
            return [
                "local_parallel runs steps in POSIX worker processes, which this system "
                "does not have; use the local orchestrator here: "
                f"`stackwise stack update {stack.name} -o default`."
            ]
        return []

    @property
    def max_workers(self) -> int:
        return self.config.max_workers or os.cpu_count() or 1

    def warm_up(self, spec: PipelineSpec) -> None:
        """Start the workers the run will want while it is being recorded (a worker that
        cannot start is `submit`'s to report)."""
        try:
            POOL.prestart(_widest_level(spec), self.max_workers)
        except OSError as error:
            logger.debug("Could not start worker processes ahead of the run: %s", error)

    def submit(self, context: RunContext) -> ParallelRun:
        self.validate_spec(context.spec)
        run = ParallelRun(context, max_workers=self.max_workers, fail_fast=self.config.fail_fast)
        try:
            run.dispatch()
            run.start_workers(_widest_level(context.spec))
        except BaseException:
            run.abandon("the run could not start")
            raise
        return run


def _widest_level(spec: PipelineSpec) -> int:
    """The most steps at one depth (longest path from a first step): about how many can run at
    once, so that many workers start with the run instead of one by one as steps get ready."""
    depth: dict[str, int] = {}
    for inv, step in spec.steps.items():  # topological order
        depth[inv] = 1 + max((depth[u] for u in step.upstream if u in depth), default=-1)
    return max(Counter(depth.values()).values(), default=1)


class ParallelRun:
    """The handle of a run on worker processes: `submit` starts the first steps, `wait` sends
    each further step to a worker as its upstream steps succeed, then stops the workers."""

    def __init__(self, context: RunContext, *, max_workers: int, fail_fast: bool) -> None:
        self._context = context
        self._spec = context.spec
        self._store_url = context.store.url
        self._max_workers = max_workers
        self._fail_fast = fail_fast
        self._pending = list(self._spec.steps)  # topological order
        self._ready: list[str] = []
        self._blocked: set[str] = set()
        self._statuses: dict[str, ExecutionStatus] = {}
        self._errors: dict[str, BaseException] = {}
        self._outputs: dict[str, dict[str, ArtifactVersionRecord]] = dict(context.outputs)
        self._workers: list[StepWorker] = POOL.take(max_workers)  # warm ones, if any
        self._stopped_by: str | None = None  # fail_fast: the first failed step
        self._finished = False

    @property
    def errors(self) -> dict[str, BaseException]:
        return self._errors

    def wait(self) -> dict[str, ExecutionStatus]:
        if self._finished:
            return dict(self._statuses)
        try:
            self.dispatch()
            while self._busy():
                self._handle_events()
                self.dispatch()
        except BaseException as error:
            self.abandon(f"the orchestrator stopped ({type(error).__name__})")
            raise
        finally:
            self._finished = True
            POOL.give_back(self._workers, self._max_workers)  # all idle now
            self._workers = []
        if self._ready or self._pending:
            logger.warning(
                "Not starting step(s) %s: step '%s' failed and fail_fast is set.",
                ", ".join(self._ready + self._pending),
                self._stopped_by,
            )
        return dict(self._statuses)

    # -- scheduling ------------------------------------------------------------------
    def _busy(self) -> bool:
        """A step is running, or queued steps wait for workers that are starting."""
        if any(w.task is not None for w in self._workers):
            return True
        return bool(self._ready) and self._stopped_by is None and bool(self._workers)

    def dispatch(self) -> None:
        """Queue the steps whose upstream steps succeeded, skip those behind a failure, send
        queued steps to free workers and start workers while more steps are queued."""
        for inv in list(self._pending):
            ready, blocked_by = self._upstream_state(inv)
            if blocked_by is not None:
                self._pending.remove(inv)
                self._blocked.add(inv)
                logger.warning(
                    "Skipping step '%s': upstream step '%s' did not succeed.", inv, blocked_by
                )
            elif ready:
                self._pending.remove(inv)
                self._ready.append(inv)
        if self._stopped_by is not None:
            return
        free = [w for w in self._workers if w.ready and w.task is None]
        while self._ready and free:
            self._send(free.pop(), self._ready.pop(0))
        starting = sum(not w.ready for w in self._workers)
        while len(self._ready) > starting and len(self._workers) < self._max_workers:
            self._workers.append(StepWorker())
            starting += 1

    def start_workers(self, count: int) -> None:
        """Start workers now, up to `count` (and max_workers), before steps need them."""
        while len(self._workers) < min(count, self._max_workers):
            self._workers.append(StepWorker())

    def _upstream_state(self, inv: str) -> tuple[bool, str | None]:
        """(all upstream steps succeeded, the upstream step that rules this one out)."""
        ready = True
        for upstream in self._spec.steps[inv].upstream:
            status = self._statuses.get(upstream)
            if upstream in self._blocked or (status is not None and not status.is_successful):
                return False, upstream
            ready = ready and status is not None
        return ready, None

    def _send(self, worker: StepWorker, inv: str) -> None:
        spec = self._spec.steps[inv]
        producers = {s.step for s in spec.inputs.values() if s.step is not None}
        upstream = {u: self._outputs[u] for u in producers if u in self._outputs}
        task = StepTask(
            self._store_url,
            self._context.run.id,
            inv,
            spec.timeout,
            upstream,
            forward_output=progress.forwards_output(),
        )
        try:
            worker.send(task)
        except OSError:  # it died while idle: the step waits for another worker
            worker.task = None
            self._ready.insert(0, inv)
            self._retire(worker, kill=True)

    # -- events ----------------------------------------------------------------------
    def _handle_events(self) -> None:
        """Wait for a report, a worker's end or a deadline (and look at the workers each
        second: one that died may leave its connection open to a step's child process)."""
        left = [t for t in (w.time_left() for w in self._workers) if t is not None]
        readable = wait_for_any([w.conn for w in self._workers], timeout=min([1.0, *left]))
        for worker in list(self._workers):
            if worker.conn in readable or not worker.alive():
                self._service(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.task is not None and worker.deadline is not None and now >= worker.deadline:
                inv, error = worker.task.invocation_id, worker.overran()
                self._retire(worker, kill=True)
                self._fail_unrecorded(inv, error)

    def _service(self, worker: StepWorker) -> None:
        try:
            report = worker.receive()
        except (EOFError, OSError):  # the worker is gone
            task = worker.task
            how = worker.ended()
            self._retire(worker, kill=True)
            if task is not None:
                self._fail_unrecorded(task.invocation_id, worker_died(task.invocation_id, how))
            elif not worker.ready:
                raise WorkerStartError(
                    f"The local_parallel orchestrator could not start a worker process ({how}); "
                    "its error output is above."
                ) from None
            return
        if report is not None:
            self._finish(worker, report)

    def _finish(self, worker: StepWorker, report: StepReport) -> None:
        error = report.error()
        if isinstance(error, StepTimeoutError) or not report.recorded:
            self._retire(worker)  # the step was cut short: its worker's state is suspect
        if not report.recorded:
            assert error is not None
            self._fail_unrecorded(report.invocation_id, error)
            return
        if error is not None and report.status == S.FAILED:
            self._errors[report.invocation_id] = error
        self._settle(report.invocation_id, report.status, report.outputs)

    def _fail_unrecorded(self, inv: str, error: BaseException) -> None:
        """A step whose worker could not record its end: record it here."""
        status = record_unfinished_step(
            self._context.store, self._context.run.id, self._spec.steps[inv], error
        )
        if status == S.FAILED:
            self._errors[inv] = error
        progress.step_finished(inv, status, error if status == S.FAILED else None)
        self._settle(inv, status, None)

    def _settle(
        self, inv: str, status: ExecutionStatus, outputs: dict[str, ArtifactVersionRecord] | None
    ) -> None:
        self._statuses[inv] = status
        if outputs:
            self._outputs[inv] = outputs
        if status == S.FAILED and self._fail_fast and self._stopped_by is None:
            self._stopped_by = inv

    def _retire(self, worker: StepWorker, *, kill: bool = False) -> None:
        self._workers.remove(worker)
        worker.stop(kill=kill)

    def abandon(self, why: str) -> None:
        """Kill the workers and fail the steps they were running (the run is ending)."""
        for worker in list(self._workers):
            task = worker.task
            self._retire(worker, kill=True)
            if task is not None:
                inv = task.invocation_id
                try:
                    self._fail_unrecorded(
                        inv,
                        StepFailedError(f"Step '{inv}' was stopped: {why} while it ran.", step=inv),
                    )
                except Exception as error:  # noqa: BLE001 - keep the original error visible
                    logger.warning("Could not record that step '%s' was stopped: %s", inv, error)
