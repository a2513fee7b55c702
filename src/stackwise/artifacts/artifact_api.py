"""Saving, registering and loading artifacts by name, inside or outside steps:
`save_artifact`, `register_artifact`, `load_artifact`. Versions count 1, 2, 3 per name unless a
version is given. Inside a step, a saved or registered version also shows among the step's
outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.enums import ArtifactSaveType, ArtifactType
from stackwise.exceptions import ConfigError, EntityCreationError
from stackwise.materializers.artifact_loading import load_data
from stackwise.materializers.artifact_saving import artifact_uri, save_data
from stackwise.models.artifact_config import materializer_class
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.steps.step_context import current_step_context
from stackwise.store import get_store
from stackwise.utils.ids import new_id

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.materializers.base_materializer import BaseMaterializer
    from stackwise.steps.step_context import StepContext
    from stackwise.store.base import Store
    from stackwise.store.records import NewArtifactVersion


def _where(
    artifact_store: BaseArtifactStore | None,
) -> tuple[StepContext | None, Store, BaseArtifactStore]:
    """The running step (if any), the store, and the artifact store to write to."""
    context = current_step_context()
    store = context.store if context else get_store()
    if artifact_store is None:
        if context is not None:
            artifact_store = context.stack.artifact_store
        else:
            from stackwise.stack.active_stack import active_stack

            artifact_store = active_stack(store).artifact_store
    return context, store, artifact_store


def _check_location(uri: str, artifact_store: BaseArtifactStore, what: str, store: Store) -> None:
    if not artifact_store.contains(uri):
        raise FileNotFoundError(
            f"{what} {uri} is outside the artifact store '{artifact_store.name}' (root "
            f"{artifact_store.path}); an artifact lives inside its store. Use a location under "
            "the root, or give artifact_store= the store that holds it."
        )
    used = store.list_artifact_versions(filters={"uri": uri}, size=1)
    if used.total:
        other = used.items[0]
        raise EntityCreationError(
            f"{uri} already holds artifact '{other.name}' version {other.version}; every "
            "version needs its own location."
        )


def _register(
    store: Store, new: NewArtifactVersion, context: StepContext | None, cleanup: Any
) -> ArtifactVersionResponse:
    try:
        record = store.create_artifact_version(
            new, producer_step_run_id=str(context.step_run.id) if context else None
        )
    except Exception:
        cleanup()  # never leave files no version points at
        raise
    if context is not None:
        context.linked_outputs[new.name] = record.id
    return ArtifactVersionResponse.from_record(record, store)


def save_artifact(
    data: Any,
    name: str,
    version: int | str | None = None,
    artifact_type: ArtifactType | None = None,
    tags: list[Any] | None = None,
    extract_metadata: bool = True,
    include_visualizations: bool = True,
    user_metadata: dict[str, Any] | None = None,
    materializer: type[BaseMaterializer] | str | None = None,
    uri: str | None = None,
    save_type: ArtifactSaveType | str = ArtifactSaveType.MANUAL,
    has_custom_name: bool = True,
    artifact_store: BaseArtifactStore | None = None,
) -> ArtifactVersionResponse:
    """Save `data` as a new version of artifact `name` in the active stack's artifact store.

    `tags` and `user_metadata` go on the version; `artifact_type` overrides the
    materializer's; `uri` (inside the artifact store, unused) replaces the fresh folder;
    `extract_metadata=False` / `include_visualizations=False` skip the materializer's
    metadata and visualizations (`user_metadata` is recorded either way).
    """
    from dataclasses import replace

    if not name or not str(name).strip():
        raise ConfigError("save_artifact() needs a non-empty artifact name.")
    context, store, artifact_store = _where(artifact_store)
    version_id = new_id()
    if uri is None:
        uri = artifact_uri(artifact_store, name, version_id)
    else:
        _check_location(uri, artifact_store, "The uri", store)
        if artifact_store.exists(uri):
            raise EntityCreationError(
                f"{uri} exists already; save_artifact(uri=...) writes "
                "into a new location, it never overwrites."
            )
    new = save_data(
        data,
        version_id=version_id,
        name=name,
        uri=uri,
        artifact_store=artifact_store,
        save_type=str(ArtifactSaveType(save_type)),
        materializer=materializer_class(materializer),
        version=None if version is None else str(version),
        tags=list(tags or []),
        metadata=user_metadata,
        extract_metadata=extract_metadata,
        include_visualizations=include_visualizations,
    )
    changes: dict[str, Any] = {"has_custom_name": has_custom_name}
    if artifact_type is not None:
        changes["artifact_type"] = str(ArtifactType(artifact_type))
    return _register(store, replace(new, **changes), context, lambda: artifact_store.rmtree(uri))


def register_artifact(
    folder_or_file_uri: str,
    name: str,
    version: int | str | None = None,
    artifact_type: ArtifactType | None = None,
    tags: list[Any] | None = None,
    has_custom_name: bool = True,
    artifact_metadata: dict[str, Any] | None = None,
) -> ArtifactVersionResponse:
    """Register a file or folder that is already in the artifact store as a new version of
    `name`, where it is (nothing is copied). Loading it gives a `pathlib.Path`.

    The location must be inside the active stack's artifact store, exist, and not be
    registered already.
    """
    from stackwise.artifacts.preexisting import PreexistingDataMaterializer
    from stackwise.materializers.artifact_saving import type_path
    from stackwise.materializers.materializer_registry import materializer_path
    from stackwise.store.records import NewArtifactVersion

    context, store, artifact_store = _where(None)
    uri = str(folder_or_file_uri)
    _check_location(uri, artifact_store, "The file or folder", store)
    if not artifact_store.exists(uri):
        raise FileNotFoundError(
            f"register_artifact(): nothing at {uri}; write the file or "
            "folder first, then register it."
        )
    from pathlib import Path

    new = NewArtifactVersion(
        id=new_id(),
        name=name,
        uri=uri,
        materializer=materializer_path(PreexistingDataMaterializer),
        data_type=type_path(Path),
        artifact_type=str(ArtifactType(artifact_type or ArtifactType.DATA)),
        save_type=str(ArtifactSaveType.PREEXISTING),
        artifact_store_id=artifact_store.id,
        version=None if version is None else str(version),
        tags=list(tags or []),
        metadata=dict(artifact_metadata or {}),
        has_custom_name=has_custom_name,
    )
    return _register(store, new, context, lambda: None)  # the files are the user's: kept


def load_artifact(name_or_id: str | UUID, version: str | int | None = None) -> Any:
    """The value of an artifact version: by name (the newest version unless `version` is
    given), by id, or by a unique id prefix."""
    context = current_step_context()
    store = context.store if context else get_store()
    record = store.get_artifact_version(str(name_or_id), None if version is None else str(version))
    preferred = context.stack.artifact_store if context else None
    return load_data(record, store, preferred)


__all__ = ["load_artifact", "register_artifact", "save_artifact"]
