"""Saving and loading artifacts by name, inside or outside steps: `save_artifact`,
`load_artifact`. Versions count 1, 2, 3 per name unless a version is given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackwise.enums import ArtifactSaveType
from stackwise.materializers.artifact_io import artifact_uri, load_data, save_data
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.steps.step_context import current_step_context
from stackwise.store import get_store
from stackwise.utils.ids import new_id

if TYPE_CHECKING:
    from stackwise.materializers.base_materializer import BaseMaterializer


def save_artifact(data: Any, name: str, version: str | int | None = None,
                  tags: list[str] | None = None,
                  materializer: type[BaseMaterializer] | None = None) -> ArtifactVersionResponse:
    """Save `data` as a new version of artifact `name` in the active stack's artifact store.

    Inside a step the version also shows among that step's outputs.
    """
    from stackwise.stack.active_stack import active_stack

    context = current_step_context()
    store = context.store if context else get_store()
    stack = context.stack if context else active_stack(store)
    artifact_store = stack.artifact_store
    version_id = new_id()
    uri = artifact_uri(artifact_store, name, version_id)
    new = save_data(data, version_id=version_id, name=name, uri=uri,
                    artifact_store=artifact_store, save_type=str(ArtifactSaveType.MANUAL),
                    materializer=materializer, version=None if version is None else str(version),
                    tags=tags)
    try:
        record = store.create_artifact_version(
            new, producer_step_run_id=context.step_run.id if context else None)
    except Exception:
        artifact_store.rmtree(uri)  # never leave files no version points at
        raise
    if context is not None:
        context.linked_outputs[name] = record.id
    return ArtifactVersionResponse(record, store)


def load_artifact(name_or_id: str, version: str | int | None = None) -> Any:
    """The value of artifact `name_or_id` (its newest version unless `version` is given)."""
    context = current_step_context()
    store = context.store if context else get_store()
    record = store.get_artifact_version(name_or_id, version)
    preferred = context.stack.artifact_store if context else None
    return load_data(record, store, preferred)
