"""Artifacts by name: save and load them, and log metadata, inside or outside steps."""

from stackwise.artifacts.artifact_api import load_artifact, save_artifact
from stackwise.artifacts.metadata_api import log_artifact_metadata, log_metadata
from stackwise.models.artifact_config import ArtifactConfig, ExternalArtifact

__all__ = [
    "ArtifactConfig",
    "ExternalArtifact",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "save_artifact",
]
