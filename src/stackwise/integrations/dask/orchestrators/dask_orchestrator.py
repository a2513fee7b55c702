"""The Dask orchestrator: each step is one Dask task; steps downstream of a failure are skipped,
every other step still runs (or, with `fail_fast`, nothing new starts after the first failure).

A step that is the only one waiting for its upstream step is submitted with it, its task
depending on that step's task: the cluster starts it where the upstream step ran, as soon as it
ends, with no round trip through this process (a chain costs Dask's latency per task, not a
client round trip per step). Steps that wait for one step together (a fan-out) are submitted
when it has finished, so that Dask spreads them over the idle workers at once (tasks depending
on one task would all go to its worker). A task whose upstream step did not succeed returns at
once, recording nothing: that step is skipped. With `fail_fast` every step is submitted only
once its upstream steps succeeded, so that nothing starts after the first failure.

A task is `run_step_task(store_url, run_id, invocation_id, ...)`: the worker reads the spec and
the stack from the store (once per run on each worker: `step_entrypoint`), gets its upstream
steps' outputs with the task, and runs the same StepRunner as every other orchestrator; back
come the step's status, outputs and, when it failed, its own exception (pickled where it can
be, else as text: a StepReport), so the run's error names the step's real error as on `local`.
What that needs from a worker:

- the metadata store and the artifact store, at the same addresses. A SQLite store is a file:
  its workers must be on this machine (the store URL is sent as an absolute path); elsewhere
  use PostgreSQL and a remote artifact store (stack validation says so before a run).
- stackwise and the steps' code. A step is found by its source: `package.module:step` is
  imported, so the package must be installed or on the workers' PYTHONPATH; a step written in
  the script you ran (`__main__`) is recorded as `/abs/path/script.py:step` and loaded from that
  file, so keep the pipeline call under `if __name__ == "__main__":`.
- any component secrets: they are decrypted on the worker with its own key.

A step with a `timeout` runs in a child process of the Dask worker (`run_step_isolated`), since
a task's thread cannot be stopped; the child is killed if the step overruns. A task that fails
before its StepRunner records anything (the step's module does not import, the worker died)
gets a failed step run recorded by this process. A step that starts processes itself with
multiprocessing (a pool, joblib) needs workers that are not daemonic: start nanny-managed
workers with `DASK_DISTRIBUTED__WORKER__DAEMON=False` (this orchestrator's own LocalCluster
does so).

`address` unset runs the steps on this process's LocalCluster of worker processes (spawned,
with this process's environment and sys.path), started by its first such run and kept for the
next ones (`local_cluster.py`). Interrupting `wait` cancels the run's tasks not yet started; a
step already running on a worker finishes there.
"""

from __future__ import annotations

import collections
import logging
import os
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import (
    ConfigError,
    OrchestratorError,
    StepFailedError,
)
from stackwise.execution import progress
from stackwise.execution.step_entrypoint import StepReport, record_unfinished_step, run_step
from stackwise.execution.step_runner import RunContext, skip_reason
from stackwise.execution.worker_process import run_step_isolated
from stackwise.integrations.dask.flavors.dask_orchestrator_flavor import (
    DaskClusterConfig,
    DaskOrchestratorConfig,
)
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator
from stackwise.store import store_credentials

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.store.records import ArtifactVersionRecord

logger = logging.getLogger("stackwise")

S = ExecutionStatus
_SQLITE = "sqlite:///"


def worker_store_url(url: str) -> str:
    """The store URL as a worker in another folder must see it: a SQLite path made absolute."""
    if not url.startswith(_SQLITE):
        return url
    path, sep, query = url[len(_SQLITE) :].partition("?")
    if path in ("", ":memory:"):
        raise ConfigError(
            f"The metadata store '{url}' lives in this process's memory, so Dask workers cannot "
            "reach it. Use a SQLite file or PostgreSQL (STACKWISE_STORE_URL or store_url in "
            "the global config)."
        )
    return f"{_SQLITE}{os.path.abspath(path)}{sep}{query}"


