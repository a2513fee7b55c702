"""Planning a run without running it: compile the pipeline, then say for each step, in order,
whether it would be `cached` or `will run`, and why.

A step is cached when a completed step run with the same cache key exists and its outputs'
files are still there. Otherwise the plan names what changed: the parts of the cache key
(code, parameters, inputs, outputs/materializer, artifact store) are compared with those of the
latest completed (or cached) run of the same invocation in this pipeline. Those parts are taken
from the step run's config (`cache_parts`) when the StepRunner recorded them, else rebuilt from
what every step run records (code hash, the run's spec, input versions, the output versions'
artifact store) and accepted only if they give back the recorded key.

A step fed by a step that will run will run too (its inputs are not known yet); an `after=`
edge alone does not decide, since it is not part of the key. Nothing is executed and no run,
step run or artifact is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ZenKeyError
from stackwise.execution.cache import cache_key, cache_key_parts
from stackwise.models.pipeline_spec import PipelineSpec, StepSpec
from stackwise.utils.jsonable import sha256_hex

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.pipelines.compiler import CompiledPipeline
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord, RunRecord, StepRunRecord

S = ExecutionStatus
PART_LABELS = {
    "code": "code",
    "parameters": "parameters",
    "inputs": "inputs",
    "outputs": "outputs/materializer",
    "artifact_store": "artifact store",
}
RUNS_TO_SEARCH = 100  # how far back the previous run of each step is looked for


def part_digests(parts: Mapping[str, str]) -> dict[str, str]:
    """Short digests of the cache key's parts: enough to tell which part changed, small
    enough to keep with every step run (`cache_parts` in its config)."""
    return {name: sha256_hex(value)[:12] for name, value in parts.items()}


@dataclass(frozen=True)
class StepPlan:
    invocation_id: str
    will_run: bool
    reason: str  # why it runs, or whose outputs it reuses
    cache_key: str | None = None  # None while its inputs are unknown

    @property
    def decision(self) -> str:
        return "will run" if self.will_run else "cached"

    def __str__(self) -> str:
        return f"{self.invocation_id}: {self.decision} ({self.reason})"


@dataclass(frozen=True)
class PipelinePlan:
    pipeline_name: str
    stack_name: str
    steps: list[StepPlan]

    def __iter__(self) -> Iterator[StepPlan]:
        return iter(self.steps)

    def __getitem__(self, invocation_id: str) -> StepPlan:
        for plan in self.steps:
            if plan.invocation_id == invocation_id:
                return plan
        raise ZenKeyError(invocation_id)

    @property
    def will_run(self) -> list[str]:
        return [p.invocation_id for p in self.steps if p.will_run]


@dataclass(frozen=True)
class _ExternalInput:
    """An external artifact as the cache key sees it before it is saved."""

    id: str
    content_hash: str | None


def plan_pipeline(pipeline: Pipeline, *args: Any, **kwargs: Any) -> PipelinePlan:
    """What calling `pipeline(*args, **kwargs)` on the active stack would run."""
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    compiled = pipeline.compile(*args, **kwargs)
    store = get_store()
    return plan_compiled(compiled, store, active_stack(store))


def plan_compiled(compiled: CompiledPipeline, store: Store, stack: Stack) -> PipelinePlan:
    spec = compiled.spec
    artifact_store = stack.artifact_store
    history = _History(store, spec.name, set(spec.steps), artifact_store)
    outputs: dict[str, dict[str, ArtifactVersionRecord]] = {}  # of the steps that are cached
    plans: list[StepPlan] = []
    for inv, step in spec.steps.items():
        if not step.enable_cache:
            plans.append(StepPlan(inv, True, "caching disabled"))
            continue
        feeding = next(
            (i.step for i in step.inputs.values() if i.step is not None and i.step not in outputs),
            None,
        )
        if feeding is not None:
            plans.append(StepPlan(inv, True, f"upstream '{feeding}' runs"))
            continue
        inputs = _inputs(step, outputs, compiled, store, artifact_store)
        key = cache_key(step, inputs, artifact_store.id)
        hit = store.find_cached_step_run(key)
        if hit is not None:
            original, found = hit
            if _usable(step, found, artifact_store):
                outputs[inv] = found
                run_name = store.get_run(original.run_id).name
                plans.append(StepPlan(inv, False, f"outputs of run '{run_name}'", key))
                continue
            run_name = store.get_run(original.run_id).name
            plans.append(
                StepPlan(inv, True, f"the cached outputs of run '{run_name}' were deleted", key)
            )
            continue
        parts = cache_key_parts(step, inputs, artifact_store.id)
        plans.append(StepPlan(inv, True, history.why(step, parts, inputs), key))
    return PipelinePlan(spec.name, stack.name, plans)


def _usable(
    step: StepSpec, found: dict[str, ArtifactVersionRecord], artifact_store: BaseArtifactStore
) -> bool:
    """What the StepRunner checks before a cache hit: every output there, its files too."""
    if not {o.name for o in step.outputs} <= found.keys():
        return False
    return all(artifact_store.exists(v.uri) for v in found.values())


def _inputs(
    step: StepSpec,
    outputs: dict[str, dict[str, ArtifactVersionRecord]],
    compiled: CompiledPipeline,
    store: Store,
    artifact_store: BaseArtifactStore,
) -> dict[str, Any]:
    """Each input as the cache key sees it: an upstream's cached output, an existing artifact
    version, or an external artifact's content hash (computed here, not saved)."""
    records: dict[str, Any] = {}
    for name, source in step.inputs.items():
        if source.step is not None and source.output is not None:
            records[name] = outputs[source.step][source.output]
        elif source.artifact_version_id in compiled.externals:
            external = compiled.externals[source.artifact_version_id]
            records[name] = _ExternalInput(
                source.artifact_version_id, _content_hash(external, artifact_store)
            )
        elif source.artifact_version_id is not None:
            records[name] = store.get_artifact_version(source.artifact_version_id)
    return records


