"""The Dask orchestrator: each step is one Dask task, submitted as soon as its upstream steps
succeeded; steps downstream of a failure are skipped, every other step still runs (or, with
`fail_fast`, nothing new starts after the first failure).

A task is `run_step_report(store_url, run_id, invocation_id)`: the worker reads the spec, the
stack and the upstream outputs from the store and runs the same StepRunner as every other
orchestrator, so only three strings travel to the worker; back come the step's status and, when
it failed, its own exception (pickled where it can be, else as text: the StepReport of
`local_parallel`), so the run's error names the step's real error as on `local`.
What that needs from a worker:

- the metadata store and the artifact store, at the same addresses. A SQLite store is a file:
  its workers must be on this machine (the store URL is sent as an absolute path); elsewhere
  use PostgreSQL and a remote artifact store (stack validation says so before a run).
- stackwise and the steps' code. A step is found by its source: `package.module:step` is
  imported, so the package must be installed or on the workers' PYTHONPATH; a step written in
  the script you ran (`__main__`) is recorded as `/abs/path/script.py:step` and loaded from that
  file, so keep the pipeline call under `if __name__ == "__main__":`.
- any component secrets: they are decrypted on the worker with its own key.

A step with a `timeout` runs in a child process of the Dask worker
(`run_step_status_isolated`), since a task's thread cannot be stopped; the child is killed if
the step overruns. A task that fails before its StepRunner records anything (the step's module
does not import, the worker died) gets a failed step run recorded by this process. A step that
starts processes itself with multiprocessing (a pool, joblib) needs workers that are not
daemonic: start nanny-managed workers with `DASK_DISTRIBUTED__WORKER__DAEMON=False` (this
orchestrator's own LocalCluster does so).

`address` unset starts a LocalCluster of worker processes (spawned, with this process's
environment and sys.path) for the run and closes it after. Interrupting `wait` closes the client,
which releases every task not yet started; a step already running on a worker finishes there.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ConfigError, StackwiseError, StepFailedError
from stackwise.execution import progress
from stackwise.execution.step_runner import RunContext, skip_reason
from stackwise.execution.worker import (
    StepReport,
    record_unfinished_step,
    run_step,
    run_step_status_isolated,
)
from stackwise.integrations.dask.flavors.dask_orchestrator_flavor import DaskOrchestratorConfig
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack

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


def run_step_report(store_url: str, run_id: str, invocation_id: str) -> StepReport:
    """The Dask task of a step: `run_step`, its outcome made to cross the process boundary."""
    outcome = run_step(store_url, run_id, invocation_id)
    return StepReport.of(invocation_id, outcome.status, outcome.error)


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

        elsewhere = (
            f"its scheduler {config.address} is not on this machine (only loopback "
            "addresses are), so its workers may run elsewhere"
        )
        problems = []
        global_config = GlobalConfig()
        store_url = global_config.store_url
        if store_url.startswith("sqlite"):
            problems.append(
                f"{elsewhere}, but the metadata store is the SQLite file {store_url}, which "
                "they cannot open. Use a shared database (store_url: postgresql://... in "
                f"{global_config.config_path}), or run the scheduler and its workers here: "
                f"`stackwise orchestrator update {self.name} --address=tcp://127.0.0.1:8786`."
            )
        try:
            artifact_store = stack.artifact_store
        except StackwiseError:  # reported by the stack's own checks
            artifact_store = None
        if artifact_store is not None and (
            artifact_store.is_local or not artifact_store.config.is_remote
        ):
            problems.append(
                f"{elsewhere}, but artifact store '{artifact_store.name}' "
                f"({artifact_store.flavor}) keeps artifacts in a folder of this machine. Use a "
                "remote artifact store: `stackwise artifact-store register NAME --flavor=s3 "
                f"--path=s3://BUCKET`, then `stackwise stack update {stack.name} -a NAME`."
            )
        return problems

    def submit(self, context: RunContext) -> DaskRun:
        self.validate_spec(context.spec)
        store_url = worker_store_url(context.store.url)
        client, cluster = self._connect()
        try:
            return DaskRun(client, cluster, context, store_url, fail_fast=self.config.fail_fast)
        except BaseException:
            _close(client, cluster)
            raise

    def _connect(self) -> tuple[Any, Any]:
        """A client of the configured scheduler (or of a new LocalCluster) with a worker."""
        distributed = _import_distributed()
        config = self.config
        cluster = None
        where = config.address or "a new LocalCluster"
        try:
            if config.address is None:
                import dask

                # non-daemonic workers let steps start processes (multiprocessing, joblib)
                with dask.config.set({"distributed.worker.daemon": False}):
                    cluster = distributed.LocalCluster(
                        n_workers=config.n_workers,
                        threads_per_worker=config.threads_per_worker,
                        processes=True,
                        host="127.0.0.1",
                        scheduler_port=0,
                        dashboard_address=None,
                        worker_dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
            client = distributed.Client(
                cluster or config.address, set_as_default=False, timeout=config.connect_timeout
            )
        except OSError as error:  # refused, unreachable, timed out
            _close(None, cluster)
            raise StackwiseError(
                f"Orchestrator '{self.name}' cannot reach the Dask scheduler at {where}: "
                f"{error}. Start one (`dask scheduler`, then `dask worker ADDRESS`) or fix the "
                f"address: `stackwise orchestrator update {self.name} --address=tcp://HOST:PORT`."
            ) from error
        try:
            client.wait_for_workers(1, timeout=config.connect_timeout)
        except TimeoutError:
            _close(client, cluster)
            raise StackwiseError(
                f"The Dask scheduler at {where} has no worker (waited "
                f"{config.connect_timeout:g}s): start one with `dask worker {config.address}`."
            ) from None
        return client, cluster


def _close(client: Any, cluster: Any) -> None:
    for closable in (client, cluster):
        if closable is not None:
            try:
                closable.close()
            except Exception as error:  # noqa: BLE001 - closing must not hide the run's outcome
                logger.warning("Closing the Dask %s failed: %s", type(closable).__name__, error)


class DaskRun:
    """The handle of a run on a Dask cluster. Its root steps are submitted at once; `wait`
    submits each further step as its upstream steps succeed, then closes the client."""

    def __init__(
        self, client: Any, cluster: Any, context: RunContext, store_url: str, *, fail_fast: bool
    ) -> None:
        from distributed import as_completed

        self._client = client
        self._cluster = cluster
        self._context = context
        self._spec = context.spec
        self._store_url = store_url
        self._fail_fast = fail_fast
        self._statuses: dict[str, ExecutionStatus] = {}
        self._errors: dict[str, BaseException] = {}
        self._settled: set[str] = set()  # finished, skipped or never to start
        self._considered: set[str] = set()
        self._keys: dict[str, str] = {}  # Dask key -> invocation id
        self._stopped_by: str | None = None  # fail_fast: the first failed step
        self._downstream: dict[str, list[str]] = {inv: [] for inv in self._spec.steps}
        for inv, step in self._spec.steps.items():
            for upstream in step.upstream:
                if upstream in self._downstream:
                    self._downstream[upstream].append(inv)
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
            _close(self._client, self._cluster)
        self._errors_from_store()
        return dict(self._statuses)

    # -- scheduling ------------------------------------------------------------------
    def _consider(self, candidates: list[str]) -> None:
        """Submit, skip or leave waiting each candidate whose upstream steps have settled."""
        for inv in candidates:
            if inv in self._considered:
                continue
            if not all(u in self._settled for u in self._spec.steps[inv].upstream):
                continue  # considered again when its last upstream step settles
            self._considered.add(inv)
            blocked_by = skip_reason(self._spec, inv, self._statuses.get)
            if blocked_by is None and self._stopped_by is None:
                self._submit(inv)
                continue
            if blocked_by is not None:
                logger.warning(
                    "Skipping step '%s': upstream step '%s' did not succeed.", inv, blocked_by
                )
            else:
                logger.warning(
                    "Not starting step '%s': step '%s' failed and fail_fast is set.",
                    inv,
                    self._stopped_by,
                )
            self._settled.add(inv)
            self._consider(self._downstream[inv])

    def _submit(self, inv: str) -> None:
        key = f"stackwise-{self._context.run.id}-{inv}"
        self._keys[key] = inv
        args = (self._store_url, self._context.run.id, inv)
        timeout = self._spec.steps[inv].timeout
        if timeout:
            future = self._client.submit(
                run_step_status_isolated, *args, timeout, key=key, pure=False
            )
        else:
            future = self._client.submit(run_step_report, *args, key=key, pure=False)
        self._completed.add(future)

    def _finished(self, future: Any) -> None:
        inv = self._keys[future.key]
        try:
            result = future.result()
        except Exception as error:  # noqa: BLE001 - the task itself failed: reported as the step's
            status = self._unrecorded(inv, self._task_error(inv, error))
        else:
            if isinstance(result, StepReport):
                status = result.status
                error = result.error()
                if error is not None and status == S.FAILED:
                    self._errors[inv] = error
            else:  # run_step_status_isolated: the error is read from the store at the end
                status = S(result)
        future.release()
        self._statuses[inv] = status
        progress.step_finished(inv, status, self._errors.get(inv))  # ran on a worker: no timing
        self._settled.add(inv)
        if not status.is_successful and self._fail_fast and self._stopped_by is None:
            self._stopped_by = inv
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
        """The failures only the store knows (a step with a timeout reports its status only),
        as errors of this process (one read)."""
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
