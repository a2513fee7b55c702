"""Plain data and read views: the PipelineSpec, and what Client calls return."""

from stackwise.models.artifact_config import ArtifactConfig, ExternalArtifact
from stackwise.models.artifact_version import (
    ArtifactResponse,
    ArtifactVersionList,
    ArtifactVersionResponse,
)
from stackwise.models.pipeline_run import PipelineResponse, PipelineRunResponse, StepRunResponse
from stackwise.models.pipeline_spec import InputSpec, OutputSpec, PipelineSpec, StepSpec

__all__ = [
    "ArtifactConfig",
    "ArtifactResponse",
    "ArtifactVersionList",
    "ArtifactVersionResponse",
    "ExternalArtifact",
    "InputSpec",
    "OutputSpec",
    "PipelineResponse",
    "PipelineRunResponse",
    "PipelineSpec",
    "StepRunResponse",
    "StepSpec",
]
