"""`link_artifact_to_model`: put an existing artifact version into a model version by hand
(a run's outputs are linked to its model version by the steps' own writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackwise.exceptions import StepContextError
from stackwise.steps.step_context import current_step_context
from stackwise.store import get_store

if TYPE_CHECKING:
    from stackwise.model import Model


def link_artifact_to_model(artifact_version: Any, model: Model | None = None) -> None:
    """Link `artifact_version` (an ArtifactVersionResponse) to `model`'s version; without a
    model, inside a step with one, to the step's model version."""
    context = current_step_context()
    if model is None:
        if context is None or context.model_version_record is None:
            raise StepContextError(
                "link_artifact_to_model() without model= works only inside a step that has a "
                "model (@step(model=Model(...)) or @pipeline(model=Model(...))); pass "
                "model=Model(name=..., version=...) to link elsewhere."
            )
        version_id = context.model_version_record.id
        store = context.store
    else:
        version_id = str(model.id)
        store = context.store if context is not None else get_store()
    store.link_artifacts_to_model_version(version_id, [str(artifact_version.id)])


__all__ = ["link_artifact_to_model"]
