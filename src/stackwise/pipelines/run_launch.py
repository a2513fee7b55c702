"""Launching one run of a compiled pipeline: the checks that need the stack and the store
(step operators, secrets, schedule, unused settings), the run's name and substitutions, the
run record with its configuration and tags, init/cleanup hooks, pipeline log capture, and
handing the run to the orchestrator. Nothing is recorded until every check has passed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError
from stackwise.execution.liveness import PROCESS_KEY, Heartbeat, process_identity
from stackwise.execution.step_runner import RunContext
from stackwise.models.pipeline_run import PipelineRunResponse

if TYPE_CHECKING:
    from stackwise.pipelines.compiler import CompiledPipeline
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.pipelines.run_config import RunConfig

logger = logging.getLogger("stackwise")


def _source(hook: Any) -> str | None:
    from stackwise.utils.source import source_of

    return source_of(hook) if hook is not None else None


def _call_run_hook(hook: Any, kind: str, pipeline_name: str, **kwargs: Any) -> Any:
    if hook is None:
        return None
    logger.info("Running the %s hook of pipeline '%s'.", kind, pipeline_name)
    return hook(**kwargs)


Execute = Callable[[RunContext], tuple[dict[str, ExecutionStatus], dict[str, BaseException]]]


def submit_to_orchestrator(context: RunContext
                           ) -> tuple[dict[str, ExecutionStatus], dict[str, BaseException]]:
    """Run every step of the compiled spec on the stack's orchestrator; wait for the end."""
    handle = context.stack.orchestrator.submit(context)
    statuses = handle.wait()
    return statuses, handle.errors


def launch_run(pipeline: Pipeline, compiled: CompiledPipeline, run_config: RunConfig,
               options: dict[str, Any],
               execute: Execute = submit_to_orchestrator) -> PipelineRunResponse:
    """Check, record and run; `execute` runs the steps (a dynamic pipeline runs its
    function instead, see dynamic.py)."""
    from stackwise.config.pipeline_configurations import date_time_substitutions
    from stackwise.pipelines.pipeline import DEFAULT_RUN_NAME, format_run_name
    from stackwise.pipelines.run_checks import (
        check_dynamic_orchestrator,
        check_schedule,
        check_spec_on_stack,
    )
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    spec = compiled.spec
    store = get_store()
    stack = active_stack(store)
    if spec.dynamic:
        check_dynamic_orchestrator(pipeline.name, stack)
    check_spec_on_stack(spec, stack, store)
    schedule = run_config.schedule or pipeline.schedule
    check_schedule(pipeline.name, schedule, stack)

    substitutions = {**date_time_substitutions(datetime.now(timezone.utc)),
                     **options.get("substitutions", {})}
    template = run_config.run_name or pipeline.run_name or DEFAULT_RUN_NAME
    run_name = format_run_name(template, pipeline.name, substitutions)
    tags = options.get("tags", [])
    from stackwise.config.pipeline_run_configuration import tag_names

    config: dict[str, Any] = {
        "parameters": spec.parameters, "enable_cache": spec.enable_cache, "extra": spec.extra,
        "run_name": run_name, "substitutions": substitutions,
        "tags": tag_names(tags, f"Pipeline '{pipeline.name}'"), "model": options.get("model"),
        "environment": options.get("environment", {}), "secrets": options.get("secrets", []),
        "settings": options.get("settings", {}),
        "enable_step_logs": options.get("enable_step_logs"),
        "enable_pipeline_logs": options.get("enable_pipeline_logs"),
        "enable_artifact_metadata": options.get("enable_artifact_metadata"),
        "enable_artifact_visualization": options.get("enable_artifact_visualization"),
        "cache_policy": options.get("cache_policy"),
        "execution_mode": options.get("execution_mode") or "continue_on_failure",
        "init_hook_source": _source(options.get("on_init")),
        "init_hook_kwargs": options.get("on_init_kwargs") or {},
        "cleanup_hook_source": _source(options.get("on_cleanup")),
        PROCESS_KEY: process_identity(),
    }
    capture = None
    config["logs_uri"] = None
    if options.get("enable_pipeline_logs") is not False:
        from stackwise.execution.step_logs import LogCapture, logs_uri
        from stackwise.utils.ids import new_id

        config["logs_uri"] = logs_uri(stack.artifact_store, new_id())
        capture = LogCapture(stack.artifact_store, config["logs_uri"])
    pipeline_record = store.get_or_create_pipeline(pipeline.name)
    run_record = store.create_run(pipeline=pipeline_record, name=run_name, spec=spec.to_dict(),
                                  config=config, stack_id=stack.id)
    if tags:
        store.attach_tags("pipeline_run", [run_record.id], tags)
    logger.info("Running pipeline '%s' as run '%s' on stack '%s'.", pipeline.name, run_name,
                stack.name)
    status = ExecutionStatus.FAILED
    failed: list[str] = []
    errors: dict[str, BaseException] = {}
    try:
        with ExitStack() as scope:
            if capture is not None:
                scope.enter_context(capture)
            scope.enter_context(Heartbeat(store, run_record.id))  # liveness.py
            state = _call_run_hook(options.get("on_init"), "on_init", pipeline.name,
                                   **options.get("on_init_kwargs", {}))
            try:
                fixed = save_external_artifacts(pipeline.name, compiled, stack, store)
                context = RunContext(store=store, stack=stack, run=run_record, spec=spec,
                                     step_objects=dict(compiled.steps), fixed_versions=fixed,
                                     callables=dict(compiled.callables), pipeline_state=state,
                                     init_done=True)
                statuses, errors = execute(context)
            finally:
                _call_run_hook(options.get("on_cleanup"), "on_cleanup", pipeline.name)
        failed = [inv for inv, s in statuses.items() if s == ExecutionStatus.FAILED]
        if not failed and len(statuses) == len(spec.steps):
            status = ExecutionStatus.COMPLETED
    finally:
        cascade_tags(store, run_record.id, tags)
        store.finish_run(run_record.id, str(status))
    result = PipelineRunResponse.from_record(store.get_run(run_record.id), store)
    if status != ExecutionStatus.COMPLETED:
        raise run_failure(result, failed, errors)
    return result


