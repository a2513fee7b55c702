"""StepRunner: executes one step, anywhere, from the store and the spec.

Given a run and an invocation id it loads the inputs through the materializers that saved them,
computes the cache key, and either records a cached step run pointing at earlier outputs (one
read, one write) or runs the function inside its StepContext (and experiment tracker), saves
every output into a fresh folder and records outputs, metadata and status in one final write.
Outputs are registered only after all of them are saved: a failure never leaves a half-written
artifact registered, and the files of a failed attempt are removed.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from stackwise.config.retry_config import StepRetryConfig
from stackwise.enums import ArtifactSaveType, ArtifactType, ExecutionStatus, MetadataResourceType
from stackwise.exceptions import StepFailedError, StepOutputError, StepTimeoutError
from stackwise.execution import progress
from stackwise.execution.cache import cache_key, expired
from stackwise.execution.hooks import call_hook
from stackwise.execution.model_versions import RUN_KEY, STEPS_KEY, ModelVersionCache
from stackwise.execution.step_dispatch import on_step_operator, run_on_step_operator
from stackwise.execution.step_environment import secret_environment, step_environment
from stackwise.execution.step_logs import LogCapture, logs_uri, step_logs_disabled
from stackwise.execution.step_run_config import artifact_names, recorded_name, step_run_config
from stackwise.materializers.artifact_loading import listening_to_loads, load_data
from stackwise.materializers.artifact_saving import artifact_uri, save_data
from stackwise.materializers.integrity import Status, mark_corrupted, unusable_output
from stackwise.materializers.materializer_registry import import_materializer
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.models.pipeline_spec import PipelineSpec, StepSpec
from stackwise.models.step_run import StepRunResponse
from stackwise.stack.stack import Stack
from stackwise.steps.outputs import describe_type, type_matches
from stackwise.steps.step_context import StepContext, reset_step_context, set_step_context
from stackwise.store.base import Store
from stackwise.store.records import (
    ArtifactVersionRecord,
    ModelVersionRecord,
    NewArtifactVersion,
    RunRecord,
)
from stackwise.utils.ids import new_id
from stackwise.utils.source import load_source

logger = logging.getLogger("stackwise")

S = ExecutionStatus


@dataclass
class RunContext:
    """What every step of one run shares. In-process orchestrators keep it in memory so a step
    needs no reads for its upstream outputs; a worker builds it from the store."""

    store: Store
    stack: Stack
    run: RunRecord
    spec: PipelineSpec
    step_objects: dict[str, Any] = field(default_factory=dict)  # invocation -> Step
    outputs: dict[str, dict[str, ArtifactVersionRecord]] = field(default_factory=dict)
    fixed_versions: dict[str, ArtifactVersionRecord] = field(default_factory=dict)
    callables: dict[str, Any] = field(default_factory=dict)  # source -> hook function
    pipeline_state: Any = None  # what the pipeline's on_init hook returned
    init_done: bool = False  # on_init ran for this context (here, or in the launching process)
    models: ModelVersionCache | None = None  # resolved model versions (model_versions.py)
    detached: bool = False  # the orchestrator runs the steps on after `submit` returned
    _run_view: PipelineRunResponse | None = None

    def model_version_of(self, spec: StepSpec) -> ModelVersionRecord | None:
        """The model version the step uses (None without a model): as the run's
        configuration recorded it, else (a dynamic pipeline's step) resolved now and linked
        to the run."""
        if not spec.model:
            return None
        if self.models is None:
            self.models = ModelVersionCache(
                self.store, dict(self.run.config.get("substitutions") or {})
            )
        recorded = (self.run.config.get(STEPS_KEY) or {}).get(spec.invocation_id)
        if recorded is None and spec.model == self.run.config.get("model"):
            recorded = self.run.config.get(RUN_KEY)
        if recorded is not None:
            return self.models.record(recorded)
        known = set(self.models.by_id)
        record = self.models.resolve(spec.model)
        if record.id not in known and record.id != self.run.config.get(RUN_KEY):
            self.store.link_run_to_model_version(record.id, self.run.id)
        return record

    def ensure_pipeline_state(self) -> Any:
        """The init hook's value; a context rebuilt in a worker process runs the hook (named
        in the run's config) once there, as ZenML runs it in each step environment."""
        if not self.init_done:
            self.init_done = True
            source = self.run.config.get("init_hook_source")
            if source:
                hook = _import_source(source)
                self.pipeline_state = hook(**self.run.config.get("init_hook_kwargs") or {})
        return self.pipeline_state

    @property
    def run_view(self) -> PipelineRunResponse:
        if self._run_view is None:
            self._run_view = PipelineRunResponse.from_record(self.run, self.store)
        return self._run_view


@dataclass
class StepOutcome:
    status: ExecutionStatus
    outputs: dict[str, ArtifactVersionRecord]
    error: BaseException | None = None


_importing: list[str] = []  # sources this process is importing for a StepRunner right now


def importing_step_code() -> str | None:
    """The step or hook source this process is importing right now, or None. A pipeline called
    meanwhile is a script's top-level call, run again because a worker loaded the script to
    find its steps: `Pipeline.run` refuses it rather than start runs within runs."""
    return _importing[-1] if _importing else None


def _import_source(source: str) -> Any:
    _importing.append(source)
    try:
        return load_source(source)
    finally:
        _importing.pop()


def timeout_message(invocation_id: str, seconds: float) -> str:
    return (
        f"Step '{invocation_id}' timed out after {seconds:g} s and was stopped "
        f"(@step(timeout={seconds:g})); raise its timeout if it needs longer."
    )


def describe_exception(error: BaseException) -> dict[str, Any]:
    """An error as a step run's `exception_info` records it."""
    return {
        "type": f"{type(error).__module__}.{type(error).__qualname__}",
        "message": str(error),
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    }


class StepRunner:
    def __init__(self, context: RunContext) -> None:
        self.ctx = context
        self.artifact_store = context.stack.artifact_store
        self._code_texts: dict[str, tuple[str | None, str | None]] = {}

    # -- inputs ----------------------------------------------------------------------
    def _input_records(self, spec: StepSpec) -> dict[str, ArtifactVersionRecord]:
        records: dict[str, ArtifactVersionRecord] = {}
        for name, source in spec.inputs.items():
            if source.model_artifact is not None:
                record = self._model_artifact(spec, name, source.model_artifact)
            elif source.artifact_version_id is not None:
                fixed = self.ctx.fixed_versions.get(source.artifact_version_id)
                if fixed is None:
                    fixed = self.ctx.store.get_artifact_version(source.artifact_version_id)
                    self.ctx.fixed_versions[fixed.id] = fixed
                record = fixed
            else:
                assert source.step is not None and source.output is not None
                produced = self.ctx.outputs.get(source.step)
                if produced is None:
                    produced = self._outputs_from_store(source.step)
                record = produced[source.output]
            records[name] = record
        return records

    def _model_artifact(
        self, spec: StepSpec, input_name: str, lazy: dict[str, Any]
    ) -> ArtifactVersionRecord:
        """`model.get_artifact(...)` given in the pipeline function, resolved now: the newest
        version of that artifact linked to that model version (a model without a version,
        the one this step or run uses; else its version as given)."""
        from stackwise.exceptions import InputResolutionError
        from stackwise.models.model_version import ModelVersionResponse

        data = dict(lazy.get("model") or {})
        version = None
        if data.get("version") is None and data.get("model_version_id") is None:
            mine = self.ctx.model_version_of(spec)
            if mine is not None and mine.model_name == data.get("name"):
                version = mine
            else:
                data["version"] = "latest"
        if version is None:
            from stackwise.model import resolve_model_version

            version = resolve_model_version(self.ctx.store, data, create=False)
        response = ModelVersionResponse.from_record(version, self.ctx.store)
        found = response._find(str(lazy["name"]), lazy.get("version"), lazy.get("kind"))
        if found is None:
            linked = sorted({v.name for v in response._linked})
            raise InputResolutionError(
                f"Step '{spec.invocation_id}' input '{input_name}': model '{version.model_name}' "
                f"version '{version.name}' has no artifact '{lazy['name']}'"
                f"{'' if lazy.get('version') is None else ' version ' + str(lazy['version'])} "
                f"linked (linked: {', '.join(linked) or 'none'}). Run the pipeline that "
                "produces it with this model first."
            )
        return found.record  # type: ignore[no-any-return]

    def _outputs_from_store(self, invocation_id: str) -> dict[str, ArtifactVersionRecord]:
        steps = [
            s
            for s in self.ctx.store.list_step_runs(self.ctx.run.id)
            if s.name == invocation_id and S(s.status).is_successful
        ]
        if not steps:
            raise StepFailedError(
                f"Upstream step '{invocation_id}' has no successful run in "
                f"run '{self.ctx.run.name}'.",
                step=invocation_id,
            )
        spec = self.ctx.spec.steps[invocation_id]
        names = artifact_names(spec, self.ctx.run.config)
        by_record = {recorded_name(o, names): o.name for o in spec.outputs}
        ids = {by_record.get(n, n): v[0] for n, v in steps[-1].outputs.items()}
        versions = self.ctx.store.get_artifact_versions(ids.values())
        produced = {n: versions[i] for n, i in ids.items()}
        self.ctx.outputs[invocation_id] = produced
        return produced

    def _step_object(self, spec: StepSpec) -> Any:
        step = self.ctx.step_objects.get(spec.invocation_id)
        if step is None:
            step = _import_source(spec.source)
            self.ctx.step_objects[spec.invocation_id] = step
        return step

    def _callable(self, source: str | None) -> Any:
        """A hook named in the spec: the object itself in-process, else imported by source."""
        if source is None:
            return None
        found = self.ctx.callables.get(source)
        if found is None:
            found = self.ctx.callables[source] = _import_source(source)
        return found

    # -- running ---------------------------------------------------------------------
    def run(self, invocation_id: str, attempt: int | None = None) -> StepOutcome:
        """Run the step (cache first), retrying as its `retry` says. With `attempt`, run
        that one attempt only (a remote engine retries the task itself): a failure is RETRIED
        while attempts remain, FAILED on the last."""
        spec = self.ctx.spec.steps[invocation_id]
        inputs = self._input_records(spec)
        key = cache_key(spec, inputs, self.artifact_store.id, self._callable)
        input_ids = {n: r.id for n, r in inputs.items()}
        if spec.enable_cache:
            hit = self._try_cache(spec, key, input_ids)
            if hit is not None:
                progress.step_cached(invocation_id)
                return hit
        if spec.step_operator and not on_step_operator():
            return run_on_step_operator(self, spec)
        progress.step_started(invocation_id)
        retry = StepRetryConfig.coerce(spec.retry)
        attempts = 1 + (retry.max_retries if retry else 0)
        step = self._step_object(spec)
        if attempt is not None:
            outcome = self._execute(
                spec, step, inputs, key, input_ids, attempt, final=attempt >= attempts
            )
            progress.step_finished(invocation_id, outcome.status, outcome.error)
            return outcome
        for attempt in range(1, attempts + 1):
            outcome = self._execute(
                spec, step, inputs, key, input_ids, attempt, final=attempt == attempts
            )
            if outcome.status != S.RETRIED:
                progress.step_finished(invocation_id, outcome.status, outcome.error)
                return outcome
            assert retry is not None
            wait = retry.wait_before(attempt)
            logger.warning(
                "Step '%s' failed (attempt %d of %d): %s. Retrying in %.1fs.",
                invocation_id,
                attempt,
                attempts,
                outcome.error,
                wait,
            )
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _try_cache(self, spec: StepSpec, key: str, input_ids: dict[str, str]) -> StepOutcome | None:
        found = self.ctx.store.find_cached_step_run(key)
        if found is None:
            return None
        original, outputs = found
        if expired(spec, original):
            return None
        declared = {o.name for o in spec.outputs}
        if not declared <= outputs.keys():
            return None
        try:
            unusable = unusable_output(outputs, self.artifact_store)
        except OSError as error:  # the store is unreachable: a miss, and the run says why
            logger.warning(
                "Step '%s': cannot check its cached outputs (%s); running it.",
                spec.invocation_id,
                error,
            )
            return None
        if unusable is not None:  # outputs deleted, or damaged (marked once): run again
            name, check = unusable
            if check.status is Status.CORRUPTED:
                version = outputs[name]
                mark_corrupted(self.ctx.store, version, "; ".join(check.problems))
                logger.warning(
                    "Step '%s' is not cached: its output '%s' (artifact '%s' "
                    "version %s) is corrupted (%s); running it again.",
                    spec.invocation_id,
                    name,
                    version.name,
                    version.version,
                    "; ".join(check.problems),
                )
            return None
        model_version = self.ctx.model_version_of(spec)
        config = self._config_with_model(spec, model_version)
        self.ctx.store.record_cached_step_run(
            run_id=self.ctx.run.id,
            name=spec.invocation_id,
            source=spec.source,
            config=config,
            cache_key=key,
            code_hash=spec.code_hash,
            original=original,
            inputs=input_ids,
            outputs={n: v.id for n, v in outputs.items()},
            model_version_id=model_version.id if model_version is not None else None,
        )
        self.ctx.outputs[spec.invocation_id] = outputs
        logger.debug(
            "Step '%s' is cached: using the outputs of an earlier run.", spec.invocation_id
        )
        return StepOutcome(S.CACHED, outputs)

    def _execute(
        self,
        spec: StepSpec,
        step: Any,
        inputs: dict[str, ArtifactVersionRecord],
        key: str,
        input_ids: dict[str, str],
        attempt: int,
        final: bool,
    ) -> StepOutcome:
        store = self.ctx.store
        model_version = self.ctx.model_version_of(spec)
        model_version_id = model_version.id if model_version is not None else None
        config = self._config_with_model(spec, model_version)
        logs = self._log_capture(spec, config)
        docstring, source_code = self._code_text(spec, step)
        step_run = store.start_step_run(
            run_id=self.ctx.run.id,
            name=spec.invocation_id,
            source=spec.source,
            config=config,
            cache_key=key,
            code_hash=spec.code_hash,
            inputs=input_ids,
            attempt=attempt,
            docstring=docstring,
            source_code=source_code,
        )
        names = artifact_names(spec, self.ctx.run.config)
        version_ids = {o.name: new_id() for o in spec.outputs}
        uris = {
            o.name: artifact_uri(self.artifact_store, names[o.name], version_ids[o.name])
            for o in spec.outputs
        }
        context = StepContext(
            store=store,
            stack=self.ctx.stack,
            spec=spec,
            pipeline_run=self.ctx.run_view,
            step_run=StepRunResponse.from_record(step_run, store),
            output_uris=uris,
            output_artifact_names=names,
            inputs=inputs,
            step=step,
            pipeline_state=self.ctx.ensure_pipeline_state(),
            model_version=model_version,
        )
        token = set_step_context(context)
        saved: list[tuple[str, NewArtifactVersion]] = []
        tracker_metadata: dict[str, Any] = {}
        with ExitStack() as scope:
            if logs is not None:
                scope.enter_context(logs)
            try:
                variables = dict(spec.environment)
                if spec.secrets:
                    variables.update(secret_environment(store, spec.secrets))
                scope.enter_context(step_environment(variables))
                values = {n: load_data(r, store, self.artifact_store) for n, r in inputs.items()}
                context.input_values = values  # a model deployer finds a model's artifact
                self._hook(spec.on_start, spec, "on_start")
                try:
                    with ExitStack() as stack:
                        if spec.experiment_tracker:
                            tracker_metadata = stack.enter_context(
                                self._tracking(spec, step_run.id)
                            )
                        stack.enter_context(listening_to_loads(context.record_loaded))
                        result = step.entrypoint(**spec.parameters, **values)
                finally:
                    self._hook(spec.on_end, spec, "on_end")
                models: list[tuple[str, Any]] = []
                for output, value in self._split_outputs(spec, result):
                    new = self._save_output(
                        spec, output, value, version_ids, uris, context, names[output.name]
                    )
                    saved.append((recorded_name(output, names), new))
                    if new.artifact_type == ArtifactType.MODEL:
                        models.append((new.id, value))
                if models and model_version is not None:
                    self._register_models(spec, model_version, models)
                self._hook(spec.on_success, spec, "on_success")
            except Exception as error:
                # Nothing below may replace `error`: cleanup and recording failures are logged.
                if logs is not None:
                    logs.exception(error)
                self._remove_partial_outputs(spec, uris)
                final = final or isinstance(error, StepTimeoutError)
                status = S.FAILED if final else S.RETRIED
                if final:
                    self._hook(spec.on_failure, spec, "on_failure", error)
                info = describe_exception(error)
                try:
                    store.finish_step_run(
                        step_run,
                        status=str(status),
                        linked_inputs=context.loaded_inputs,
                        exception_info=info,
                        metadata=self._metadata(step_run.id, context, tracker_metadata),
                        model_version_id=model_version_id,
                    )
                except Exception:  # then at least the status and the error
                    logger.warning(
                        "Step '%s': could not record its failure in full.",
                        spec.invocation_id,
                        exc_info=True,
                    )
                    with contextlib.suppress(Exception):  # the run's end records it then
                        store.finish_step_run(step_run, status=str(status), exception_info=info)
                return StepOutcome(status, {}, error)
            finally:
                reset_step_context(token)
        registered = store.finish_step_run(
            step_run,
            status=str(S.COMPLETED),
            outputs=saved,
            linked_outputs=context.linked_outputs,
            linked_inputs=context.loaded_inputs,
            metadata=self._metadata(step_run.id, context, tracker_metadata),
            model_version_id=model_version_id,
        )
        if any("{" in o.name for o in spec.outputs):
            registered = {o.name: registered[recorded_name(o, names)] for o in spec.outputs}
        self.ctx.outputs[spec.invocation_id] = registered
        return StepOutcome(S.COMPLETED, registered)

    def _register_models(
        self, spec: StepSpec, model_version: ModelVersionRecord, models: list[tuple[str, Any]]
    ) -> None:
        """Register the step's model outputs in the stack's model registry, when its model
        version asks for it (`save_models_to_registry`, the default) and the stack has one;
        a failure fails the step (ModelRegistryError naming the registry)."""
        if not (spec.model or {}).get("save_models_to_registry", True):
            return
        from stackwise.model_registries.syncing import register_step_models, stack_registry

        registry = stack_registry(self.ctx.stack)
        if registry is None:
            return
        register_step_models(
            registry,
            model_version,
            models,
            pipeline_name=self.ctx.spec.name,
            run_id=self.ctx.run.id,
            run_name=self.ctx.run.name,
            step_name=spec.invocation_id,
        )

    def _log_capture(self, spec: StepSpec, config: dict[str, Any]) -> LogCapture | None:
        """The capture of the step's output, its place recorded in `config` (written with
        the step's start), or None when the step's configuration or
        STACKWISE_DISABLE_STEP_LOGS_STORAGE turns logs off."""
        config["logs_uri"] = None
        if spec.enable_step_logs is False or step_logs_disabled():
            return None
        log_id = new_id()
        config["logs_uri"] = logs_uri(self.artifact_store, log_id, self.ctx.run.id)
        config["logs_id"] = log_id
        config["logs_artifact_store_id"] = self.artifact_store.id
        return LogCapture(self.artifact_store, config["logs_uri"])

    def _config_with_model(
        self, spec: StepSpec, model_version: ModelVersionRecord | None
    ) -> dict[str, Any]:
        """The step run's recorded configuration. As in ZenML, its `model` (and the model
        version it records) is the step's own: a step that only inherits the pipeline's
        model records none (the run records that one)."""
        config = step_run_config(spec)
        if spec.model and spec.model == self.ctx.run.config.get("model"):
            config["model"] = None
        elif model_version is not None:
            config[RUN_KEY] = model_version.id
        return config

    def _remove_partial_outputs(self, spec: StepSpec, uris: dict[str, str]) -> None:
        """Delete a failed attempt's output folders (saved outputs, anything the step wrote
        there). A store that cannot do it (unreachable) leaves orphaned files, which
        `stackwise artifact prune` removes: logged, never raised over the step's error."""
        from stackwise.utils.network import unreachable_reason

        url = self.artifact_store.probe_url() if uris else None
        reason = unreachable_reason(url, timeout=2.0) if url else None
        if reason is not None:  # down: do not spend its retry budget once per folder
            logger.warning(
                "Step '%s' failed, and its partial outputs could not be removed: "
                "artifact store '%s' does not answer at %s (%s); `stackwise "
                "artifact prune` removes them later.",
                spec.invocation_id,
                self.artifact_store.name,
                url,
                reason,
            )
            return
        for uri in uris.values():
            try:
                self.artifact_store.rmtree(uri)
            except Exception as error:  # noqa: BLE001 - see the docstring
                logger.warning(
                    "Step '%s' failed, and its partial output at %s could not be "
                    "removed (%s: %s); `stackwise artifact prune` removes it later.",
                    spec.invocation_id,
                    uri,
                    type(error).__name__,
                    error,
                )

    def _code_text(self, spec: StepSpec, step: Any) -> tuple[str | None, str | None]:
        """The step function's docstring and source text, read once per step source."""
        found = self._code_texts.get(spec.source)
        if found is None:
            import inspect

            func = getattr(step, "entrypoint", step)
            try:
                text: str | None = inspect.getsource(func)
            except (OSError, TypeError):
                text = None
            found = self._code_texts[spec.source] = (inspect.getdoc(func), text)
        return found

    def _hook(
        self, source: str | None, spec: StepSpec, kind: str, error: BaseException | None = None
    ) -> None:
        hook = self._callable(source)
        if hook is not None:
            call_hook(hook, spec.invocation_id, kind, error)

    @staticmethod
    def _metadata(
        step_run_id: str, context: StepContext, tracker_metadata: dict[str, Any]
    ) -> dict[tuple[str, str], dict[str, Any]]:
        values = {**tracker_metadata, **context.step_metadata}
        found = {(str(MetadataResourceType.STEP_RUN), step_run_id): values} if values else {}
        if context.model_metadata and context.model_version_record is not None:
            key = (str(MetadataResourceType.MODEL_VERSION), context.model_version_record.id)
            found[key] = dict(context.model_metadata)
        return found

    def _tracking(
        self, spec: StepSpec, step_run_id: str
    ) -> contextlib.AbstractContextManager[dict[str, Any]]:
        from stackwise.enums import StackComponentType
        from stackwise.exceptions import StackValidationError
        from stackwise.experiment_trackers.base_experiment_tracker import (
            BaseExperimentTracker,
            StepRunInfo,
        )

        tracker = self.ctx.stack.component(
            StackComponentType.EXPERIMENT_TRACKER,
            None if spec.experiment_tracker is True else spec.experiment_tracker or None,
        )
        if not isinstance(tracker, BaseExperimentTracker):
            # run_checks refuses such a spec before the run; a stack changed since meets this
            raise StackValidationError(
                f"Step '{spec.invocation_id}' asks for the stack's experiment tracker, but "
                f"stack '{self.ctx.stack.name}' has none."
            )
        flavor_key = f"experiment_tracker.{tracker.flavor}"
        settings = {
            **spec.settings.get("experiment_tracker", {}),
            **spec.settings.get(flavor_key, {}),
        }
        info = StepRunInfo(
            pipeline_name=self.ctx.spec.name,
            run_id=self.ctx.run.id,
            run_name=self.ctx.run.name,
            step_name=spec.invocation_id,
            step_run_id=step_run_id,
            settings=settings,
        )
        return tracker.track_step(info)

    @staticmethod
    def _split_outputs(spec: StepSpec, result: Any) -> list[tuple[Any, Any]]:
        declared = spec.outputs
        if not declared:
            if result is not None:
                raise StepOutputError(
                    f"Step '{spec.invocation_id}' is annotated to return None but returned a "
                    f"{type(result).__name__}; annotate its return type to keep the value."
                )
            return []
        if len(declared) == 1:
            return [(declared[0], result)]
        if not isinstance(result, (tuple, list)) or len(result) != len(declared):
            got = (
                f"{len(result)} values"
                if isinstance(result, (tuple, list))
                else f"one {type(result).__name__}"
            )
            raise StepOutputError(
                f"Step '{spec.invocation_id}' declares {len(declared)} outputs "
                f"({', '.join(o.name for o in declared)}) but returned {got}."
            )
        return list(zip(declared, result, strict=True))

    def _save_output(
        self,
        spec: StepSpec,
        output: Any,
        value: Any,
        version_ids: dict[str, str],
        uris: dict[str, str],
        context: StepContext,
        name: str,
    ) -> NewArtifactVersion:
        step = self._step_object(spec)
        annotation = next((o.annotation for o in step.outputs if o.name == output.name), Any)
        if not type_matches(value, annotation):
            raise StepOutputError(
                f"Step '{spec.invocation_id}' output '{output.name}' should be "
                f"{describe_type(annotation)} (its annotation) but the step returned "
                f"{type(value).__module__}.{type(value).__qualname__}. Fix the return value "
                "or the annotation."
            )
        materializer = import_materializer(output.materializer) if output.materializer else None
        return context.finish_output(
            output.name,
            save_data(
                value,
                version_id=version_ids[output.name],
                name=name,
                uri=uris[output.name],
                artifact_store=self.artifact_store,
                save_type=str(ArtifactSaveType.STEP_OUTPUT),
                materializer=materializer,
                version=output.version,
                tags=output.tags,
                metadata=context.output_metadata.get(output.name),
                # None (not set) means on, as in ZenML
                extract_metadata=getattr(spec, "enable_artifact_metadata", None) is not False,
                include_visualizations=getattr(spec, "enable_artifact_visualization", None)
                is not False,
            ),
        )


def skip_reason(
    spec: PipelineSpec, invocation_id: str, status_of: Callable[[str], ExecutionStatus | None]
) -> str | None:
    """Why a step cannot run: the first upstream step that did not succeed, or None."""
    for upstream in spec.steps[invocation_id].upstream:
        status = status_of(upstream)
        if status is None or not status.is_successful:
            return upstream
    return None
