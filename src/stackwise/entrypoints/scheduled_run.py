"""A schedule's firing as a run: the first task an engine starts for a firing (Airflow's DAG
run, a CronJob's job) creates the run from the schedule's recorded spec, stack and
configuration; every other task of the firing finds that same run. The store's unique index
on (schedule, engine run id) makes this safe when tasks start at the same time."""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from stackwise.exceptions import EntityExistsError, StackwiseError

if TYPE_CHECKING:
    from stackwise.store.base import Store

DEFAULT_RUN_NAME = "{pipeline_name}-{date}-{time}"


class ScheduleInactiveError(StackwiseError):
    """A firing of a schedule that was deactivated: no run is created."""


def run_of_firing(store: Store, schedule_id: str, orchestrator_run_id: str) -> str:
    """The id of the run of `schedule_id`'s firing `orchestrator_run_id` (created if new)."""
    from stackwise.config.pipeline_configurations import date_time_substitutions
    from stackwise.execution.liveness import DETACHED_KEY

    schedule = store.get_schedule(schedule_id)
    if not schedule.active:
        raise ScheduleInactiveError(
            f"Schedule '{schedule.name}' is inactive, so its firing {orchestrator_run_id} "
            "runs nothing. Activate it (`stackwise pipeline schedule activate "
            f"{schedule.name}`) or delete it and its DAG or CronJob."
        )
    pipeline = store.get_pipeline(schedule.pipeline_id)
    substitutions = {
        **date_time_substitutions(datetime.now(timezone.utc)),
        **dict(schedule.config.get("substitutions") or {}),
        "pipeline_name": pipeline.name,
    }
    template = schedule.config.get("run_name_template") or DEFAULT_RUN_NAME
    name = str(template).format_map(substitutions)
    config = {
        **schedule.config,
        "run_name": name,
        "substitutions": substitutions,
        DETACHED_KEY: True,
    }

    def create(run_name: str) -> str:
        return store.get_or_create_scheduled_run(
            schedule_id=schedule.id,
            orchestrator_run_id=orchestrator_run_id,
            pipeline=pipeline,
            name=run_name,
            spec=schedule.spec,
            config={**config, "run_name": run_name},
            stack_id=schedule.stack_id,
        ).id

    try:
        return create(name)
    except EntityExistsError:  # the template gives every firing the same name
        suffix = hashlib.sha256(orchestrator_run_id.encode()).hexdigest()[:8]
        return create(f"{name}-{suffix}")


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that name what an entrypoint works on: a recorded run, or a schedule's
    firing."""
    parser.add_argument("--run-id", help="id of the recorded pipeline run")
    parser.add_argument("--schedule-id", help="id of the schedule whose firing this is")
    parser.add_argument("--orchestrator-run-id", help="the engine's id of the firing")


def run_id_of(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """The run the arguments name: `--run-id`, or the run of a schedule's firing (created by
    its first task); None when the schedule is inactive (said on stderr)."""
    if bool(args.run_id) == bool(args.schedule_id):
        parser.error("give --run-id, or --schedule-id with --orchestrator-run-id")
    if args.schedule_id and not args.orchestrator_run_id:
        parser.error("--schedule-id needs --orchestrator-run-id (the engine's id of the firing)")
    if args.run_id:
        return str(args.run_id)
    from stackwise.store import get_store

    try:
        return run_of_firing(get_store(), args.schedule_id, args.orchestrator_run_id)
    except ScheduleInactiveError as error:
        print(error, file=sys.stderr)
        return None
