"""How a run ends: the one completion rule (`run_status`) and the one record of a run's end
(`finish_run`), shared by the process that runs a pipeline (pipelines/run_finish.py) and, for
a detached run, by the step processes that run its steps elsewhere (`finish_after_step`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.store.base import Store

logger = logging.getLogger("stackwise")


def run_status(statuses: Mapping[str, ExecutionStatus], to_run: Iterable[str]) -> ExecutionStatus:
    """The one completion rule: COMPLETED when every step the run had to run ended
    successfully (completed, cached, or skipped on purpose) and no step failed; else FAILED.
    A step with no status never ran (its upstream failed, or `fail_fast` stopped the run)."""
    if any(status.is_failed for status in statuses.values()):
        return ExecutionStatus.FAILED
    done = all(statuses.get(inv, ExecutionStatus.FAILED).is_successful for inv in to_run)
    return ExecutionStatus.COMPLETED if done else ExecutionStatus.FAILED


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
    steps_may_run: bool = False,
) -> None:
    """Record the end of a run: its status, its cascading tags, and, when it failed, any of
    its step runs still `running` (a step whose own end could not be recorded) as `failed`
    with it, so neither the run nor a step stays `running` — unless `steps_may_run`: in a
    detached run, other steps' processes may still be running and record their own ends.
    While the run's own error propagates (`raising`), a failure here is logged, never raised
    in its place."""
    try:
        cascade_tags(store, run_id, list(tags))
    except Exception:
        if not raising:
            raise
        logger.warning("Could not tag the outputs of run %s.", run_id, exc_info=True)
    try:
        if (
            status == ExecutionStatus.FAILED
            and not steps_may_run
            and store.fail_dead_run(run_id, step_exception_info=UNFINISHED_STEP)
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


def finish_after_step(store: Store, run_id: str, spec: PipelineSpec) -> ExecutionStatus | None:
    """In a detached run, after a step process recorded its step's end: finish the run FAILED
    as soon as a step failed, COMPLETED when every step succeeded (`run_status` on each step's
    latest attempt); None while steps remain. Race-safe: each step's end is written before
    this reads, so of two last steps ending at once at least one sees both ends; both may,
    and then both write the same status (a run already ended is left as it is)."""
    from stackwise.execution.liveness import DETACHED_KEY

    run = store.get_run(run_id)
    if ExecutionStatus(run.status).is_finished or not (run.config or {}).get(DETACHED_KEY):
        return None
    latest: dict[str, tuple[int, ExecutionStatus]] = {}
    for step_run in store.list_step_runs(run_id):
        attempt = step_run.attempt or 1
        if step_run.name not in latest or attempt >= latest[step_run.name][0]:
            latest[step_run.name] = (attempt, ExecutionStatus(step_run.status))
    statuses = {name: status for name, (_, status) in latest.items()}
    if not any(s.is_failed for s in statuses.values()) and not all(
        statuses.get(inv, ExecutionStatus.RUNNING).is_successful for inv in spec.steps
    ):
        return None  # steps remain to run
    status = run_status(statuses, spec.steps)
    finish_run(store, run_id, status, steps_may_run=True)
    return status