def _content_hash(external: Any, artifact_store: BaseArtifactStore) -> str | None:
    from stackwise.materializers.materializer_registry import materializer_registry

    materializer = external.materializer or materializer_registry.get(type(external.value))
    try:
        return materializer(uri="", artifact_store=artifact_store).compute_content_hash(
            external.value
        )
    except Exception:  # noqa: BLE001 - no hash: the step is planned to run, like it would
        return None


class _History:
    """The latest completed (or cached) step run of each invocation in earlier runs of the
    pipeline, and the cache key parts it ran with."""

    def __init__(
        self,
        store: Store,
        pipeline_name: str,
        invocations: set[str],
        artifact_store: BaseArtifactStore,
    ) -> None:
        self.store = store
        self.artifact_store = artifact_store
        self.latest: dict[str, tuple[RunRecord, StepRunRecord]] = {}
        self._find(pipeline_name, invocations)

    def _find(self, pipeline_name: str, invocations: set[str]) -> None:
        from stackwise.exceptions import EntityNotFoundError

        try:
            pipeline_id = self.store.get_pipeline(pipeline_name).id
        except EntityNotFoundError:
            return
        page_size = 20
        for index in range(1, RUNS_TO_SEARCH // page_size + 1):
            page = self.store.list_runs(
                filters={"pipeline_id": pipeline_id}, index=index, size=page_size
            )
            for run in page:
                for step_run in reversed(self.store.list_step_runs(run.id)):
                    if (
                        step_run.name in invocations
                        and step_run.name not in self.latest
                        and S(step_run.status).is_successful
                    ):
                        self.latest[step_run.name] = (run, step_run)
                if invocations <= self.latest.keys():
                    return
            if index >= page.total_pages:
                return

    def why(self, step: StepSpec, parts: dict[str, str], inputs: Mapping[str, Any]) -> str:
        inv = step.invocation_id
        found = self.latest.get(inv)
        externals = [
            n for n, v in inputs.items() if isinstance(v, _ExternalInput) and v.content_hash is None
        ]
        if found is None:
            return "no earlier completed run of this step"
        run, step_run = found
        before = self._digests(run, step_run)
        if before is None:
            return (
                f"its cache key differs from run '{run.name}' (that run records no parts "
                "to compare)"
            )
        changed = [
            self._label(name, step, step_run)
            for name, digest in part_digests(parts).items()
            if before.get(name) != digest
        ]
        if externals:
            changed.append(f"external input(s) {', '.join(externals)} without a content hash")
        if not changed:
            return f"no completed run has its cache key (run '{run.name}' did not complete it)"
        return f"{', '.join(changed)} changed since run '{run.name}'"

    @staticmethod
    def _label(part: str, step: StepSpec, step_run: StepRunRecord) -> str:
        """The part's name; for parameters, which ones."""
        if part == "parameters":
            old = step_run.config.get("parameters")
            if isinstance(old, dict):
                names = sorted(
                    n for n in {*old, *step.parameters} if old.get(n) != step.parameters.get(n)
                )
                if names:
                    return f"parameters ({', '.join(names)})"
        return PART_LABELS.get(part, part)

    def _digests(self, run: RunRecord, step_run: StepRunRecord) -> dict[str, str] | None:
        recorded = step_run.config.get("cache_parts")
        if isinstance(recorded, dict):
            return {str(k): str(v) for k, v in recorded.items()}
        return self._rebuilt(run, step_run)

    def _rebuilt(self, run: RunRecord, step_run: StepRunRecord) -> dict[str, str] | None:
        """The parts a step run ran with, from its run's spec and its artifact versions;
        None unless they give back its recorded cache key."""
        try:
            old_step = PipelineSpec.from_dict(run.spec).steps[step_run.name]
        except (KeyError, TypeError):
            return None
        output_ids = [ids[0] for ids in step_run.outputs.values() if ids]
        versions = self.store.get_artifact_versions([*step_run.inputs.values(), *output_ids])
        if not set(step_run.inputs.values()) <= versions.keys():
            return None
        inputs = {n: versions[i] for n, i in step_run.inputs.items()}
        candidates = [versions[i].artifact_store_id for i in output_ids if i in versions]
        candidates.append(self.artifact_store.id)
        for store_id in dict.fromkeys(c for c in candidates if c):
            if cache_key(old_step, inputs, store_id) == step_run.cache_key:
                return part_digests(cache_key_parts(old_step, inputs, store_id))
        return None
