"""`@pipeline`: a function that wires steps together. Calling it compiles a PipelineSpec,
checks the parameters and the active stack, records a run and hands it to the stack's
orchestrator. Options (`pipelines/options.py`) are checked when given; every check that needs
the stack or the store happens before the run is recorded.
"""

from __future__ import annotations

import copy
import inspect
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import (
    ComponentUnreachableError,
    PipelineCompilationError,
    PipelineRunFailedError,
    ProblemCollector,
    StepInterfaceError,
)
from stackwise.execution.step_runner import importing_step_code
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.pipelines.compiler import (
    CompiledPipeline,
    PipelineDefaults,
    compile_pipeline,
    merge_parameters,
    placeholders,
)
from stackwise.pipelines.options import (
    PIPELINE_CONFIGURE_OPTIONS,
    PIPELINE_OPTIONS,
    WITH_OPTIONS,
    combine,
    config_layer,
    normalize_options,
    step_updates,
)
from stackwise.pipelines.run_config import RunConfig, load_run_config, parse_run_config
from stackwise.steps.step_options import check_option_names, merge_options
from stackwise.utils.source import source_of

if TYPE_CHECKING:
    from stackwise.models.pipeline_build import PipelineBuildResponse
    from stackwise.pipelines.plan import PipelinePlan

logger = logging.getLogger("stackwise")

DEFAULT_RUN_NAME = "{pipeline_name}-{date}-{time}"
_SNAPSHOTS = (
    "snapshots and run templates (runs triggered later from the server) are not "
    "available in stackwise yet; run the pipeline, or use its run-config YAML"
)
_RUN_LEVEL = (
    "tags",
    "model",
    "substitutions",
    "enable_pipeline_logs",
    "on_init",
    "on_init_kwargs",
    "on_cleanup",
    "execution_mode",
    "environment",
    "secrets",
    "settings",
    "enable_step_logs",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_cache",
    "retry",
    "cache_policy",
)


def format_run_name(
    template: str, pipeline_name: str, substitutions: dict[str, str] | None = None
) -> str:
    """`template` with `{date}`, `{time}`, `{pipeline_name}` and custom substitutions."""
    from stackwise.config.pipeline_configurations import date_time_substitutions

    values = {
        **date_time_substitutions(datetime.now(timezone.utc)),
        **(substitutions or {}),
        "pipeline_name": pipeline_name,
    }
    unknown = [p for p in placeholders(template) if p not in values]
    if unknown:
        raise StepInterfaceError(
            f"run_name '{template}' uses unknown placeholder "
            f"{', '.join(repr(u) for u in unknown)}; use {{date}}, {{time}}, "
            "{pipeline_name} or a key of substitutions={...}."
        )
    return template.format(**values)


