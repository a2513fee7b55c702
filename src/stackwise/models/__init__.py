"""Plain data and the response models users get back from the Client (ZenML's shapes),
loaded on first use so that importing a submodule stays cheap."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ArtifactConfig": "stackwise.models.artifact_config",
    "ExternalArtifact": "stackwise.models.artifact_config",
    "ArtifactResponse": "stackwise.models.artifact",
    "ArtifactVersionList": "stackwise.models.artifact_version",
    "ArtifactVersionResponse": "stackwise.models.artifact_version",
    "StepRunInputResponse": "stackwise.models.artifact_version",
    "BaseResponse": "stackwise.models.base",
    "Page": "stackwise.models.base",
    "ProjectResponse": "stackwise.models.base",
    "UserResponse": "stackwise.models.base",
    "APIKeyResponse": "stackwise.models.user",
    "ServiceAccountResponse": "stackwise.models.user",
    "FlavorResponse": "stackwise.models.flavor",
    "LogsResponse": "stackwise.models.logs",
    "ModelResponse": "stackwise.models.model_version",
    "ModelVersionArtifactResponse": "stackwise.models.model_version",
    "ModelVersionPipelineRunResponse": "stackwise.models.model_version",
    "ModelVersionResponse": "stackwise.models.model_version",
    "PipelineResponse": "stackwise.models.pipeline",
    "PipelineRunResponse": "stackwise.models.pipeline_run",
    "BuildItem": "stackwise.models.pipeline_build",
    "PipelineBuildResponse": "stackwise.models.pipeline_build",
    "InputSpec": "stackwise.models.pipeline_spec",
    "OutputSpec": "stackwise.models.pipeline_spec",
    "PipelineSpec": "stackwise.models.pipeline_spec",
    "StepSpec": "stackwise.models.pipeline_spec",
    "SecretResponse": "stackwise.models.secret",
    "ComponentResponse": "stackwise.models.stack",
    "StackResponse": "stackwise.models.stack",
    "StepRunResponse": "stackwise.models.step_run",
    "TagResponse": "stackwise.models.tag",
    "TagRequest": "stackwise.models.tag",
    "TagResource": "stackwise.models.tag",
    "PipelineRunIdentifier": "stackwise.models.identifiers",
    "StepRunIdentifier": "stackwise.models.identifiers",
    "ArtifactVersionIdentifier": "stackwise.models.identifiers",
    "ModelVersionIdentifier": "stackwise.models.identifiers",
    "ExternalArtifactConfiguration": "stackwise.models.artifact_config",
    "ArtifactVisualizationResponse": "stackwise.models.views",
    "ExceptionInfo": "stackwise.models.views",
    "LoadedVisualization": "stackwise.models.views",
    "RunMetadataEntry": "stackwise.models.views",
    "RunMetadataResource": "stackwise.models.views",
}

__all__ = [
    "APIKeyResponse",
    "ArtifactConfig",
    "ArtifactResponse",
    "ArtifactVersionIdentifier",
    "ArtifactVersionList",
    "ArtifactVersionResponse",
    "ArtifactVisualizationResponse",
    "BaseResponse",
    "BuildItem",
    "ComponentResponse",
    "ExceptionInfo",
    "ExternalArtifact",
    "ExternalArtifactConfiguration",
    "FlavorResponse",
    "InputSpec",
    "LoadedVisualization",
    "LogsResponse",
    "ModelResponse",
    "ModelVersionArtifactResponse",
    "ModelVersionIdentifier",
    "ModelVersionPipelineRunResponse",
    "ModelVersionResponse",
    "OutputSpec",
    "Page",
    "PipelineBuildResponse",
    "PipelineResponse",
    "PipelineRunIdentifier",
    "PipelineRunResponse",
    "PipelineSpec",
    "ProjectResponse",
    "RunMetadataEntry",
    "RunMetadataResource",
    "SecretResponse",
    "StackResponse",
    "StepRunInputResponse",
    "StepRunIdentifier",
    "StepRunResponse",
    "StepSpec",
    "TagRequest",
    "TagResource",
    "TagResponse",
    "UserResponse",
    "ServiceAccountResponse",
]

if TYPE_CHECKING:
    from stackwise.models.artifact import ArtifactResponse
    from stackwise.models.artifact_config import (
        ArtifactConfig,
        ExternalArtifact,
        ExternalArtifactConfiguration,
    )
    from stackwise.models.artifact_version import (
        ArtifactVersionList,
        ArtifactVersionResponse,
        StepRunInputResponse,
    )
    from stackwise.models.base import BaseResponse, Page, ProjectResponse, UserResponse
    from stackwise.models.flavor import FlavorResponse
    from stackwise.models.identifiers import (
        ArtifactVersionIdentifier,
        ModelVersionIdentifier,
        PipelineRunIdentifier,
        StepRunIdentifier,
    )
    from stackwise.models.logs import LogsResponse
    from stackwise.models.model_version import (
        ModelResponse,
        ModelVersionArtifactResponse,
        ModelVersionPipelineRunResponse,
        ModelVersionResponse,
    )
    from stackwise.models.pipeline import PipelineResponse
    from stackwise.models.pipeline_build import BuildItem, PipelineBuildResponse
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.pipeline_spec import InputSpec, OutputSpec, PipelineSpec, StepSpec
    from stackwise.models.secret import SecretResponse
    from stackwise.models.stack import ComponentResponse, StackResponse
    from stackwise.models.step_run import StepRunResponse
    from stackwise.models.tag import TagRequest, TagResource, TagResponse
    from stackwise.models.user import APIKeyResponse, ServiceAccountResponse
    from stackwise.models.views import (
        ArtifactVisualizationResponse,
        ExceptionInfo,
        LoadedVisualization,
        RunMetadataEntry,
        RunMetadataResource,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stackwise.models' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
