"""The S3 artifact store (imports s3fs)."""

from __future__ import annotations

from stackwise.integrations.s3.artifact_stores.s3_artifact_store import S3ArtifactStore

__all__ = ["S3ArtifactStore"]
