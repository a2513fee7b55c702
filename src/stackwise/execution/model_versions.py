"""Which model version a run and each of its steps use, decided once when the run starts.

The pipeline's `model=` and each step's (a step inherits the pipeline's unless it sets its
own) are resolved before the run is recorded: a model without a version gets a new version
per run (shared by every step that uses the same model), a named version is used or made, a
number or stage must exist (else the run is refused, naming it). The run's configuration
keeps the result (`model_version_id`, and `step_model_versions` per invocation), so a step in
another process needs no resolution; a dynamic pipeline's steps, known only while it runs,
resolve theirs when they start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackwise.utils.jsonable import canonical_json

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.store.base import Store
    from stackwise.store.records import ModelVersionRecord

RUN_KEY = "model_version_id"
STEPS_KEY = "step_model_versions"


class ModelVersionCache:
    """Resolved model versions of one run, by the model's data: one resolution (and, for a
    new version, one write) per distinct model."""

    def __init__(self, store: Store, substitutions: dict[str, str] | None = None) -> None:
        self.store = store
        self.substitutions = substitutions or {}
        self.by_data: dict[str, ModelVersionRecord] = {}
        self.by_id: dict[str, ModelVersionRecord] = {}

    def resolve(self, data: dict[str, Any]) -> ModelVersionRecord:
        from stackwise.model import resolve_model_version

        key = canonical_json(data)
        found = self.by_data.get(key)
        if found is None:
            found = resolve_model_version(
                self.store, data, create=True, substitutions=self.substitutions
            )
            self.by_data[key] = found
            self.by_id[found.id] = found
        return found

    def record(self, version_id: str) -> ModelVersionRecord:
        found = self.by_id.get(version_id)
        if found is None:
            found = self.by_id[version_id] = self.store.get_model_version(version_id)
        return found


def resolve_run_models(
    cache: ModelVersionCache, spec: PipelineSpec, pipeline_model: dict[str, Any] | None
) -> dict[str, Any]:
    """The configuration entries naming the versions of a static run: the pipeline's
    (`model_version_id`) and each step's (`step_model_versions`)."""
    entries: dict[str, Any] = {}
    if pipeline_model:
        entries[RUN_KEY] = cache.resolve(pipeline_model).id
    steps = {inv: cache.resolve(step.model).id for inv, step in spec.steps.items() if step.model}
    if steps:
        entries[STEPS_KEY] = steps
    return entries


def link_run(store: Store, run_id: str, version_ids: list[str]) -> None:
    """Link the run to every model version it uses (one write each)."""
    for version_id in dict.fromkeys(version_ids):
        store.link_run_to_model_version(version_id, run_id)


__all__ = [
    "RUN_KEY",
    "STEPS_KEY",
    "ModelVersionCache",
    "link_run",
    "resolve_run_models",
]
