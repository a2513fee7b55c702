"""Running a recorded run's steps and finishing it: the one path `Pipeline.run` (run_launch.py,
dynamic runs included) and resume/replay (resume.py) share, so the rule that decides a run's
status, the hooks around its steps, its log capture, the record of its end and its summary
cannot drift apart between them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.execution.liveness import Heartbeat
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


def run_status(statuses: Mapping[str, ExecutionStatus], to_run: Iterable[str]) -> ExecutionStatus:
    """The one completion rule: COMPLETED when every step the run had to run ended
    successfully (completed, cached, or skipped on purpose) and no step failed; else FAILED.
    A step with no status never ran (its upstream failed, or `fail_fast` stopped the run)."""
    if any(status.is_failed for status in statuses.values()):
        return ExecutionStatus.FAILED
    done = all(statuses.get(inv, ExecutionStatus.FAILED).is_successful for inv in to_run)
    return ExecutionStatus.COMPLETED if done else ExecutionStatus.FAILED


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
    detached = False  # the orchestrator goes on without this process: its steps end the run
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
                statuses, errors = (execute or submit_to_orchestrator)(context)
                detached = context.detached
            except BaseException:
                _cleanup_hook_quietly(hooks.on_cleanup, pipeline_name)
                raise
            _call_run_hook(hooks.on_cleanup, "on_cleanup", pipeline_name)
            status = run_status(statuses, context.spec.steps)
            if detached:
                status = ExecutionStatus.RUNNING
            failed = [inv for inv, s in statuses.items() if s.is_failed]
            progress.final_status = status  # its summary says what the rule decided
        raising = False
    finally:
        if not detached:
            finish_run(store, run.id, status, tags, raising=raising)
    result = PipelineRunResponse.from_record(store.get_run(run.id), store)
    if detached:
        return result
    if status != ExecutionStatus.COMPLETED:
        raise run_failure(result, failed, errors)
    return result


def _call_run_hook(hook: Any, kind: str, pipeline_name: str, **kwargs: Any) -> Any:
    if hook is None:
        return None
    logger.info("Running the %s hook of pipeline '%s'.", kind, pipeline_name)
    return hook(**kwargs)


def submit_to_orchestrator(
    context: RunContext,
) -> tuple[dict[str, ExecutionStatus], dict[str, BaseException]]:
    """Run every step of the compiled spec on the stack's orchestrator; wait for the end."""
    handle = context.stack.orchestrator.submit(context)
    context.detached = bool(getattr(handle, "detached", False))
    statuses = handle.wait()
    return statuses, handle.errors


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


UNFINISHED_STEP = {
    "type": "stackwise.exceptions.StepFailedError",
    "message": "The run ended while this step was still recorded as running: its own end "
    "could not be recorded (see the run's error and logs).",
    "traceback": "",
}


def finish_run(
    store: Any,
    run_id: str,
    status: ExecutionStatus,
    tags: Sequence[Any] = (),
    *,
    raising: bool = False,
) -> None:
    """Record the end of a run: its status, its cascading tags, and, when it failed, any of
    its step runs still `running` (a step whose own end could not be recorded) as `failed`
    with it, so neither the run nor a step stays `running`. While the run's own error
    propagates (`raising`), a failure here is logged, never raised in its place."""
    try:
        cascade_tags(store, run_id, list(tags))
    except Exception:
        if not raising:
            raise
        logger.warning("Could not tag the outputs of run %s.", run_id, exc_info=True)
    try:
        if status == ExecutionStatus.FAILED and store.fail_dead_run(
            run_id, step_exception_info=UNFINISHED_STEP
        ):
            return
        store.finish_run(run_id, str(status))
    except Exception:
        if not raising:
            raise
        logger.warning("Could not record the end of run %s as %s.", run_id, status, exc_info=True)


def cascade_tags(store: Any, run_id: str, tags: list[Any]) -> None:
    """Pipeline tags given as `Tag(..., cascade=True)` also go on every artifact version the
    run's steps output (cached outputs included, as ZenML)."""
    cascading = [
        t for t in tags if getattr(t, "cascade", None) or (isinstance(t, dict) and t.get("cascade"))
    ]
    if not cascading:
        return
    versions = [
        v
        for step_run in store.list_step_runs(run_id)
        for ids in step_run.outputs.values()
        for v in ids
    ]
    if versions:
        store.attach_tags("artifact_version", list(dict.fromkeys(versions)), cascading)