class Pipeline:
    """What `@pipeline` returns. Options live in `_options` (normalized plain data and hook
    functions); `with_options` adds run-only options (run name, schedule, per-step updates)."""

    def __init__(self, func: Callable[..., Any], **options: Any) -> None:
        check_option_names(options, PIPELINE_OPTIONS, "@pipeline")
        self.entrypoint = func
        self.name = options.pop("name", None) or func.__name__
        self.signature = inspect.signature(func)
        self.config_path: str | Path | None = options.pop("config_path", None)
        self.run_name: str | None = options.pop("run_name", None)
        self.schedule: dict[str, Any] | None = None
        self.step_updates: dict[str, Any] = {}
        self._options: dict[str, Any] = {}
        self._prepared: CompiledPipeline | None = None
        self._apply(options, merge=True)
        self.__wrapped__ = func
        self.__doc__ = func.__doc__

    def __repr__(self) -> str:
        return f"<pipeline {self.name}>"

    # -- options ---------------------------------------------------------------------
    def _apply(self, options: dict[str, Any], merge: bool) -> None:
        merge_options(self._options, normalize_options(options, f"Pipeline '{self.name}'"), merge)
        get = self._options.get
        self.on_failure, self.on_success = get("on_failure"), get("on_success")
        self.extra = get("extra") or {}
        self.settings = get("settings") or {}
        self.tags = get("tags") or []

    @property
    def enable_cache(self) -> bool | None:
        return self._options.get("enable_cache")

    @property
    def enable_heartbeat(self) -> bool | None:
        """Step heartbeats are not available; always None (setting True is refused)."""
        return self._options.get("enable_heartbeat")

    def configure(self, merge: bool = True, **options: Any) -> Pipeline:
        """Change this pipeline's options in place (ZenML's `configure`); returns it. With
        `merge` dict options update key by key, else each given option is replaced."""
        check_option_names(
            options, PIPELINE_CONFIGURE_OPTIONS, f"Pipeline '{self.name}'.configure()"
        )
        self._apply(options, merge)
        self._prepared = None
        return self

    def with_options(
        self,
        run_name: str | None = None,
        schedule: Any = None,
        build: Any = None,
        step_configurations: Any = None,
        steps: Any = None,
        config_path: str | Path | None = None,
        unlisted: bool = False,
        prevent_build_reuse: bool = False,
        **kwargs: Any,
    ) -> Pipeline:
        """A copy with some options changed: run-only ones (`run_name`, `schedule`,
        `config_path`, `steps`/`step_configurations` per invocation id) and everything
        `configure` takes."""
        from stackwise.config.availability import unavailable_problem

        owner = f"Pipeline '{self.name}'.with_options()"
        check_option_names(kwargs, WITH_OPTIONS, owner)
        for option, value in (("build", build), ("unlisted", unlisted)):
            refused = unavailable_problem(option, value, owner)
            if refused:
                raise StepInterfaceError(refused)
        new = self.copy()
        if run_name is not None:
            new.run_name = run_name
        if config_path is not None:
            new.config_path = config_path
        if schedule is not None:
            new.schedule = _schedule_dict(schedule, owner)
        for updates in (step_configurations, steps):
            for inv, update in step_updates(updates, owner).items():
                new.step_updates[inv] = update
        if kwargs:
            new.configure(**kwargs)
        if prevent_build_reuse:  # a new build even when one with the same content exists
            settings = dict(new._options.get("settings") or {})
            docker: Any = settings.get("docker")
            given = (
                docker.model_dump(exclude_unset=True)
                if hasattr(docker, "model_dump")
                else dict(docker or {})
            )
            settings["docker"] = {**given, "prevent_build_reuse": True}
            new.configure(settings=settings)
        return new

    def copy(self) -> Pipeline:
        new = copy.copy(self)
        new._options = copy.deepcopy({k: v for k, v in self._options.items() if not callable(v)})
        new._options.update({k: v for k, v in self._options.items() if callable(v)})
        new.step_updates = dict(self.step_updates)
        new._prepared = None
        return new

    @property
    def configuration(self) -> SimpleNamespace:
        """The pipeline-level options (ZenML's field names; hooks as sources)."""
        from stackwise.config.pipeline_configurations import PipelineConfigurationUpdate

        values: dict[str, Any] = dict.fromkeys(PipelineConfigurationUpdate.__dataclass_fields__)
        hooks = {
            "on_failure": "failure_hook_source",
            "on_success": "success_hook_source",
            "on_start": "start_hook_source",
            "on_end": "end_hook_source",
            "on_init": "init_hook_source",
            "on_cleanup": "cleanup_hook_source",
        }
        for key, value in self._options.items():
            values[hooks.get(key, key)] = source_of(value) if key in hooks else value
        for key in ("settings", "extra", "environment", "substitutions"):
            values[key] = dict(values.get(key) or {})
        values["secrets"] = list(values.get("secrets") or [])
        values["execution_mode"] = values.get("execution_mode") or "continue_on_failure"
        values["name"] = self.name
        return SimpleNamespace(**values)

    # -- identity --------------------------------------------------------------------
    def resolve(self) -> str:
        return source_of(self.entrypoint)

    @property
    def source_object(self) -> Callable[..., Any]:
        return self.entrypoint

    @property
    def source_code(self) -> str:
        return inspect.getsource(self.entrypoint)

    @property
    def model(self) -> Any:
        """The pipeline as registered in the store (registered on first access)."""
        return self.register()

    @property
    def is_dynamic(self) -> bool:
        """Steps run as the pipeline function calls them, during the run (dynamic.py)."""
        return bool(self._options.get("dynamic"))

    @property
    def required_parameters(self) -> list[str]:
        return [
            n for n, p in self.signature.parameters.items() if p.default is inspect.Parameter.empty
        ]

    @property
    def missing_parameters(self) -> list[str]:
        """Required parameters neither configured nor in the run config."""
        given = {**self._options.get("parameters", {}), **self._run_config().parameters}
        return [n for n in self.required_parameters if n not in given]

    def register(self) -> Any:
        """Record the pipeline in the store (no run) and return it, as `Client` shows it."""
        from stackwise.models.pipeline import PipelineResponse
        from stackwise.store import get_store

        store = get_store()
        return PipelineResponse.from_record(store.get_or_create_pipeline(self.name), store)

    # -- compiling -------------------------------------------------------------------
    def _run_config(self) -> RunConfig:
        if self.config_path is None:
            return parse_run_config({})
        return load_run_config(self.config_path)

    def _defaults(self) -> PipelineDefaults:
        return PipelineDefaults(options=self._options, step_updates=self.step_updates)

    def _parameters(
        self,
        run_config: RunConfig,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        problems: ProblemCollector,
    ) -> dict[str, Any]:
        """The call's parameters merged with configured ones, validated against the
        signature's annotations (problems collected)."""
        from stackwise.pipelines.parameters import validate_parameters
        from stackwise.steps.tracing import StepArtifact

        parameters = merge_parameters(
            self.signature,
            args,
            kwargs,
            run_config,
            self.name,
            problems,
            self._options.get("parameters"),
        )
        try:
            annotations = inspect.get_annotations(self.entrypoint, eval_str=True)
        except Exception:  # noqa: BLE001 - unresolvable forward refs: check what resolves
            annotations = inspect.get_annotations(self.entrypoint)
        from stackwise.models.artifact_config import ExternalArtifact
        from stackwise.models.artifact_version import (
            ArtifactVersionList,
            ArtifactVersionResponse,
        )

        return validate_parameters(
            self.name,
            self.signature,
            annotations,
            parameters,
            problems,
            skip=(StepArtifact, ExternalArtifact, ArtifactVersionResponse, ArtifactVersionList),
        )

    def _compile(
        self, run_config: RunConfig, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> CompiledPipeline:
        if self.is_dynamic:
            raise PipelineCompilationError(
                f"Pipeline '{self.name}' is dynamic: its steps are known only while it runs "
                "(each runs when the pipeline function calls it), so it cannot be compiled, "
                "planned or prepared ahead of a run. Call the pipeline to run it."
            )
        problems = ProblemCollector()
        parameters = self._parameters(run_config, args, kwargs, problems)
        return compile_pipeline(
            self.name, self.entrypoint, parameters, run_config, self._defaults(), problems
        )

    def compile(self, *args: Any, **kwargs: Any) -> CompiledPipeline:
        """The PipelineSpec this call would run, without running anything."""
        return self._compile(self._run_config(), args, kwargs)

    def _run_settings(self) -> dict[str, Any]:
        """The pipeline-level settings a run records (`docker`, `orchestrator`, ...): its
        options with the run configuration file's on top."""
        options = combine(self._options, config_layer(self._run_config()), keys=_RUN_LEVEL)
        return dict(options.get("settings") or {})

    def prepare(self, *args: Any, **kwargs: Any) -> None:
        """Compile with these arguments and keep the result (`invocations`, `is_prepared`)."""
        self._prepared = self.compile(*args, **kwargs)

    @property
    def is_prepared(self) -> bool:
        return self._prepared is not None

    @property
    def invocations(self) -> dict[str, Any]:
        """Step invocations by id once prepared (the steps' specs); empty before."""
        return dict(self._prepared.spec.steps) if self._prepared else {}

    def plan(self, *args: Any, **kwargs: Any) -> PipelinePlan:
        """Which steps calling this pipeline would run on the active stack, and why; nothing
        is executed or written."""
        from stackwise.pipelines.plan import plan_pipeline

        return plan_pipeline(self, *args, **kwargs)

    def write_run_configuration_template(self, path: str | Path, stack: Any = None) -> None:
        """Write a run-config YAML with every key stackwise accepts, commented out, and this
        pipeline's parameters and step invocations filled in where known."""
        from stackwise.pipelines.run_config_template import run_configuration_template

        Path(path).write_text(run_configuration_template(self))

    # -- running ---------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> PipelineRunResponse | None:
        from stackwise.steps.tracing import active_builder

        if active_builder() is not None:
            raise StepInterfaceError(
                f"Pipeline '{self.name}' was called inside another "
                "pipeline; call its steps instead."
            )
        return self.run(*args, **kwargs)

    def run(self, *args: Any, **kwargs: Any) -> PipelineRunResponse | None:
        """Run the pipeline on the active stack; its run. A scheduled pipeline (`schedule=`)
        is handed to the orchestrator's scheduler instead, and None is returned (as ZenML):
        each firing makes a run (`Client().list_pipeline_runs(schedule_id=...)`)."""
        from stackwise.pipelines.run_launch import launch_run

        importing = importing_step_code()
        if importing is not None:
            raise StepInterfaceError(
                f"Pipeline '{self.name}' was called while a worker process imported "
                f"{importing.rpartition(':')[0]} to find step code: that file runs the "
                "pipeline whenever it is imported. Put the call under "
                '`if __name__ == "__main__":`.'
            )
        run_config = self._run_config()
        options = combine(self._options, config_layer(run_config), keys=_RUN_LEVEL)
        try:
            if self.is_dynamic:
                from stackwise.pipelines.dynamic import launch_dynamic_run

                problems = ProblemCollector()
                parameters = self._parameters(run_config, args, kwargs, problems)
                problems.raise_if_any(
                    PipelineCompilationError, f"Pipeline '{self.name}' cannot be run"
                )
                return launch_dynamic_run(
                    self,
                    run_config,
                    parameters,
                    options,
                    self._defaults(),
                )
            compiled = self._compile(run_config, args, kwargs)
            return launch_run(self, compiled, run_config, options)
        except (PipelineRunFailedError, ComponentUnreachableError) as error:
            # Their message says it all: stackwise's frames under here would only bury it (a
            # step's own traceback is on its step run). Chaining stays as it was.
            raise error.with_traceback(None) from error.__cause__

    def replay(
        self,
        pipeline: Any = None,
        pipeline_run: Any = None,
        skip: Any = None,
        skip_successful_steps: bool = False,
        input_overrides: Any = None,
        step_input_overrides: Any = None,
        step_default_input_overrides: Any = None,
        debug: bool = False,
    ) -> PipelineRunResponse | None:
        """Run a recorded run again: with `skip_successful_steps`, resume it (successful steps
        reused); otherwise call this pipeline with the run's parameters (`input_overrides`
        replacing some)."""
        from stackwise.pipelines.resume import resume_run
        from stackwise.stack.active_stack import active_stack
        from stackwise.store import get_store

        for name, value in (
            ("skip", skip),
            ("step_input_overrides", step_input_overrides),
            ("step_default_input_overrides", step_default_input_overrides),
        ):
            if value:
                raise NotImplementedError(
                    f"Pipeline.replay({name}=...) is not available in "
                    "stackwise yet; use skip_successful_steps=True or "
                    "input_overrides."
                )
        store = get_store()
        if pipeline_run is None:
            name = getattr(pipeline, "name", pipeline) or self.name
            record = store.last_run(store.get_or_create_pipeline(name).id)
            if record is None:
                raise RuntimeError(f"Pipeline '{name}' has no runs to replay.")
        else:
            record = store.get_run(str(getattr(pipeline_run, "id", pipeline_run)))
        if skip_successful_steps:
            return resume_run(store, record.id, active_stack(store))
        parameters = {**record.config.get("parameters", {}), **(input_overrides or {})}
        return self(**parameters)

    def add_step_invocation(
        self,
        step: Any,
        input_artifacts: dict[str, Any],
        external_artifacts: dict[str, Any],
        model_artifacts_or_metadata: dict[str, Any],
        client_lazy_loaders: dict[str, Any],
        parameters: dict[str, Any],
        default_parameters: dict[str, Any],
        upstream_steps: Any,
        custom_id: str | None = None,
        allow_id_suffix: bool = True,
    ) -> str:
        """Record an invocation of `step` while this pipeline's function is being traced
        (what calling the step does); returns the invocation id."""
        from stackwise.steps.tracing import active_builder

        builder = active_builder()
        if builder is None or builder.pipeline_name != self.name:
            raise RuntimeError(
                f"Pipeline '{self.name}'.add_step_invocation() works only while "
                "the pipeline function runs (compiling); call the step there."
            )
        for unsupported in (model_artifacts_or_metadata, client_lazy_loaders):
            if unsupported:
                raise NotImplementedError(
                    "add_step_invocation: model artifacts and lazy "
                    "client loaders as inputs are not available yet."
                )
        if custom_id is not None and not allow_id_suffix and custom_id in builder.invocations:
            raise StepInterfaceError(f"Step invocation id '{custom_id}' is already used.")
        arguments = {**default_parameters, **parameters, **external_artifacts, **input_artifacts}
        before = set(builder.invocations)
        builder.add(step, (), arguments, custom_id, list(upstream_steps or []) or None)
        return next(i for i in builder.invocations if i not in before)

    # -- features that need later issues: refused, naming what is missing ---------------
    def build(
        self, settings: Any = None, step_configurations: Any = None, config_path: Any = None
    ) -> PipelineBuildResponse:
        """Build the images this pipeline's steps run in on the active stack (its image
        builder and container registry), or reuse a recorded build with the same content
        (builds/pipeline_build.py); the build."""
        from stackwise.builds.pipeline_build import build_pipeline
        from stackwise.models.pipeline_build import PipelineBuildResponse
        from stackwise.stack.active_stack import active_stack
        from stackwise.store import get_store

        target = self
        if settings is not None or step_configurations is not None or config_path is not None:
            extra = {"settings": settings} if settings is not None else {}
            target = self.with_options(
                step_configurations=step_configurations, config_path=config_path, **extra
            )
        compiled = target.compile()
        store = get_store()
        record = build_pipeline(
            target.name,
            compiled.spec.to_dict(),
            target._run_settings(),
            active_stack(store),
            target.resolve(),
        )
        return PipelineBuildResponse.from_record(record, store)

    def deploy(self, deployment_name: str, timeout: Any = None, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Pipeline '{self.name}'.deploy(): deploying a pipeline as a service needs the "
            "deployer components, which are not available in stackwise yet."
        )

    def create_snapshot(
        self, name: str, description: str | None = None, replace: Any = None, tags: Any = None
    ) -> Any:
        raise NotImplementedError(f"Pipeline '{self.name}'.create_snapshot(): {_SNAPSHOTS}.")

    def create_run_template(self, name: str, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Pipeline '{self.name}'.create_run_template(): {_SNAPSHOTS}.")

    @staticmethod
    def log_pipeline_snapshot_metadata(snapshot: Any, stack: Any) -> None:
        raise NotImplementedError(f"Pipeline.log_pipeline_snapshot_metadata(): {_SNAPSHOTS}.")


def _schedule_dict(schedule: Any, owner: str) -> dict[str, Any]:
    from stackwise.config.schedule import Schedule

    if isinstance(schedule, dict):
        schedule = Schedule(**schedule)
    if not isinstance(schedule, Schedule):
        raise StepInterfaceError(
            f"{owner}: schedule= takes a Schedule, got {type(schedule).__name__}."
        )
    return schedule.model_dump(mode="json")


def pipeline(_func: Any = None, **options: Any) -> Any:
    """Make a function a pipeline: `@pipeline` or `@pipeline(name=..., enable_cache=...)`."""
    check_option_names(options, PIPELINE_OPTIONS, "@pipeline")

    def decorate(func: Callable[..., Any]) -> Pipeline:
        return Pipeline(func, **options)

    return decorate(_func) if _func is not None else decorate
