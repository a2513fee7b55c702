"""Dynamic pipelines (`@pipeline(dynamic=True)`): the pipeline function runs during the run,
and each step it calls runs right then. The function can therefore look at what a step
produced (`.load()`) and decide what to run next, or fan out over a list (`step.map(...)`,
`step.product(...)`).

Steps run in this process, one after another, in the order the function calls them; `submit`,
`map` and `product` hand out futures that are already resolved. Each call is compiled on its
own (the same checks as a static pipeline's steps, before it runs) and added to the run's
spec, which is written to the run record before the step runs, so `Client` shows the run as
it unfolds. Caching, retries, hooks and lineage are those of any step run."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import (
    ConfigError,
    PipelineCompilationError,
    ProblemCollector,
    StepInterfaceError,
)
from stackwise.execution.step_runner import RunContext, StepRunner
from stackwise.models.artifact_config import ExternalArtifact
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.models.pipeline_spec import PipelineSpec
from stackwise.pipelines.compiler import PipelineDefaults, _resolve_step
from stackwise.pipelines.dynamic_outputs import (
    ArtifactFuture,
    MapResultsFuture,
    OutputArtifact,
    StepFuture,
)
from stackwise.pipelines.options import config_layer
from stackwise.steps.mapping import Unmapped
from stackwise.steps.tracing import Invocation, active_builder, next_invocation_id, recording

if TYPE_CHECKING:
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.pipelines.run_config import RunConfig
    from stackwise.steps.base_step import Step

Statuses = dict[str, ExecutionStatus]


def running_dynamic_pipeline(what: str) -> DynamicRun:
    """The dynamic run whose function runs now; a RuntimeError naming `what` elsewhere."""
    runner = active_builder()
    if not isinstance(runner, DynamicRun):
        raise RuntimeError(f"{what} is only possible within a dynamic pipeline.")
    return runner


class DynamicRun:
    """Runs the steps a dynamic pipeline's function calls (the recorder step calls go to)."""

    dynamic = True

    def __init__(
        self,
        pipeline_name: str,
        context: RunContext,
        run_config: RunConfig,
        defaults: PipelineDefaults,
    ) -> None:
        self.pipeline_name = pipeline_name
        self.ctx = context
        self.runner = StepRunner(context)
        self.run_config = run_config
        self.defaults = defaults
        self.run_layer = config_layer(run_config)
        self.invocations: dict[str, Invocation] = {}
        self.statuses: Statuses = {}
        self.errors: dict[str, BaseException] = {}
        self._next_suffix: dict[str, int] = {}
        self._producers: dict[str, str] = {}  # artifact version id -> invocation that made it

    # -- running the function ----------------------------------------------------------
    def execute(
        self, func: Any, parameters: dict[str, Any]
    ) -> tuple[Statuses, dict[str, BaseException]]:
        """Call the pipeline function; a step error it lets through fails the run as a
        failed step (any other error is the function's own and propagates)."""
        from stackwise.pipelines.pipeline_context import pipeline_context

        options = {**self.defaults.options, **self.run_layer, "name": self.pipeline_name}
        with recording(self), pipeline_context(options):
            try:
                func(**parameters)
            except BaseException as error:
                if not any(error is e for e in self.errors.values()):
                    raise
        return self.statuses, self.errors

    # -- what step calls do (Step.__call__ / submit / map / product) -------------------
    def add(
        self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any], id: str | None, after: Any
    ) -> Any:
        """A plain call: run the step; its output artifact(s), or its error raised."""
        return self.submit(step, args, kwargs, id, after).result()

    def submit(
        self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any], id: str | None, after: Any
    ) -> StepFuture:
        invocation_id = self._new_id(step, id)
        return self._run(
            step,
            invocation_id,
            self._bind(step, invocation_id, args, kwargs),
            self._after_ids(after),
        )

    def map(
        self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any], after: Any, product: bool
    ) -> MapResultsFuture:
        invocation_id = self._new_id(step, None)
        arguments = self._bind(step, invocation_id, args, kwargs)
        how = "product" if product else "map"
        mapped: dict[str, list[Any]] = {}
        fixed: dict[str, Any] = {}
        for name, value in arguments.items():
            if isinstance(value, Unmapped):
                fixed[name] = value.value
            elif isinstance(value, MapResultsFuture):
                mapped[name] = [_single(f, f"{step.name}.{how}() input '{name}'") for f in value]
            else:
                artifact = self._as_artifact(value, f"{step.name}.{how}() input '{name}'")
                items = self._items(artifact) if artifact is not None else None
                if items is None:
                    fixed[name] = value
                else:
                    mapped[name] = items
        if not mapped:
            raise RuntimeError(
                f"Step '{step.name}'.{how}(): no inputs to map over found. Pass at least one "
                "sequence-like (list, tuple) output of an earlier step; wrap inputs to pass "
                "whole in unmapped(...)."
            )
        names = list(mapped)
        if product:
            combos = list(itertools.product(*(mapped[n] for n in names)))
        else:
            lengths = {n: len(v) for n, v in mapped.items()}
            if len(set(lengths.values())) > 1:
                listed = ", ".join(f"'{n}' has {k}" for n, k in lengths.items())
                raise ConfigError(
                    f"Step '{step.name}'.map(): the mapped inputs differ in "
                    f"length ({listed}); map zips them, so they must match. "
                    "Use .product() for every combination."
                )
            combos = list(zip(*(mapped[n] for n in names), strict=True))
        after_ids = self._after_ids(after)
        futures = [
            self._run(
                step,
                f"map:{invocation_id}:{index}",
                {**fixed, **dict(zip(names, combo, strict=True))},
                after_ids,
            )
            for index, combo in enumerate(combos)
        ]
        return MapResultsFuture(invocation_id, futures)

    def chunk(self, artifact: OutputArtifact, index: int) -> OutputArtifact:
        value = artifact.load()
        if not _is_sequence(value):
            raise TypeError(
                f"Artifact '{artifact.name}' (version {artifact.version}) holds a "
                f"{type(value).__name__}; only sequence outputs (list, tuple) can "
                "be chunked."
            )
        return self._item(artifact, value[index])

    # -- helpers -----------------------------------------------------------------------
    def _new_id(self, step: Step, requested: str | None) -> str:
        if requested is None:
            return next_invocation_id(step.name, self.invocations, self._next_suffix)
        if requested in self.invocations:
            raise StepInterfaceError(
                f"Two step invocations of dynamic pipeline "
                f"'{self.pipeline_name}' use id '{requested}'; ids are "
                "unique."
            )
        return requested

    @staticmethod
    def _bind(
        step: Step, invocation_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            return dict(step.signature.bind_partial(*args, **kwargs).arguments)
        except TypeError as error:
            raise StepInterfaceError(f"Step '{invocation_id}': {error}.") from None

    def _after_ids(self, after: Any) -> list[str]:
        if after is None:
            return []
        items = after if isinstance(after, (list, tuple)) else [after]
        ids: list[str] = []
        for item in items:
            if isinstance(item, MapResultsFuture):
                ids.extend(f.invocation_id for f in item)
            elif isinstance(item, (StepFuture, ArtifactFuture)):
                ids.append(item.invocation_id)
            elif isinstance(item, OutputArtifact) and str(item.id) in self._producers:
                ids.append(self._producers[str(item.id)])
            elif isinstance(item, str):
                ids.append(item)
        return ids

    def _as_artifact(self, value: Any, where: str) -> OutputArtifact | None:
        """The artifact a step output future stands for (its step's error if it failed)."""
        if isinstance(value, StepFuture):
            return _single(value, where)
        if isinstance(value, ArtifactFuture):
            return value.result()
        if isinstance(value, OutputArtifact):
            return value
        return None

    def _items(self, artifact: OutputArtifact) -> list[OutputArtifact] | None:
        """A sequence artifact's items, each saved as an artifact version (what a mapped step
        takes as its input); None for an artifact that is no sequence."""
        value = artifact.load()
        if not _is_sequence(value):
            return None
        return [self._item(artifact, item) for item in value]

    def _item(self, artifact: OutputArtifact, item: Any) -> OutputArtifact:
        version = self._save_value(item)
        producer = self._producers.get(str(artifact.id))
        if producer:  # the item's step depends on the step that made the sequence
            self._producers[str(version.id)] = producer
        return version

    def _save_value(self, value: Any) -> OutputArtifact:
        from stackwise.utils.ids import new_id

        version_id = new_id()
        new = ExternalArtifact(value=value).new_version(
            version_id, self.ctx.stack.artifact_store, f"{self.pipeline_name}::external"
        )
        record = self.ctx.store.create_artifact_version(new)
        self.ctx.fixed_versions[record.id] = record
        return OutputArtifact.from_record(record, self.ctx.store)

    def _inputs(
        self, invocation_id: str, arguments: dict[str, Any]
    ) -> tuple[dict[str, Any], list[str]]:
        """Arguments as the compiler takes them, and the invocations they come from. Every
        argument becomes an input artifact: futures resolve to the artifacts they stand for,
        plain values are saved as artifacts (so a DataFrame can be passed as well as a
        number); parameters are only the defaults of arguments not passed."""
        resolved: dict[str, Any] = {}
        upstream: list[str] = []
        for name, value in arguments.items():
            where = f"Step '{invocation_id}' input '{name}'"
            if isinstance(value, Unmapped):
                raise StepInterfaceError(
                    f"{where}: unmapped(...) works only in step.map(...) "
                    "and step.product(...); pass the value itself."
                )
            if isinstance(value, MapResultsFuture):
                values = value.load()  # raises the error of a failed mapped step
                upstream.extend(f.invocation_id for f in value)
                value = self._save_value(values)
            elif isinstance(value, (ArtifactVersionResponse, ExternalArtifact)):
                artifact = self._as_artifact(value, where)
                producer = self._producers.get(str(artifact.id)) if artifact else None
                if producer:
                    upstream.append(producer)
            else:
                artifact = self._as_artifact(value, where)
                if artifact is not None:
                    value = artifact
                    producer = self._producers.get(str(artifact.id))
                    if producer:
                        upstream.append(producer)
                else:  # a value passed in the function: saved as an input artifact (as ZenML)
                    value = self._save_value(value)
            resolved[name] = value
        return resolved, upstream

    def _run(
        self, step: Step, invocation_id: str, arguments: dict[str, Any], after_ids: list[str]
    ) -> StepFuture:
        from stackwise.pipelines.run_checks import check_spec_on_stack

        resolved, upstream = self._inputs(invocation_id, arguments)
        invocation = Invocation(
            invocation_id, step, resolved, after=list(dict.fromkeys([*upstream, *after_ids]))
        )
        self.invocations[invocation_id] = invocation
        problems = ProblemCollector()
        externals: dict[str, ExternalArtifact] = {}
        spec = _resolve_step(
            invocation,
            self.pipeline_name,
            self.run_config,
            self.defaults,
            problems,
            externals,
            {},
            self.ctx.callables,
            self.run_layer,
        )
        problems.raise_if_any(
            PipelineCompilationError,
            f"Step '{invocation_id}' of dynamic pipeline '{self.pipeline_name}' cannot run",
        )
        one = PipelineSpec(
            name=self.pipeline_name, parameters={}, steps={invocation_id: spec}, dynamic=True
        )
        check_spec_on_stack(one, self.ctx.stack, self.ctx.store)
        self.ctx.stack.orchestrator.warn_unenforced_timeouts(one)
        for version_id, external in externals.items():
            self.ctx.fixed_versions[version_id] = self.ctx.store.create_artifact_version(
                external.new_version(
                    version_id, self.ctx.stack.artifact_store, f"{self.pipeline_name}::external"
                )
            )
        self.ctx.spec.steps[invocation_id] = spec
        self.ctx.step_objects[invocation_id] = step
        self.ctx.store.update_run(self.ctx.run.id, spec=self.ctx.spec.to_dict())
        outcome = self.runner.run(invocation_id)
        self.statuses[invocation_id] = outcome.status
        if outcome.error is not None:
            self.errors[invocation_id] = outcome.error
        outputs = {}
        for name, record in outcome.outputs.items():
            outputs[name] = OutputArtifact.from_record(record, self.ctx.store)
            self._producers[record.id] = invocation_id
        return StepFuture(
            invocation_id,
            [o.name for o in spec.outputs],
            outputs,
            outcome.error if outcome.status == ExecutionStatus.FAILED else None,
        )


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _single(future: StepFuture, where: str) -> OutputArtifact:
    artifacts = future.artifacts()
    if not isinstance(artifacts, OutputArtifact):
        raise StepInterfaceError(
            f"{where} comes from step '{future.invocation_id}', which has {len(future)} "
            "outputs; pick one (future[0], or unpack the step call)."
        )
    return artifacts


def launch_dynamic_run(
    pipeline: Pipeline,
    run_config: RunConfig,
    parameters: dict[str, Any],
    options: dict[str, Any],
    defaults: PipelineDefaults,
) -> PipelineRunResponse:
    """Record a run of the dynamic pipeline and run its function; steps run as it calls
    them."""
    from stackwise.pipelines.compiler import CompiledPipeline
    from stackwise.pipelines.run_launch import launch_run
    from stackwise.utils.jsonable import is_json_value

    enable_cache = next(
        (
            v
            for v in (run_config.enable_cache, defaults.options.get("enable_cache"))
            if v is not None
        ),
        True,
    )
    spec = PipelineSpec(
        name=pipeline.name,
        parameters={k: v for k, v in parameters.items() if is_json_value(v)},
        steps={},
        enable_cache=bool(enable_cache),
        extra={**defaults.options.get("extra", {}), **run_config.extra},
        dynamic=True,
    )

    def execute(context: RunContext) -> tuple[Statuses, dict[str, BaseException]]:
        run = DynamicRun(pipeline.name, context, run_config, defaults)
        return run.execute(pipeline.entrypoint, parameters)

    run = launch_run(pipeline, CompiledPipeline(spec, {}), run_config, options, execute=execute)
    assert run is not None  # never scheduled: no scheduling orchestrator runs dynamic pipelines
    return run