def cascade_tags(store: Any, run_id: str, tags: list[Any]) -> None:
    """Pipeline tags given as `Tag(..., cascade=True)` also go on every artifact version the
    run's steps output (cached outputs included, as ZenML)."""
    cascading = [t for t in tags if getattr(t, "cascade", None) or
                 (isinstance(t, dict) and t.get("cascade"))]
    if not cascading:
        return
    versions = [v for step_run in store.list_step_runs(run_id)
                for ids in step_run.outputs.values() for v in ids]
    if versions:
        store.attach_tags("artifact_version", list(dict.fromkeys(versions)), cascading)


def save_external_artifacts(pipeline_name: str, compiled: CompiledPipeline, stack: Any,
                            store: Any) -> dict[str, Any]:
    """Save the ExternalArtifacts passed as step inputs, before any step runs."""
    fixed = {}
    for version_id, external in compiled.externals.items():
        new = external.new_version(version_id, stack.artifact_store,
                                   f"{pipeline_name}::external")
        fixed[version_id] = store.create_artifact_version(new)
    return fixed


def run_failure(run: PipelineRunResponse, failed: list[str],
                errors: dict[str, BaseException]) -> PipelineRunFailedError:
    """The error a failed run raises: the failed steps, their errors, how to resume."""
    lines = [f"Pipeline run '{run.name}' has failed due to failure in step(s): "
             f"{', '.join(failed) or '(none: the run was interrupted)'}."]
    for inv in failed:
        error = errors.get(inv)
        if error is not None:
            lines.append(f"  {inv}: {type(error).__name__}: {error}")
    lines.append("Fix the cause, then resume the run (steps that succeeded are reused): "
                 f"`stackwise pipeline runs resume {run.name}`. "
                 f"Details: `stackwise pipeline runs describe {run.name}`.")
    error = PipelineRunFailedError("\n".join(lines), run=run, failed_steps=failed)
    first = next((errors[i] for i in failed if i in errors), None)
    if first is not None:
        error.__cause__ = first
    return error
