"""Launching one run of a compiled pipeline: the checks that need the stack and the store
(step operators, secrets, schedule, unused settings), the run's name and substitutions, the
run record with its configuration and tags, init/cleanup hooks, pipeline log capture, and
handing the run to the orchestrator. Nothing is recorded until every check has passed."""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError
from stackwise.execution.liveness import PROCESS_KEY, Heartbeat, process_identity
from stackwise.execution.progress import run_progress
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


def submit_to_orchestrator(
    context: RunContext,
) -> tuple[dict[str, ExecutionStatus], dict[str, BaseException]]:
    """Run every step of the compiled spec on the stack's orchestrator; wait for the end."""
    handle = context.stack.orchestrator.submit(context)
    statuses = handle.wait()
    return statuses, handle.errors


def launch_run(
    pipeline: Pipeline,
    compiled: CompiledPipeline,
    run_config: RunConfig,
    options: dict[str, Any],
    execute: Execute = submit_to_orchestrator,
) -> PipelineRunResponse:
    """Check, record and run; `execute` runs the steps (a dynamic pipeline runs its
    function instead, see dynamic.py)."""
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
    check_reachable(spec, stack)  # a server that is down fails here, in seconds

    substitutions = {
        **date_time_substitutions(datetime.now(timezone.utc)),
        **options.get("substitutions", {}),
    }
    template = run_config.run_name or pipeline.run_name or DEFAULT_RUN_NAME
    run_name = format_run_name(template, pipeline.name, substitutions)
    tags = options.get("tags", [])
    from stackwise.config.pipeline_run_configuration import tag_names

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
        PROCESS_KEY: process_identity(),
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
    capture = None
    config["logs_uri"] = None
    if options.get("enable_pipeline_logs") is not False:
        from stackwise.execution.step_logs import LogCapture, logs_uri
        from stackwise.utils.ids import new_id

        config["logs_uri"] = logs_uri(stack.artifact_store, new_id())
        capture = LogCapture(stack.artifact_store, config["logs_uri"])
    pipeline_record = store.get_or_create_pipeline(pipeline.name)
    run_record = store.create_run(
        pipeline=pipeline_record,
        name=run_name,
        spec=spec.to_dict(),
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
    status = ExecutionStatus.FAILED
    failed: list[str] = []
    errors: dict[str, BaseException] = {}
    raising = True  # until the steps ran: what finishes the run must not hide the error
    try:
        with ExitStack() as scope:
            scope.enter_context(progress)  # before the capture: it keeps what the view prints
            if capture is not None:
                scope.enter_context(capture)
            scope.enter_context(Heartbeat(store, run_record.id))  # liveness.py
            state = _call_run_hook(
                options.get("on_init"),
                "on_init",
                pipeline.name,
                **options.get("on_init_kwargs", {}),
            )
            try:
                fixed = save_external_artifacts(pipeline.name, compiled, stack, store)
                context = RunContext(
                    store=store,
                    stack=stack,
                    run=run_record,
                    spec=spec,
                    step_objects=dict(compiled.steps),
                    fixed_versions=fixed,
                    callables=dict(compiled.callables),
                    pipeline_state=state,
                    init_done=True,
                    models=models,
                )
                statuses, errors = execute(context)
            except BaseException:
                _cleanup_hook_quietly(options.get("on_cleanup"), pipeline.name)
                raise
            _call_run_hook(options.get("on_cleanup"), "on_cleanup", pipeline.name)
        failed = [inv for inv, s in statuses.items() if s == ExecutionStatus.FAILED]
        if not failed and len(statuses) == len(spec.steps):
            status = ExecutionStatus.COMPLETED
        raising = False
    finally:
        finish_run(store, run_record.id, status, tags, raising=raising)
    result = PipelineRunResponse.from_record(store.get_run(run_record.id), store)
    if status != ExecutionStatus.COMPLETED:
        raise run_failure(result, failed, errors)
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


def save_external_artifacts(
    pipeline_name: str, compiled: CompiledPipeline, stack: Any, store: Any
) -> dict[str, Any]:
    """Save the ExternalArtifacts passed as step inputs, before any step runs."""
    fixed = {}
    for version_id, external in compiled.externals.items():
        new = external.new_version(version_id, stack.artifact_store, f"{pipeline_name}::external")
        fixed[version_id] = store.create_artifact_version(new)
    return fixed


def run_failure(
    run: PipelineRunResponse, failed: list[str], errors: dict[str, BaseException]
) -> PipelineRunFailedError:
    """The error a failed run raises: one paragraph naming the run, each failed step with its
    exception's type and message and the line of the user's code it came from, and how to
    resume. The full tracebacks stay on the step runs (`exception_info`, `stackwise pipeline
    runs describe`): the step's exception is this error's `__context__` (and in `.errors`),
    with `__suppress_context__` set, so a script that does not catch the error prints this
    summary, not the chain of library frames under it; `except Exception` still catches it."""
    lines = [
        f"Pipeline run '{run.name}' has failed due to failure in step(s): "
        f"{', '.join(failed) or '(none: the run was interrupted)'}."
    ]
    recorded = _recorded_failures(run, failed)
    for inv in failed:
        error = errors.get(inv)
        stored = recorded.get(inv) or {}
        if error is not None:
            kind, message = type(error).__name__, str(error)
        elif stored:
            kind = str(stored.get("type") or "Error").rsplit(".", 1)[-1]
            message = str(stored.get("message") or "")
        else:
            continue
        lines.append(f"  {inv}: {kind}: {_shorten(message)}")
        text = str(stored.get("traceback") or "") or _traceback_text(error)
        frame = user_frame(text)
        if frame is not None:
            lines.append(f"    at {frame}")
    lines.append(
        "Fix the cause, then resume the run (steps that succeeded are reused): "
        f"`stackwise pipeline runs resume {run.name}`. Full traceback: "
        f"`stackwise pipeline runs describe {run.name} --traceback`."
    )
    error = PipelineRunFailedError(
        "\n".join(lines),
        run=run,
        failed_steps=failed,
        errors={i: errors[i] for i in failed if i in errors},
    )
    first = next((errors[i] for i in failed if i in errors), None)
    error.__cause__ = None
    error.__context__ = first
    error.__suppress_context__ = True
    return error


MESSAGE_LIMIT = 600


def _shorten(message: str) -> str:
    """A step's error message for the summary: at most MESSAGE_LIMIT characters, lines after
    the first indented under it."""
    text = message.strip() or "(no message)"
    if len(text) > MESSAGE_LIMIT:
        text = (
            text[: MESSAGE_LIMIT - 1].rstrip() + "… (cut: the full message is in `runs describe`)"
        )
    return text.replace("\n", "\n    ")


def _recorded_failures(run: PipelineRunResponse, failed: list[str]) -> dict[str, Any]:
    """The recorded `exception_info` of each failed step (empty where the store cannot say)."""
    if not failed:
        return {}
    try:
        steps = run.steps
        return {inv: dict(steps[inv].record.exception_info or {}) for inv in failed if inv in steps}
    except Exception:  # the summary must not fail for want of details
        logger.debug("Could not read the failed steps of run %s.", run.name, exc_info=True)
        return {}


def _traceback_text(error: BaseException | None) -> str:
    if error is None or error.__traceback__ is None:
        return ""
    import traceback

    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


_FRAME = re.compile(
    r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$', re.MULTILINE
)


def user_frame(traceback_text: str) -> str | None:
    """`path:line in function` of the innermost frame of the user's own code in a formatted
    traceback (not stackwise, the standard library or an installed package), or None."""
    found = None
    for match in _FRAME.finditer(traceback_text):
        if _is_user_file(match["path"]):
            found = f"{match['path']}:{match['line']} in {match['func'].strip()}"
    return found


def _is_user_file(path: str) -> bool:
    if path.startswith("<"):  # <frozen ...>, <string>, <stdin>
        return False
    folder = os.path.dirname(os.path.abspath(path))
    return not any(folder == root or folder.startswith(root + os.sep) for root in _library_roots())


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    """Folders whose code is not the user's: stackwise itself, the standard library and the
    installed packages."""
    import sysconfig

    import stackwise

    roots = {os.path.dirname(os.path.abspath(stackwise.__file__))}
    for scheme_path in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(scheme_path)
        if path:
            roots.add(os.path.abspath(path))
    roots.update(
        os.path.abspath(p) for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)
    )
    return tuple(sorted(roots))