def run_step_task(
    store_url: str,
    run_id: str,
    invocation_id: str,
    timeout: float | None,
    upstream: dict[str, StepReport | None],
    known: dict[str, dict[str, ArtifactVersionRecord]],
    credentials: dict[str, str | None] | None = None,
) -> StepReport | None:
    """The Dask task of a step: `run_step`, its outcome made to cross the process boundary.
    `upstream`: the reports of the upstream steps' tasks (Dask passes them in); `known`: other
    steps' outputs this process knows; `credentials`: the client's login to a server store
    (a worker's environment predates it). None: an upstream step did not succeed, so this step
    does not run (and gets no step run)."""
    from stackwise.store import adopt_store

    adopt_store(store_url, credentials)
    outputs = dict(known)
    for name, report in upstream.items():
        if report is None or not report.status.is_successful:
            return None
        outputs[name] = report.outputs
    try:
        if timeout:
            return run_step_isolated(store_url, run_id, invocation_id, timeout, outputs)
        outcome = run_step(store_url, run_id, invocation_id, outputs)
    except Exception as error:  # noqa: BLE001 - reported: this process records the failure
        return StepReport.of(invocation_id, S.FAILED, error, recorded=False)
    return StepReport.of(invocation_id, outcome.status, outcome.error, outputs=outcome.outputs)


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise ConfigError(
            f'The dask orchestrator needs Dask ({error}): pip install "stackwise[dask]"'
        ) from error
    return distributed


class DaskOrchestrator(BaseOrchestrator):
    config: DaskOrchestratorConfig
    RUNS_STEPS_ELSEWHERE = True

    def validate_in_stack(self, stack: Stack) -> list[str]:
        """A scheduler off this machine cannot use files only this machine has."""
        config = self.config
        if config.runs_on_this_machine:
            return []
        from stackwise.config.global_config import GlobalConfig
        from stackwise.stack.validation import unreachable_from_elsewhere

        elsewhere = (
            f"its scheduler {config.address} is not on this machine (only loopback "
            "addresses are), so its workers may run elsewhere"
        )
        here = (
            ", or run the scheduler and its workers here: `stackwise orchestrator update "
            f"{self.name} --address=tcp://127.0.0.1:8786`"
        )
        return unreachable_from_elsewhere(elsewhere, stack, GlobalConfig().store_url, here)

    def submit(self, context: RunContext) -> DaskRun:
        self.validate_spec(context.spec)
        store_url = worker_store_url(context.store.url)
        client, owned = self._connect()
        try:
            return DaskRun(
                client, context, store_url, fail_fast=self.config.fail_fast, owns_client=owned
            )
        except BaseException:
            if owned:
                _close(client)
            raise

    def _connect(self) -> tuple[Any, bool]:
        who, update = f"Orchestrator '{self.name}'", f"orchestrator update {self.name}"
        return connect(self.config, who, update)


def connect(config: DaskClusterConfig, who: str, update: str) -> tuple[Any, bool]:
    """A client of the configured scheduler with a worker (to close after use: True), or of
    this process's LocalCluster (kept for the next run: False). `who` and `update` (the CLI
    command changing the component) name the component in errors."""
    distributed = _import_distributed()
    where = config.address or "a new LocalCluster"
    client = None
    try:
        if config.address is None:
            from stackwise.integrations.dask.orchestrators.local_cluster import (
                local_cluster_client,
            )

            shape = (config.n_workers, config.threads_per_worker)
            return local_cluster_client(*shape, timeout=config.connect_timeout), False
        client = distributed.Client(
            config.address, set_as_default=False, timeout=config.connect_timeout
        )
        client.wait_for_workers(1, timeout=config.connect_timeout)
    except OSError as error:  # refused, unreachable, timed out
        raise OrchestratorError(
            f"{who} cannot reach the Dask scheduler at {where}: {error}. Start one (`dask "
            "scheduler`, then `dask worker ADDRESS`) or fix the address: `stackwise "
            f"{update} --address=tcp://HOST:PORT`."
        ) from error
    except TimeoutError:
        if client is not None:
            _close(client)
        raise OrchestratorError(
            f"The Dask scheduler at {where} has no worker (waited "
            f"{config.connect_timeout:g}s): start one with `dask worker {config.address}`."
        ) from None
    return client, True


def _close(client: Any) -> None:
    try:
        client.close()
    except Exception as error:  # noqa: BLE001 - closing must not hide the run's outcome
        logger.warning("Closing the Dask client failed: %s", error)


