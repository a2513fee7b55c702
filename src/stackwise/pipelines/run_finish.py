"""Running a recorded run's steps and finishing it: the one path `Pipeline.run` (run_launch.py,
dynamic runs included) and resume/replay (resume.py) share, so the rule that decides a run's
status, the hooks around its steps, its log capture, the record of its end and its summary
cannot drift apart between them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.execution.liveness import Heartbeat
from stackwise.execution.run_end import finish_run, run_status
from stackwise.execution.step_runner import RunContext
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.pipelines.run_failure import run_failure

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.execution.progress import RunProgress
    from stackwise.execution.step_logs import LogCapture
    from stackwise.store.base import Store
    from stackwise.store.records import RunRecord

logger = logging.getLogger("stackwise")

Execute = Callable[[RunContext], tuple[dict[str, ExecutionStatus], dict[str, BaseException]]]


@dataclass(frozen=True)
class RunHooks:
    """The pipeline's `on_init` (with its kwargs) and `on_cleanup`, called in the launching
    process around the steps; the init hook's value is every step's `pipeline_state`."""

    on_init: Callable[..., Any] | None = None
    init_kwargs: Mapping[str, Any] = field(default_factory=dict)
    on_cleanup: Callable[[], Any] | None = None


def pipeline_logs(config: dict[str, Any], artifact_store: BaseArtifactStore) -> LogCapture | None:
    """The capture of a new run's own output, its place recorded in `config` (created with
    the run), or None when the run's configuration or STACKWISE_DISABLE_PIPELINE_LOGS_STORAGE
    turns it off."""
    from stackwise.execution.step_logs import LogCapture, logs_uri, pipeline_logs_disabled
    from stackwise.utils.ids import new_id

    config["logs_uri"] = None
    config.pop("logs_id", None)  # a resumed run's config starts as the old run's
    if config.get("enable_pipeline_logs") is False or pipeline_logs_disabled():
        return None
    log_id = new_id()
    config["logs_uri"] = logs_uri(artifact_store, log_id)
    config["logs_id"] = log_id
    config["logs_artifact_store_id"] = artifact_store.id
    return LogCapture(artifact_store, config["logs_uri"])


def run_to_end(
    store: Store,
    run: RunRecord,
    pipeline_name: str,
    progress: RunProgress,
    prepare: Callable[[], RunContext],
    *,
    execute: Execute | None = None,
    hooks: RunHooks | None = None,
    capture: LogCapture | None = None,
    tags: Sequence[Any] = (),
) -> PipelineRunResponse:
    """Run the recorded run `run` to its end and record it; raise PipelineRunFailedError
    unless it completed (`run_status`).

    Inside the progress view, the log capture and the run's heartbeat: the init hook, then
    `prepare()` (what must be recorded before the first step; returns the context the steps
    share), `execute(context)` (the orchestrator by default), the cleanup hook (also when the
    steps raise). The run's end is recorded whatever happens; while an error propagates, a
    failure to record it is logged, never raised in its place.
    """
    hooks = hooks or RunHooks()
    status = ExecutionStatus.FAILED
    failed: list[str] = []
    errors: dict[str, BaseException] = {}
    raising = True  # until the steps ran: what finishes the run must not hide the error
    detached: list[bool] = []  # set by the orchestrator's handle: its step processes finish it
    try:
        with ExitStack() as scope:
            scope.enter_context(progress)  # before the capture: it keeps what the view prints
            if capture is not None:
                scope.enter_context(capture)
            scope.enter_context(Heartbeat(store, run.id))  # liveness.py
            state = _call_run_hook(hooks.on_init, "on_init", pipeline_name, **hooks.init_kwargs)
            try:
                context = prepare()
                context.pipeline_state, context.init_done = state, True
                if execute is None:
                    statuses, errors = _submit(context, detached)
                else:
                    statuses, errors = execute(context)
            except BaseException:
                _cleanup_hook_quietly(hooks.on_cleanup, pipeline_name)
                raise
            _call_run_hook(hooks.on_cleanup, "on_cleanup", pipeline_name)
            status = run_status(statuses, context.spec.steps)
            if detached:
                status = ExecutionStatus.RUNNING
            failed = [inv for inv, s in statuses.items() if s.is_failed]
            progress.final_status = status  # its summary says what the rule decided
            if detached:  # the steps record the run's end; say what stands now
                progress.final_status = store.get_run(run.id).status
        raising = False
    finally:
        if not (detached and not raising):  # a detached run's steps record its end
            finish_run(store, run.id, status, tags, raising=raising)
    result = PipelineRunResponse.from_record(store.get_run(run.id), store)
    if detached:
        return _detached_result(result, store)
    if status != ExecutionStatus.COMPLETED:
        raise run_failure(result, failed, errors)
    return result


def _call_run_hook(hook: Any, kind: str, pipeline_name: str, **kwargs: Any) -> Any:
    if hook is None:
        return None
    logger.info("Running the %s hook of pipeline '%s'.", kind, pipeline_name)
    return hook(**kwargs)


def _submit(
    context: RunContext, detached: list[bool]
) -> tuple[dict[str, ExecutionStatus], dict[str, BaseException]]:
    """Run every step of the compiled spec on the stack's orchestrator; wait for the end.
    A handle that is `detached` (the run goes on without this process, its step processes
    record its end) is noted in `detached`."""
    handle = context.stack.orchestrator.submit(context)
    if getattr(handle, "detached", False):
        detached.append(True)
    statuses = handle.wait()
    return statuses, handle.errors


def _detached_result(result: PipelineRunResponse, store: Store) -> PipelineRunResponse:
    """A detached run as it stands: still running (say how to follow it), or ended (a
    handle that waited) — raising as any run does unless it completed."""
    status = ExecutionStatus(result.status)
    if not status.is_finished:
        logger.info(
            "Run '%s' was submitted and goes on without this process. Follow it with "
            "`stackwise pipeline runs logs %s --follow`; its status: `stackwise pipeline runs "
            "describe %s`.",
            result.name,
            result.name,
            result.name,
        )
        return result
    if status != ExecutionStatus.COMPLETED:
        steps = store.list_step_runs(str(result.id))
        failed = [s.name for s in steps if ExecutionStatus(s.status).is_failed]
        raise run_failure(result, failed, {})
    return result


def _cleanup_hook_quietly(hook: Any, pipeline_name: str) -> None:
    """The on_cleanup hook while the run's own error propagates: its failure is logged."""
    try:
        _call_run_hook(hook, "on_cleanup", pipeline_name)
    except Exception:
        logger.warning(
            "The on_cleanup hook of pipeline '%s' raised too; the run's own error follows.",
            pipeline_name,
            exc_info=True,
        )
