"""Declarations users attach to outputs and inputs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ArtifactConfig:
    """Name, tag or version an output: `-> Annotated[T, ArtifactConfig(name="model")]`."""

    name: str | None = None
    version: str | int | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class ExternalArtifact:
    """A value from outside the pipeline, passed as a step input: saved as an artifact version
    when the run starts, then loaded by the step like any other input."""

    value: Any = None
    name: str | None = None
    materializer: Any = None  # a materializer class, or None for the registry's choice
    id: str = field(default_factory=lambda: str(uuid.uuid4()), compare=False)
