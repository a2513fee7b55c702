"""Artifacts by name: save, register and load them, and log metadata and tags, inside or
outside steps."""

from stackwise.artifacts.artifact_api import load_artifact, register_artifact, save_artifact
from stackwise.artifacts.metadata_api import (
    bulk_log_metadata,
    log_artifact_metadata,
    log_metadata,
    log_step_metadata,
)
from stackwise.artifacts.tag_api import Tag, add_tags, remove_tags
from stackwise.models.artifact_config import ArtifactConfig, ExternalArtifact

__all__ = [
    "ArtifactConfig",
    "ExternalArtifact",
    "Tag",
    "add_tags",
    "bulk_log_metadata",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "log_step_metadata",
    "register_artifact",
    "remove_tags",
    "save_artifact",
]
