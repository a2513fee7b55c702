"""The Azure artifact store (imports adlfs)."""

from __future__ import annotations

from stackwise.integrations.azure.artifact_stores.azure_artifact_store import (
    AzureArtifactStore,
)

__all__ = ["AzureArtifactStore"]
