"""Scheduled pipelines: a scheduled `Pipeline.run()` records a schedule (the compiled spec, the
stack, the run configuration and the Schedule's fields) and hands its tasks to the stack's
orchestrator, which fires it; no run exists until a firing's first task creates one
(`stackwise.entrypoints.scheduled_run`). Changing a schedule's cron expression hands the
orchestrator the changed schedule; deleting it withdraws it from the orchestrator."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackwise.orchestrators.containerized_orchestrator import (
        ContainerizedOrchestrator,
        RemoteRun,
    )
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store
    from stackwise.store.records import ScheduleRecord

logger = logging.getLogger("stackwise")


def schedule_pipeline(
    pipeline_name: str,
    spec: Any,
    stack: Any,
    store: Any,
    schedule: dict[str, Any],
    run_name_template: str,
    options: dict[str, Any],
    pipeline_source: str,
) -> None:
    """Record the schedule (what each firing runs) and hand it to the orchestrator, whose
    `supports_schedules` check_schedule made sure of. The orchestrator prepares it as it does
    a run (`prepare_record`: the stack checked, the code archived or built into an image),
    once: every firing runs that code."""
    from datetime import timedelta

    from stackwise.config.pipeline_configurations import date_time_substitutions
    from stackwise.config.pipeline_run_configuration import tag_names
    from stackwise.config.schedule import Schedule
    from stackwise.pipelines.pipeline import format_run_name
    from stackwise.store.records import ScheduleRecord
    from stackwise.utils.ids import new_id, utcnow

    fields = Schedule(**schedule)
    name = fields.name or format_run_name(
        run_name_template,
        pipeline_name,
        {**date_time_substitutions(datetime.now(timezone.utc)), **options.get("substitutions", {})},
    )
    config: dict[str, Any] = {
        "parameters": spec.parameters,
        "enable_cache": spec.enable_cache,
        "extra": spec.extra,
        "run_name_template": run_name_template,
        "substitutions": options.get("substitutions", {}),
        "tags": tag_names(options.get("tags", []), f"Pipeline '{pipeline_name}'"),
        "environment": options.get("environment", {}),
        "secrets": options.get("secrets", []),
        "settings": options.get("settings", {}),
        "enable_step_logs": options.get("enable_step_logs"),
        "enable_artifact_metadata": options.get("enable_artifact_metadata"),
        "enable_artifact_visualization": options.get("enable_artifact_visualization"),
        "cache_policy": options.get("cache_policy"),
        "execution_mode": options.get("execution_mode") or "continue_on_failure",
    }
    spec_record = stack.orchestrator.prepare_record(spec.to_dict(), config, stack, pipeline_source)
    interval = fields.interval_second
    now = utcnow()

    def naive(moment: datetime | None) -> datetime | None:  # stored as UTC without a zone
        if moment is None or moment.tzinfo is None:
            return moment
        return moment.astimezone(timezone.utc).replace(tzinfo=None)

    record = ScheduleRecord(
        id=new_id(),
        name=name,
        pipeline_id=store.get_or_create_pipeline(pipeline_name).id,
        pipeline_name=pipeline_name,
        orchestrator_id=stack.orchestrator.id,
        stack_id=stack.id,
        spec=spec_record,
        config=config,
        cron_expression=fields.cron_expression,
        start_time=naive(fields.start_time),
        end_time=naive(fields.end_time),
        interval_second=interval.total_seconds() if isinstance(interval, timedelta) else None,
        catchup=fields.catchup,
        run_once_start_time=naive(fields.run_once_start_time),
        active=True,
        created=now,
        updated=now,
    )
    store.create_schedule(record)
    try:
        stack.orchestrator.submit_schedule(
            scheduled_tasks(stack.orchestrator, store, record), stack
        )
    except BaseException:
        store.delete_schedule(record.id)  # nothing scheduled it: no schedule to list
        raise
    logger.info("Scheduled pipeline '%s' as schedule '%s'.", pipeline_name, name)


def scheduled_tasks(orchestrator: Any, store: Store, record: ScheduleRecord) -> RemoteRun:
    """The schedule's steps as the orchestrator's tasks, with its fields as they are now."""
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.orchestrators.containerized_orchestrator import prepare_scheduled_run

    interval = record.interval_second
    fields = {
        "name": record.name,
        "cron_expression": record.cron_expression,
        "start_time": record.start_time,
        "end_time": record.end_time,
        "interval_second": interval,
        "catchup": record.catchup,
        "run_once_start_time": record.run_once_start_time,
        "created": record.created,
    }
    return prepare_scheduled_run(
        orchestrator, store, PipelineSpec.from_dict(record.spec), record.id, fields, record.config
    )


def schedule_stack(
    store: Store, record: ScheduleRecord
) -> tuple[Stack, ContainerizedOrchestrator] | None:
    """The stack of `record` and its orchestrator, which fires it (None when the stack is
    gone, or its orchestrator was replaced since or cannot schedule)."""
    from stackwise.exceptions import EntityNotFoundError
    from stackwise.orchestrators.containerized_orchestrator import ContainerizedOrchestrator
    from stackwise.stack.active_stack import load_stack

    if record.stack_id is None:
        return None
    try:
        stack: Stack = load_stack(store, record.stack_id)
    except EntityNotFoundError:
        return None
    orchestrator = stack.orchestrator
    if not isinstance(orchestrator, ContainerizedOrchestrator):
        return None
    if record.orchestrator_id and orchestrator.id != record.orchestrator_id:
        return None  # the stack's orchestrator was replaced since
    return stack, orchestrator


def resubmit_schedule(store: Store, record: ScheduleRecord) -> bool:
    """Hand the orchestrator the schedule as it is now; False when none can take it."""
    found = schedule_stack(store, record)
    if found is None:
        return False
    stack, orchestrator = found
    orchestrator.submit_schedule(scheduled_tasks(orchestrator, store, record), stack)
    return True


def withdraw_schedule(store: Store, record: ScheduleRecord) -> bool:
    """Take the schedule off its orchestrator; False when none has it."""
    found = schedule_stack(store, record)
    if found is None:
        return False
    orchestrator = found[1]
    return orchestrator.delete_schedule(scheduled_tasks(orchestrator, store, record))
