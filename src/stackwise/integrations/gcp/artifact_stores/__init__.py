"""The GCS artifact store (imports gcsfs)."""

from __future__ import annotations

from stackwise.integrations.gcp.artifact_stores.gcp_artifact_store import GCPArtifactStore

__all__ = ["GCPArtifactStore"]
