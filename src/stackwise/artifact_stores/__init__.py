"""Artifact stores: where artifacts' bytes live, behind one small file API."""

from stackwise.artifact_stores.base_artifact_store import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
)

__all__ = ["BaseArtifactStore", "BaseArtifactStoreConfig"]
