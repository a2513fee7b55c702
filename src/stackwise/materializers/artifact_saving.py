"""Saving a value as an artifact version's files, through its materializer (staged when the
materializer needs local paths on a remote store), and describing what was saved: the
record the store keeps, with format versions, metadata, visualizations and checksum.
"""

from __future__ import annotations

import logging
import os
import platform
from typing import TYPE_CHECKING, Any

from stackwise.enums import VisualizationType
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.integrity import record_checksum
from stackwise.materializers.materializer_registry import materializer_path, materializer_registry
from stackwise.materializers.staging import materializer_for_save
from stackwise.store.records import NewArtifactVersion

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore

logger = logging.getLogger(__name__)


def type_path(data_type: Any) -> str:
    """`module:qualname`, recorded with a version so it loads back as the same type."""
    module = getattr(data_type, "__module__", None)
    qualname = getattr(data_type, "__qualname__", None)
    return f"{module}:{qualname}" if module and qualname else ""


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
    extract_metadata: bool = True,
    include_visualizations: bool = True,
) -> NewArtifactVersion:
    """Write `data` under `uri` and describe it; on failure nothing is left behind.

    `extract_metadata=False` (a step's `enable_artifact_metadata=False`) records no metadata
    from the materializer (`metadata` given by the caller is still recorded);
    `include_visualizations=False` (`enable_artifact_visualization=False`) writes none. A
    materializer whose visualizations fail still saves the value: the failure is logged.
    """
    materializer_class = materializer or materializer_registry.get(type(data))
    try:
        with materializer_for_save(materializer_class, uri, artifact_store) as instance:
            instance.save(data)
            extracted = (instance.extract_full_metadata(data) or {}) if extract_metadata else {}
            visualizations = (
                _save_visualizations(instance, data, uri, artifact_store)
                if include_visualizations
                else []
            )
            content_hash = instance.compute_content_hash(data)
            item_count = instance.get_item_count(data)
        checksum = _checksum(artifact_store, uri)  # after a staged save's upload
    except Exception:
        _remove_quietly(artifact_store, uri)
        raise
    return NewArtifactVersion(
        id=version_id,
        name=name,
        uri=uri,
        materializer=materializer_path(materializer_class),
        data_type=type_path(type(data)),
        artifact_type=str(materializer_class.ASSOCIATED_ARTIFACT_TYPE),
        save_type=save_type,
        content_hash=content_hash,
        artifact_store_id=artifact_store.id,
        version=version,
        tags=list(tags or []),
        format={
            "materializer_version": materializer_class.FORMAT_VERSION,
            "python": platform.python_version(),
            **materializer_class.library_versions(),
        },
        metadata={**extracted, **(metadata or {})},
        visualizations=visualizations,
        item_count=item_count,
        checksum=checksum,
    )


def _checksum(artifact_store: BaseArtifactStore, uri: str) -> dict[str, Any] | None:
    """The checksum of the files just saved; a store that cannot list them costs only the
    checksum (the version then loads unverified, as one saved before checksums)."""
    try:
        return record_checksum(artifact_store, uri)
    except OSError as error:
        logger.warning("Could not record the checksum of the artifact at %s: %s", uri, error)
        return None


def _save_visualizations(
    instance: BaseMaterializer, data: Any, uri: str, artifact_store: BaseArtifactStore
) -> list[dict[str, str]]:
    """Let the materializer write its visualizations; `[{"type", "uri"}]` at the real URI (a
    staged save wrote them into the local folder that is uploaded to `uri`)."""
    try:
        written = instance.save_visualizations(data) or {}
    except Exception as error:  # noqa: BLE001 - a view must not cost the value
        logger.warning(
            "%s could not write the visualizations of %s: %s: %s",
            type(instance).__name__,
            uri,
            type(error).__name__,
            error,
        )
        return []
    found = []
    for path, kind in written.items():
        path = str(path)
        if kind not in set(VisualizationType):
            logger.warning(
                "%s returned the visualization %s with type %r; types are %s. It is not recorded.",
                type(instance).__name__,
                path,
                kind,
                ", ".join(VisualizationType.values()),
            )
            continue
        if instance.uri != uri and path.startswith(instance.uri):  # staged: map it back
            relative = path[len(instance.uri) :].lstrip("/\\").replace(os.sep, "/")
            path = artifact_store.join(uri, relative) if relative else uri
        found.append({"type": str(VisualizationType(kind)), "uri": path})
    return found


def _remove_quietly(artifact_store: BaseArtifactStore, uri: str) -> None:
    """Remove a failed save's files; a store that cannot even do that must not hide the
    original error (the folder is then an orphan for `stackwise artifact prune`)."""
    try:
        artifact_store.rmtree(uri)
    except Exception as error:  # noqa: BLE001 - logged; the caller re-raises the original
        logger.warning("Could not remove the partial artifact at %s: %s", uri, error)
