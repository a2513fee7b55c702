"""Launching one run of a compiled pipeline: the checks that need the stack and the store
(step operators, secrets, schedule, unused settings), the run's name and substitutions, the
run record with its configuration and tags, then running it to its end (run_finish.py, the
path resumes share). Nothing is recorded until every check has passed."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stackwise.execution.progress import run_progress
from stackwise.execution.step_runner import RunContext
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.pipelines.run_finish import Execute, RunHooks, pipeline_logs, run_to_end

if TYPE_CHECKING:
    from stackwise.pipelines.compiler import CompiledPipeline
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.pipelines.run_config import RunConfig

logger = logging.getLogger("stackwise")


def _source(hook: Any) -> str | None:
    from stackwise.utils.source import source_of

    return source_of(hook) if hook is not None else None


def launch_run(
    pipeline: Pipeline,
    compiled: CompiledPipeline,
    run_config: RunConfig,
    options: dict[str, Any],
    execute: Execute | None = None,
) -> PipelineRunResponse | None:
    """Check, record and run; `execute` runs the steps (a dynamic pipeline runs its
    function instead, see dynamic.py). A scheduled pipeline records its schedule and hands it
    to the orchestrator instead: no run is created now (None), each firing creates one."""
    from stackwise.config.pipeline_configurations import date_time_substitutions
    from stackwise.pipelines.pipeline import DEFAULT_RUN_NAME, format_run_name
    from stackwise.pipelines.run_checks import (
        check_dynamic_orchestrator,
        check_reachable,
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
    stack.orchestrator.warm_up(spec)  # e.g. worker processes start while the run is recorded
    check_reachable(spec, stack)  # a server that is down fails here, in seconds

    substitutions = {
        **date_time_substitutions(datetime.now(timezone.utc)),
        **options.get("substitutions", {}),
    }
    template = run_config.run_name or pipeline.run_name or DEFAULT_RUN_NAME
    run_name = format_run_name(template, pipeline.name, substitutions)
    tags = options.get("tags", [])
    from stackwise.config.pipeline_run_configuration import tag_names

    if schedule is not None:
        template = run_config.run_name or pipeline.run_name or DEFAULT_RUN_NAME
        from stackwise.pipelines.schedules import schedule_pipeline

        schedule_pipeline(
            pipeline.name, spec, stack, store, schedule, template, options, pipeline.resolve()
        )
        return None
    config: dict[str, Any] = {
        "parameters": spec.parameters,
        "enable_cache": spec.enable_cache,
        "extra": spec.extra,
        "run_name": run_name,
        "substitutions": substitutions,
        "tags": tag_names(tags, f"Pipeline '{pipeline.name}'"),
        "model": options.get("model"),
        "environment": options.get("environment", {}),
        "secrets": options.get("secrets", []),
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
    }
    from stackwise.execution.model_versions import (
        ModelVersionCache,
        link_run,
        resolve_run_models,
    )

    models = ModelVersionCache(store, substitutions)
    if not spec.dynamic:  # a dynamic pipeline's steps resolve theirs when they start
        config.update(resolve_run_models(models, spec, options.get("model")))
    elif options.get("model"):
        config.update(resolve_run_models(models, replace(spec, steps={}), options["model"]))
    spec_record = stack.orchestrator.prepare_record(
        spec.to_dict(), config, stack, pipeline.resolve()
    )
    capture = pipeline_logs(config, stack.artifact_store)
    pipeline_record = store.get_or_create_pipeline(pipeline.name)
    run_record = store.create_run(
        pipeline=pipeline_record,
        name=run_name,
        spec=spec_record,
        config=config,
        stack_id=stack.id,
    )
    if tags:
        store.attach_tags("pipeline_run", [run_record.id], tags)
    link_run(store, run_record.id, list(models.by_id))
    progress = run_progress(
        store, run_record, spec, f"Running pipeline '{pipeline.name}' on stack '{stack.name}'."
    )
    logger.debug(
        "Running pipeline '%s' as run '%s' on stack '%s'.", pipeline.name, run_name, stack.name
    )

    def prepare() -> RunContext:
        fixed = save_external_artifacts(pipeline.name, compiled, stack, store)
        return RunContext(
            store=store,
            stack=stack,
            run=run_record,
            spec=spec,
            step_objects=dict(compiled.steps),
            fixed_versions=fixed,
            callables=dict(compiled.callables),
            models=models,
        )

    hooks = RunHooks(
        options.get("on_init"), options.get("on_init_kwargs") or {}, options.get("on_cleanup")
    )
    return run_to_end(
        store,
        run_record,
        pipeline.name,
        progress,
        prepare,
        execute=execute,
        hooks=hooks,
        capture=capture,
        tags=tags,
    )


def save_external_artifacts(
    pipeline_name: str, compiled: CompiledPipeline, stack: Any, store: Any
) -> dict[str, Any]:
    """Save the ExternalArtifacts passed as step inputs, before any step runs."""
    fixed = {}
    for version_id, external in compiled.externals.items():
        new = external.new_version(version_id, stack.artifact_store, f"{pipeline_name}::external")
        fixed[version_id] = store.create_artifact_version(new)
    return fixed