class DaskRun:
    """The handle of a run on a Dask cluster: each step's task is submitted once it may be (see
    `_submittable`); `wait` settles each step as its task ends, submits what that allows, and
    closes the client at the end if the run opened it."""

    def __init__(
        self,
        client: Any,
        context: RunContext,
        store_url: str,
        *,
        fail_fast: bool,
        owns_client: bool = True,
    ) -> None:
        from distributed import as_completed

        self._client = client
        self._owns_client = owns_client
        self._context = context
        self._spec = context.spec
        self._store_url = store_url
        self._fail_fast = fail_fast
        self._statuses: dict[str, ExecutionStatus] = {}
        self._errors: dict[str, BaseException] = {}
        self._reports: dict[str, StepReport] = {}
        self._settled: set[str] = set()  # finished, skipped or never to start
        self._considered: set[str] = set()
        self._futures: dict[str, Any] = {}  # invocation id -> its task, until settled
        self._held: dict[str, Any] = {}  # tasks that ended before their upstream steps settled
        self._keys: dict[str, str] = {}  # Dask key -> invocation id
        self._stopped_by: str | None = None  # fail_fast: the first failed step
        self._downstream: dict[str, list[str]] = {inv: [] for inv in self._spec.steps}
        for inv, step in self._spec.steps.items():
            for upstream in step.upstream:
                if upstream in self._downstream:
                    self._downstream[upstream].append(inv)
        self._queue: collections.deque[str] = collections.deque()  # steps to consider
        self._considering = False
        self._completed = as_completed(loop=client.loop)
        self._consider(list(self._spec.steps))

    @property
    def errors(self) -> dict[str, BaseException]:
        return self._errors

    def wait(self) -> dict[str, ExecutionStatus]:
        try:
            for future in self._completed:
                self._finished(future)
        finally:
            if self._owns_client:
                _close(self._client)
            else:  # the process's LocalCluster stays: only this run's tasks go
                pending = [f for f in self._futures.values() if not f.done()]
                if pending:
                    self._client.cancel(pending)
        self._errors_from_store()
        return dict(self._statuses)

    # -- scheduling ------------------------------------------------------------------
    def _submittable(self, upstream: str) -> bool:
        """Whether a step waiting for `upstream` may be submitted now: `upstream` has settled,
        or (without fail_fast) its task is submitted and this step is the only one waiting for
        it. Dask then starts this step where that one ran, as soon as it ends, with no round
        trip through this process. A step several steps wait for (a fan-out) settles here
        first: tasks that depend on one task all go to its worker, and would run there one
        after another until Dask moves them, while tasks submitted without it spread over the
        idle workers at once."""
        if upstream in self._settled:
            return True
        return (
            not self._fail_fast
            and upstream in self._futures
            and len(self._downstream[upstream]) == 1
        )

    def _consider(self, candidates: list[str]) -> None:
        """Submit, skip or leave waiting each candidate, and what that allows in turn (one
        loop, however long a chain of steps it goes down)."""
        self._queue.extend(candidates)
        if self._considering:
            return  # the loop below, further up the stack, takes them
        self._considering = True
        try:
            self._drain()
        finally:
            self._considering = False

    def _drain(self) -> None:
        queue = self._queue
        while queue:
            inv = queue.popleft()
            upstream = self._spec.steps[inv].upstream
            if inv in self._considered or not all(self._submittable(u) for u in upstream):
                continue  # considered again when an upstream step settles or is submitted
            self._considered.add(inv)
            blocked_by = next((u for u in upstream if self._failed(u)), None)
            if blocked_by is None and self._stopped_by is None:
                self._submit(inv)
            elif blocked_by is not None:
                self._skip(inv, blocked_by)
            else:
                logger.warning(
                    "Not starting step '%s': step '%s' failed and fail_fast is set.",
                    inv,
                    self._stopped_by,
                )
                self._settle(inv, None)
            queue.extend(self._downstream[inv])

    def _failed(self, inv: str) -> bool:
        """The step settled without succeeding (failed, or skipped)."""
        status = self._statuses.get(inv)
        return inv in self._settled and (status is None or not status.is_successful)

    def _submit(self, inv: str) -> None:
        step = self._spec.steps[inv]
        # Dask groups tasks by their key's first word and learns each group's duration, which
        # it spreads tasks over the workers by: one group per step function, not one for all
        function = step.source.rpartition(":")[2].replace(".", "_")
        key = f"{function}-{self._context.run.id}-{inv}"
        self._keys[key] = inv
        producers = {s.step for s in step.inputs.values() if s.step is not None}
        # Dask hands this task the report of each upstream task still running
        upstream = {u: self._futures[u] for u in step.upstream if u not in self._settled}
        outputs = {u: dict(r.outputs) for u, r in self._reports.items() if u in producers}
        for u in producers - outputs.keys() - upstream.keys():  # a resumed run's reused steps
            if u in self._context.outputs:
                outputs[u] = dict(self._context.outputs[u])
        future = self._client.submit(
            run_step_task,
            self._store_url,
            self._context.run.id,
            inv,
            step.timeout,
            upstream,
            outputs,
            store_credentials(self._context.store),
            key=key,
            pure=False,
        )
        self._futures[inv] = future
        self._completed.add(future)

    def _finished(self, future: Any) -> None:
        inv = self._keys[future.key]
        if not all(u in self._settled for u in self._spec.steps[inv].upstream):
            self._held[inv] = future  # settled once its upstream steps are (see _settle)
            return
        self._futures.pop(inv, None)
        try:
            outcome: StepReport | BaseException | None = future.result()
        except Exception as task_error:  # noqa: BLE001 - the task failed: reported as the step's
            outcome = task_error
        future.release()
        if not isinstance(outcome, StepReport):  # it did not run (or ran into trouble)
            blocked_by = skip_reason(self._spec, inv, self._statuses.get)
            if blocked_by is not None:  # an upstream step failed: its error reached this task
                self._skip(inv, blocked_by)
                return
            problem = outcome or RuntimeError("its task saw an upstream step fail")
            self._settle(inv, self._unrecorded(inv, self._task_error(inv, problem)))
            return
        error = outcome.error()
        if not outcome.recorded:
            problem = error or RuntimeError("its task reported no error")
            self._settle(inv, self._unrecorded(inv, self._task_error(inv, problem)))
            return
        if error is not None and outcome.status == S.FAILED:
            self._errors[inv] = error
        self._reports[inv] = outcome
        self._settle(inv, outcome.status)

    def _skip(self, inv: str, blocked_by: str) -> None:
        logger.warning("Skipping step '%s': upstream step '%s' did not succeed.", inv, blocked_by)
        self._settle(inv, None)

    def _settle(self, inv: str, status: ExecutionStatus | None) -> None:
        """The step ended (`status`), or never runs (None); its downstream steps go on."""
        self._settled.add(inv)
        if status is not None:
            self._statuses[inv] = status
            progress.step_finished(inv, status, self._errors.get(inv))  # ran elsewhere
            if not status.is_successful and self._fail_fast and self._stopped_by is None:
                self._stopped_by = inv
        for downstream in self._downstream[inv]:
            held = self._held.get(downstream)
            upstream = self._spec.steps[downstream].upstream
            if held is not None and all(u in self._settled for u in upstream):
                del self._held[downstream]
                self._finished(held)
        self._consider(self._downstream[inv])

    # -- errors ----------------------------------------------------------------------
    def _unrecorded(self, inv: str, error: StepFailedError) -> ExecutionStatus:
        """Record the failure of a task that ended before its StepRunner recorded it (a step
        run the worker did finish keeps its status)."""
        status = record_unfinished_step(
            self._context.store, self._context.run.id, self._spec.steps[inv], error
        )
        if status == S.FAILED:
            self._errors[inv] = error
        return status

    @staticmethod
    def _task_error(inv: str, error: BaseException) -> StepFailedError:
        """The task raised before the StepRunner could record anything (import, worker lost)."""
        hint = ""
        if isinstance(error, ImportError):
            hint = (
                " Every worker must import the step's module: install its package there "
                "or put its folder on the workers' PYTHONPATH."
            )
        return StepFailedError(
            f"Step '{inv}' could not run on a Dask worker: {type(error).__name__}: {error}.{hint}",
            step=inv,
            original=error,
        )

    def _errors_from_store(self) -> None:
        """The failures only the store knows (a report whose error did not travel), as errors
        of this process (one read)."""
        missing = {
            inv for inv, s in self._statuses.items() if s == S.FAILED and inv not in self._errors
        }
        if not missing:
            return
        for step_run in self._context.store.list_step_runs(self._context.run.id):
            info = step_run.exception_info
            if step_run.name in missing and step_run.status == S.FAILED and info:
                kind = str(info.get("type", "Exception")).rsplit(".", 1)[-1]
                self._errors[step_run.name] = StepFailedError(
                    f"{kind}: {info.get('message', '')}", step=step_run.name
                )
