"""PipelineContext: the configuration of the pipeline whose function is being traced, for code
in the pipeline function (`get_pipeline_context().extra["..."]`). It exists only while the
function runs to build the run; inside a step use `get_step_context()`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_active: ContextVar[PipelineContext | None] = ContextVar("stackwise_pipeline_context", default=None)


class PipelineContext:
    """The traced pipeline's name and options (None where not set, as ZenML)."""

    def __init__(self, pipeline_configuration: Any) -> None:
        config = pipeline_configuration
        if isinstance(config, Mapping):

            def get(key: str) -> Any:
                return config.get(key)
        else:

            def get(key: str) -> Any:
                return getattr(config, key, None)

        self.name: str | None = get("name")
        self.enable_cache: bool | None = get("enable_cache")
        self.enable_artifact_metadata: bool | None = get("enable_artifact_metadata")
        self.enable_artifact_visualization: bool | None = get("enable_artifact_visualization")
        self.enable_step_logs: bool | None = get("enable_step_logs")
        self.enable_pipeline_logs: bool | None = get("enable_pipeline_logs")
        self.settings: dict[str, Any] = dict(get("settings") or {})
        self.extra: dict[str, Any] = dict(get("extra") or {})
        self.model: Any = get("model")

    def __repr__(self) -> str:
        return f"PipelineContext(name={self.name!r})"


def get_pipeline_context() -> PipelineContext:
    """The context of the pipeline whose function runs now; a RuntimeError elsewhere."""
    context = _active.get()
    if context is not None:
        return context
    from stackwise.steps.step_context import current_step_context

    if current_step_context() is not None:
        raise RuntimeError(
            "get_pipeline_context() works in a pipeline function; inside a step "
            "use get_step_context()."
        )
    raise RuntimeError(
        "get_pipeline_context() works only while a pipeline function runs (when "
        "the pipeline is called or compiled); no pipeline is active."
    )


@contextmanager
def pipeline_context(configuration: Any) -> Iterator[PipelineContext]:
    """Make a PipelineContext of `configuration` (a mapping of options) active in the block."""
    context = PipelineContext(configuration)
    token = _active.set(context)
    try:
        yield context
    finally:
        _active.reset(token)


__all__ = ["PipelineContext", "get_pipeline_context", "pipeline_context"]
