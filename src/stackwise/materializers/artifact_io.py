"""Saving a value as an artifact's files and loading it back, through the materializer recorded
with the artifact version and the artifact store it was written to."""

from __future__ import annotations

import importlib
import platform
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import (
    import_materializer,
    materializer_path,
    materializer_registry,
)
from stackwise.store.records import NewArtifactVersion

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.records import ArtifactVersionRecord
    from stackwise.store.sql.sql_store import SqlStore


def type_path(data_type: Any) -> str:
    module = getattr(data_type, "__module__", None)
    qualname = getattr(data_type, "__qualname__", None)
    return f"{module}:{qualname}" if module and qualname else ""


def import_type(path: str) -> Any:
    """The type recorded as `module:qualname`, or `object` when it cannot be imported."""
    if not path or ":" not in path:
        return object
    module_name, _, qualname = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        return object


def artifact_uri(artifact_store: BaseArtifactStore, artifact_name: str, version_id: str) -> str:
    """A fresh folder per artifact version: nothing is ever overwritten."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in artifact_name)
    return artifact_store.join(artifact_store.path, safe, version_id)


def save_data(
    data: Any,
    *,
    version_id: str,
    name: str,
    uri: str,
    artifact_store: BaseArtifactStore,
    save_type: str,
    materializer: type[BaseMaterializer] | None = None,
    version: str | None = None,
    tags: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> NewArtifactVersion:
    """Write `data` under `uri` and describe it; on failure nothing is left behind."""
    materializer_class = materializer or materializer_registry.get(type(data))
    instance = materializer_class(uri, artifact_store=artifact_store)
    try:
        instance.save(data)
        extracted = instance.extract_metadata(data) or {}
        content_hash = instance.compute_content_hash(data)
    except Exception:
        artifact_store.rmtree(uri)
        raise
    return NewArtifactVersion(
        id=version_id, name=name, uri=uri, materializer=materializer_path(materializer_class),
        data_type=type_path(type(data)),
        artifact_type=str(materializer_class.ASSOCIATED_ARTIFACT_TYPE),
        save_type=save_type, content_hash=content_hash, artifact_store_id=artifact_store.id,
        version=version, tags=list(tags or []),
        format={"materializer_version": materializer_class.FORMAT_VERSION,
                "python": platform.python_version(), **materializer_class.library_versions()},
        metadata={**extracted, **(metadata or {})},
    )


def resolve_artifact_store(record: ArtifactVersionRecord, store: SqlStore,
                           preferred: BaseArtifactStore | None = None) -> BaseArtifactStore:
    """The artifact store a version was written to (the active one when it is the same)."""
    if preferred is not None and (record.artifact_store_id in (None, preferred.id)):
        return preferred
    from stackwise.enums import StackComponentType
    from stackwise.stack.stack import build_component

    if record.artifact_store_id:
        components = store.get_components([record.artifact_store_id])
        if record.artifact_store_id in components:
            return build_component(components[record.artifact_store_id])  # type: ignore[return-value]
    if preferred is not None:
        return preferred
    from stackwise.stack.active_stack import active_stack

    stack_store = active_stack(store).component(StackComponentType.ARTIFACT_STORE)
    return stack_store  # type: ignore[return-value]


def load_data(record: ArtifactVersionRecord, store: SqlStore,
              artifact_store: BaseArtifactStore | None = None) -> Any:
    """The value of an artifact version, loaded by the materializer that saved it."""
    artifact_store = resolve_artifact_store(record, store, artifact_store)
    if not artifact_store.exists(record.uri):
        raise MaterializerError(
            f"Artifact '{record.name}' version {record.version} is gone: nothing at "
            f"{record.uri} in artifact store '{artifact_store.name}'. It was deleted or the "
            "store moved; re-run the step that produced it."
        )
    try:
        materializer_class = import_materializer(record.materializer)
    except (ImportError, AttributeError) as error:
        raise MaterializerError(
            f"Artifact '{record.name}' version {record.version} was saved by "
            f"{record.materializer}, which cannot be imported here ({error}). Install the "
            "library that defines it, or import the module that does before loading."
        ) from error
    return materializer_class(record.uri, artifact_store=artifact_store).load(
        import_type(record.data_type))
