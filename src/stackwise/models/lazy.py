"""Artifacts of a model version named while a pipeline is being composed
(`model.get_artifact("x")` in a pipeline function): a placeholder the compiler records, which
the step's runner resolves when the step starts, so a run reads the newest linked `x` of that
time, not of the time the pipeline was defined.

Whether a static pipeline is being composed is a flag the step tracer sets
(`stackwise.steps.tracing.PipelineBuilder`); outside composition (and in a dynamic pipeline,
whose function runs during the run) `Model.get_artifact` returns the artifact version itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

_composing: ContextVar[bool] = ContextVar("stackwise_composing_pipeline", default=False)


def composing() -> bool:
    """Whether a static pipeline's function is being traced in this context now."""
    return _composing.get()


@contextmanager
def composing_pipeline() -> Iterator[None]:
    token = _composing.set(True)
    try:
        yield
    finally:
        _composing.reset(token)


@dataclass(frozen=True)
class LazyModelArtifact:
    """`model.get_artifact(name, version)` (or `get_model_artifact` / `get_data_artifact` /
    `get_deployment_artifact`: `kind`) recorded for resolution when a step starts. `model`
    is the Model's plain data (name, version, model_version_id)."""

    model: dict[str, Any]
    name: str
    version: str | None = None
    kind: str | None = None  # None: any kind; "model", "data", "deployment"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": dict(self.model),
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
        }

    def __repr__(self) -> str:
        version = f", version={self.version!r}" if self.version is not None else ""
        return (
            f"LazyModelArtifact(model={self.model.get('name')!r}, artifact={self.name!r}{version})"
        )


__all__ = ["LazyModelArtifact", "composing", "composing_pipeline"]
