"""Identifiers of runs, step runs and artifact versions for `bulk_log_metadata`: each names
its entity one way only, checked when built."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, model_validator

from stackwise.exceptions import ConfigError


class _Identifier(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PipelineRunIdentifier(_Identifier):
    """A pipeline run by exactly one of `id`, `name` or `prefix` (of its id or name)."""

    id: UUID | None = None
    name: str | None = None
    prefix: str | None = None

    @model_validator(mode="after")
    def _one(self) -> PipelineRunIdentifier:
        given = [v for v in (self.id, self.name, self.prefix) if v is not None]
        if not given:
            raise ConfigError("Identify the run by one of id, name or prefix.")
        if len(given) > 1:
            raise ConfigError("Identify the run by only one of id, name or prefix.")
        return self

    @property
    def value(self) -> str:
        return str(self.id or self.name or self.prefix)


class StepRunIdentifier(_Identifier):
    """A step run by `id`, or by `name` with the `run` (a PipelineRunIdentifier) it is in."""

    id: UUID | None = None
    name: str | None = None
    run: PipelineRunIdentifier | None = None

    @model_validator(mode="after")
    def _one(self) -> StepRunIdentifier:
        if self.id is not None and self.name is not None:
            raise ConfigError("Identify the step run by only one of id or name (with run).")
        if self.id is None and self.name is None:
            raise ConfigError("Identify the step run by id, or by name with run.")
        if self.name is not None and self.run is None:
            raise ConfigError(
                "A step run identified by name also needs run= (a PipelineRunIdentifier)."
            )
        return self


class ArtifactVersionIdentifier(_Identifier):
    """An artifact version by `id`, or by artifact `name` with `version`."""

    id: UUID | None = None
    name: str | None = None
    version: str | None = None

    @model_validator(mode="after")
    def _one(self) -> ArtifactVersionIdentifier:
        if self.id is not None and (self.name is not None or self.version is not None):
            raise ConfigError(
                "Identify the artifact version by only one of id or name with version."
            )
        if self.id is None and (self.name is None or self.version is None):
            raise ConfigError("Identify the artifact version by id, or by both name and version.")
        return self


class ModelVersionIdentifier(_Identifier):
    """A model version by `id`, or by model `name` with `version` (a name, number or stage)."""

    id: UUID | None = None
    name: str | None = None
    version: str | None = None

    @model_validator(mode="after")
    def _one(self) -> ModelVersionIdentifier:
        if self.id is not None and (self.name is not None or self.version is not None):
            raise ConfigError("Identify the model version by only one of id or name with version.")
        if self.id is None and (self.name is None or self.version is None):
            raise ConfigError("Identify the model version by id, or by both name and version.")
        return self


__all__ = [
    "ArtifactVersionIdentifier",
    "ModelVersionIdentifier",
    "PipelineRunIdentifier",
    "StepRunIdentifier",
]
