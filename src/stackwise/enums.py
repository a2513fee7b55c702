"""Enumerations users compare against; each value equals its lower-case string."""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    """A string enum whose members compare equal to, and print as, their value."""

    def __str__(self) -> str:
        return str(self.value)


class ExecutionStatus(StrEnum):
    INITIALIZING = "initializing"
    RUNNING = "running"
    COMPLETED = "completed"
    CACHED = "cached"
    FAILED = "failed"
    RETRIED = "retried"
    SKIPPED = "skipped"

    @property
    def is_finished(self) -> bool:
        return self in (self.COMPLETED, self.CACHED, self.FAILED, self.RETRIED, self.SKIPPED)

    @property
    def is_successful(self) -> bool:
        return self in (self.COMPLETED, self.CACHED)


class ArtifactType(StrEnum):
    DATA = "DataArtifact"
    DATA_ANALYSIS = "DataAnalysisArtifact"
    MODEL = "ModelArtifact"
    SCHEMA = "SchemaArtifact"
    SERVICE = "ServiceArtifact"
    STATISTICS = "StatisticsArtifact"
    BASE = "BaseArtifact"


class ArtifactSaveType(StrEnum):
    """How an artifact version came to be."""

    STEP_OUTPUT = "step_output"
    MANUAL = "manual"
    EXTERNAL = "external"


class StackComponentType(StrEnum):
    ORCHESTRATOR = "orchestrator"
    ARTIFACT_STORE = "artifact_store"
    EXPERIMENT_TRACKER = "experiment_tracker"
    MODEL_DEPLOYER = "model_deployer"
    CONTAINER_REGISTRY = "container_registry"
    STEP_OPERATOR = "step_operator"
    DATA_VALIDATOR = "data_validator"
    FEATURE_STORE = "feature_store"
    IMAGE_BUILDER = "image_builder"
    ALERTER = "alerter"
    MODEL_REGISTRY = "model_registry"

    @property
    def plural(self) -> str:
        return f"{self.value[:-1]}ies" if self.value.endswith("y") else f"{self.value}s"

    @property
    def label(self) -> str:
        """For sentences: `experiment_tracker` -> `experiment tracker`."""
        return self.value.replace("_", " ")

    @property
    def cli_name(self) -> str:
        """The CLI group name: `experiment_tracker` -> `experiment-tracker`."""
        return self.value.replace("_", "-")

    @property
    def allows_several(self) -> bool:
        """Experiment trackers and step operators are picked by name in `@step`."""
        return self in (self.EXPERIMENT_TRACKER, self.STEP_OPERATOR)


class ModelStages(StrEnum):
    NONE = "none"
    STAGING = "staging"
    PRODUCTION = "production"
    ARCHIVED = "archived"
    LATEST = "latest"


class MetadataResourceType(StrEnum):
    PIPELINE_RUN = "pipeline_run"
    STEP_RUN = "step_run"
    ARTIFACT_VERSION = "artifact_version"
