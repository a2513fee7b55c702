"""Recording a `run_hook` call: where it belongs (the running step, or the dynamic pipeline
whose function runs now), and the one write that records it, with the hook's return value
saved as an artifact version when asked."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from stackwise.enums import ArtifactSaveType, ExecutionStatus, HookType

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store

logger = logging.getLogger("stackwise")

NO_RUN = (
    "Recording a hook invocation requires an active pipeline run context. It can only "
    "be called from inside a step or a dynamic pipeline."
)
OUTPUT_NAME = "output"


@dataclass(frozen=True)
class RecordingTarget:
    """The run (and step run) a hook invocation is recorded on."""

    store: Store
    artifact_store: BaseArtifactStore
    run_id: str
    step_run_id: str | None


def _current_target() -> RecordingTarget | None:
    from stackwise.steps.step_context import current_step_context
    from stackwise.steps.tracing import active_builder

    context = current_step_context()
    if context is not None:
        return RecordingTarget(
            context.store,
            context.stack.artifact_store,
            str(context.pipeline_run.id),
            str(context.step_run.id),
        )
    builder = active_builder()
    run_context = getattr(builder, "ctx", None)
    if builder is not None and getattr(builder, "dynamic", False) and run_context is not None:
        return RecordingTarget(
            run_context.store, run_context.stack.artifact_store, str(run_context.run.id), None
        )
    return None


def recording_target(hook_type: HookType) -> RecordingTarget | None:
    """Where to record a hook invocation now; None (with a warning) outside a run."""
    target = _current_target()
    if target is None:
        logger.warning("Failed to record %s hook invocation: %s", hook_type.value, NO_RUN)
    return target


def _save_output(target: RecordingTarget, value: Any) -> str:
    from stackwise.materializers.artifact_saving import artifact_uri, save_data
    from stackwise.utils.ids import new_id

    version_id = new_id()
    uri = artifact_uri(target.artifact_store, OUTPUT_NAME, version_id)
    new = save_data(
        value,
        version_id=version_id,
        name=OUTPUT_NAME,
        uri=uri,
        artifact_store=target.artifact_store,
        save_type=str(ArtifactSaveType.MANUAL),
    )
    try:
        record = target.store.create_artifact_version(new)
    except Exception:
        target.artifact_store.rmtree(uri)  # never leave files no version points at
        raise
    return record.id


def _describe(error: BaseException, trace: TracebackType | None) -> dict[str, Any]:
    """The error as `exception_info` records it, its traceback from the hook's own frame."""
    return {
        "type": f"{type(error).__module__}.{type(error).__qualname__}",
        "message": str(error),
        "traceback": "".join(traceback.format_exception(type(error), error, trace)),
    }


def record_hook_invocation(
    target: RecordingTarget,
    *,
    name: str | None,
    hook_type: HookType,
    source: str | None,
    start: datetime,
    result: Any = None,
    store_return: bool = False,
    error: BaseException | None = None,
    error_traceback: TracebackType | None = None,
) -> None:
    """One write for the call; a failure to record is logged, never raised (the hook's own
    outcome stands)."""
    from stackwise.store.records import HookInvocationRecord
    from stackwise.utils.ids import new_id, utcnow

    try:
        outputs: dict[str, list[str]] = {}
        if error is None and store_return and result is not None:
            outputs[OUTPUT_NAME] = [_save_output(target, result)]
        end = utcnow()
        target.store.create_hook_invocation(
            HookInvocationRecord(
                id=new_id(),
                run_id=target.run_id,
                step_run_id=target.step_run_id,
                name=name,
                hook_type=hook_type.value,
                status=(
                    ExecutionStatus.FAILED if error is not None else ExecutionStatus.COMPLETED
                ).value,
                source=source,
                start_time=start,
                end_time=end,
                exception_info=(_describe(error, error_traceback) if error is not None else None),
                outputs=outputs,
                created=end,
            )
        )
    except Exception as failure:  # noqa: BLE001 - recording must not change the hook's outcome
        logger.warning(
            "Failed to record %s hook invocation%s: %s",
            hook_type.value,
            f" '{name}'" if name else "",
            failure,
        )


__all__ = ["NO_RUN", "RecordingTarget", "record_hook_invocation", "recording_target"]
