"""`@pipeline`: a function that wires steps together. Calling it compiles a PipelineSpec,
checks the active stack can run it, records a run and hands it to the stack's orchestrator.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.enums import ArtifactSaveType, ExecutionStatus, StackComponentType
from stackwise.exceptions import PipelineRunFailedError, ProblemCollector, StepInterfaceError
from stackwise.execution.liveness import PROCESS_KEY, Heartbeat, process_identity
from stackwise.execution.step_runner import RunContext, importing_step_code
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.pipelines.compiler import (
    CompiledPipeline,
    PipelineDefaults,
    compile_pipeline,
    merge_parameters,
)
from stackwise.pipelines.run_config import RunConfig, load_run_config, parse_run_config
from stackwise.steps.base_step import settings_to_dict

if TYPE_CHECKING:
    from stackwise.pipelines.plan import PipelinePlan

logger = logging.getLogger("stackwise")

PIPELINE_OPTIONS = ("name", "enable_cache", "on_failure", "on_success", "extra", "settings",
                    "config_path", "run_name")
DEFAULT_RUN_NAME = "{pipeline_name}-{date}-{time}"


def format_run_name(template: str, pipeline_name: str) -> str:
    now = datetime.now(timezone.utc)
    try:
        return template.format(pipeline_name=pipeline_name, date=now.strftime("%Y_%m_%d"),
                               time=now.strftime("%H_%M_%S_%f"))
    except (KeyError, IndexError) as error:
        raise StepInterfaceError(
            f"run_name '{template}' uses an unknown placeholder {error}; use {{date}}, {{time}} "
            "or {pipeline_name}."
        ) from None


class Pipeline:
    def __init__(self, func: Callable[..., Any], *, name: str | None = None,
                 enable_cache: bool | None = None, on_failure: Callable[..., Any] | None = None,
                 on_success: Callable[..., Any] | None = None,
                 extra: dict[str, Any] | None = None, settings: dict[str, Any] | None = None,
                 config_path: str | Path | None = None, run_name: str | None = None) -> None:
        self.entrypoint = func
        self.name = name or func.__name__
        self.signature = inspect.signature(func)
        self.enable_cache = enable_cache
        self.on_failure = on_failure
        self.on_success = on_success
        self.extra = dict(extra or {})
        self.settings = settings_to_dict(settings, f"Pipeline '{self.name}'")
        self.config_path = config_path
        self.run_name = run_name
        self.__wrapped__ = func
        self.__doc__ = func.__doc__

    def __repr__(self) -> str:
        return f"<pipeline {self.name}>"

    def with_options(self, **options: Any) -> Pipeline:
        """A copy with some options changed (`config_path=`, `enable_cache=`, `run_name=`...)."""
        unknown = set(options) - set(PIPELINE_OPTIONS)
        if unknown:
            raise StepInterfaceError(f"Pipeline '{self.name}': unknown option(s) "
                                     f"{sorted(unknown)}; options are "
                                     f"{', '.join(PIPELINE_OPTIONS)}.")
        current = {"name": self.name, "enable_cache": self.enable_cache,
                   "on_failure": self.on_failure, "on_success": self.on_success,
                   "extra": dict(self.extra), "settings": dict(self.settings),
                   "config_path": self.config_path, "run_name": self.run_name}
        current.update(options)
        return Pipeline(self.entrypoint, **current)

    def configure(self, **options: Any) -> Pipeline:
        """Change this pipeline's options in place (ZenML's `configure`); returns it."""
        self.__dict__.update(self.with_options(**options).__dict__)
        return self

    # -- compiling -------------------------------------------------------------------
    def _run_config(self) -> RunConfig:
        if self.config_path is None:
            return parse_run_config({})
        return load_run_config(self.config_path)

    def compile(self, *args: Any, **kwargs: Any) -> CompiledPipeline:
        """The PipelineSpec this call would run, without running anything."""
        run_config = self._run_config()
        problems = ProblemCollector()
        parameters = merge_parameters(self.signature, args, kwargs, run_config, self.name,
                                      problems)
        defaults = PipelineDefaults(enable_cache=self.enable_cache, on_failure=self.on_failure,
                                    on_success=self.on_success, extra=self.extra,
                                    settings=self.settings)
        return compile_pipeline(self.name, self.entrypoint, parameters, run_config, defaults,
                                problems)

    def plan(self, *args: Any, **kwargs: Any) -> PipelinePlan:
        """Which steps calling this pipeline would run on the active stack, and why; nothing
        is executed or written."""
        from stackwise.pipelines.plan import plan_pipeline

        return plan_pipeline(self, *args, **kwargs)

    # -- running ---------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> PipelineRunResponse:
        from stackwise.steps.tracing import active_builder

        if active_builder() is not None:
            raise StepInterfaceError(f"Pipeline '{self.name}' was called inside another "
                                     "pipeline; call its steps instead.")
        return self.run(*args, **kwargs)

    def run(self, *args: Any, **kwargs: Any) -> PipelineRunResponse:
        from stackwise.stack.active_stack import active_stack
        from stackwise.stack.validation import ComponentRequirement, validate_stack
        from stackwise.store import get_store

        importing = importing_step_code()
        if importing is not None:
            raise StepInterfaceError(
                f"Pipeline '{self.name}' was called while a worker process imported "
                f"{importing.rpartition(':')[0]} to find step code: that file runs the "
                "pipeline whenever it is imported. Put the call under "
                "`if __name__ == \"__main__\":`.")
        compiled = self.compile(*args, **kwargs)
        spec = compiled.spec
        store = get_store()
        stack = active_stack(store)
        requirements = [ComponentRequirement(s.invocation_id, StackComponentType(t), n)
                        for s in spec.steps.values()
                        for t, n in (("experiment_tracker", s.experiment_tracker),
                                     ("step_operator", s.step_operator)) if n]
        validate_stack(stack, requirements, store)
        stack.orchestrator.validate_spec(spec)
        run_config = self._run_config()
        run_name = format_run_name(run_config.run_name or self.run_name or DEFAULT_RUN_NAME,
                                   self.name)
        pipeline_record = store.get_or_create_pipeline(self.name)
        run_record = store.create_run(
            pipeline=pipeline_record, name=run_name, spec=spec.to_dict(),
            config={"parameters": spec.parameters, "enable_cache": spec.enable_cache,
                    "extra": spec.extra, "run_name": run_name,
                    PROCESS_KEY: process_identity()},
            stack_id=stack.id)
        logger.info("Running pipeline '%s' as run '%s' on stack '%s'.", self.name, run_name,
                    stack.name)
        status = ExecutionStatus.FAILED
        failed: list[str] = []
        errors: dict[str, BaseException] = {}
        try:
            with Heartbeat(store, run_record.id):  # run state never lies: liveness.py
                fixed = self._save_external_artifacts(compiled, stack, store)
                context = RunContext(store=store, stack=stack, run=run_record, spec=spec,
                                     step_objects=dict(compiled.steps), fixed_versions=fixed,
                                     callables=dict(compiled.callables))
                handle = stack.orchestrator.submit(context)
                statuses = handle.wait()
                errors = handle.errors
            failed = [inv for inv, s in statuses.items() if s == ExecutionStatus.FAILED]
            if not failed and len(statuses) == len(spec.steps):
                status = ExecutionStatus.COMPLETED
        finally:
            store.finish_run(run_record.id, str(status))
        result = PipelineRunResponse(store.get_run(run_record.id), store)
        if status != ExecutionStatus.COMPLETED:
            raise self._failure(result, failed, errors)
        return result

    def _save_external_artifacts(self, compiled: CompiledPipeline, stack: Any,
                                 store: Any) -> dict[str, Any]:
        from stackwise.materializers.artifact_io import artifact_uri, save_data

        fixed = {}
        for version_id, external in compiled.externals.items():
            name = external.name or f"{self.name}::external"
            uri = artifact_uri(stack.artifact_store, name, version_id)
            new = save_data(external.value, version_id=version_id, name=name, uri=uri,
                            artifact_store=stack.artifact_store,
                            save_type=str(ArtifactSaveType.EXTERNAL),
                            materializer=external.materializer)
            fixed[version_id] = store.create_artifact_version(new)
        return fixed

    @staticmethod
    def _failure(run: PipelineRunResponse, failed: list[str],
                 errors: dict[str, BaseException]) -> PipelineRunFailedError:
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


def pipeline(_func: Any = None, **options: Any) -> Any:
    """Make a function a pipeline: `@pipeline` or `@pipeline(name=..., enable_cache=...)`."""
    unknown = set(options) - set(PIPELINE_OPTIONS)
    if unknown:
        raise StepInterfaceError(f"@pipeline got unknown option(s) {sorted(unknown)}; options "
                                 f"are {', '.join(PIPELINE_OPTIONS)}.")

    def decorate(func: Callable[..., Any]) -> Pipeline:
        return Pipeline(func, **options)

    return decorate(_func) if _func is not None else decorate
