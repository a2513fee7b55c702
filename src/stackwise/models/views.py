"""Small value objects responses hand out: a failed step's `ExceptionInfo`, a configuration
read by attribute (`run.config.parameters`), a step's `StepSpec` view, metadata entries and
visualizations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, field_validator

from stackwise.config.source import Source
from stackwise.exceptions import ZenKeyError

if TYPE_CHECKING:
    from stackwise.models.model_version import ModelVersionResponse


class ExceptionInfo(BaseModel):
    """Why a step failed: the exception's message, the full traceback, and the line of user
    code that raised it. Also readable as a dict (`info["traceback"]`)."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    traceback: str
    message: str | None = None
    source: str | None = None  # the exception's type, `module.Class`
    user_code_line: int | None = None

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any] | None) -> ExceptionInfo | None:
        if not stored:
            return None
        return cls(
            traceback=str(stored.get("traceback", "")),
            message=stored.get("message"),
            source=stored.get("type") or stored.get("source"),
            user_code_line=stored.get("user_code_line"),
        )

    def __getitem__(self, key: str) -> Any:
        if key == "type":
            return self.source
        if key not in type(self).model_fields:
            raise ZenKeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            value = self[key]
        except KeyError:
            return default
        return default if value is None else value


class ConfigView(Mapping[str, Any]):
    """A recorded configuration read by attribute or by key. Fields ZenML's configuration has
    but the run never set read as their default; any other name is an AttributeError."""

    def __init__(self, values: Mapping[str, Any], defaults: Mapping[str, Any]) -> None:
        self._values = dict(values)
        self._defaults = defaults

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._values:
            return self._values[name]
        if name in self._defaults:
            default = self._defaults[name]
            return default() if callable(default) else default
        raise AttributeError(
            f"The configuration has no '{name}'; it has "
            f"{', '.join(sorted({*self._values, *self._defaults}))}."
        )

    def __getitem__(self, key: str) -> Any:
        return self.__getattr__(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def model_dump(self, **_: Any) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"


def with_model(values: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded configuration whose `model` (plain data in the store) reads as the
    `stackwise.Model` it was given as, as ZenML's configuration holds it."""
    out = dict(values)
    data = out.get("model")
    if isinstance(data, dict) and data.get("name"):
        from stackwise.model import Model

        out["model"] = Model(**{k: v for k, v in data.items() if k in Model.model_fields})
    return out


def model_version_response(version_id: Any, store: Any) -> ModelVersionResponse | None:
    """The ModelVersionResponse of a recorded id (None when none is recorded, or the version
    was deleted since)."""
    if version_id is None:
        return None
    from stackwise.exceptions import EntityNotFoundError
    from stackwise.models.model_version import ModelVersionResponse

    if store is None:
        from stackwise.store import get_store

        store = get_store()
    try:
        return ModelVersionResponse.from_record(store.get_model_version(str(version_id)), store)
    except EntityNotFoundError:
        return None


PIPELINE_CONFIG_DEFAULTS: dict[str, Any] = {
    "name": None,
    "enable_cache": None,
    "enable_artifact_metadata": None,
    "enable_artifact_visualization": None,
    "enable_step_logs": None,
    "enable_pipeline_logs": None,
    "enable_heartbeat": None,
    "settings": dict,
    "tags": list,
    "extra": dict,
    "parameters": dict,
    "model": None,
    "retry": None,
    "substitutions": dict,
    "environment": dict,
    "secrets": list,
    "execution_mode": "continue_on_failure",
    "failure_hook_source": None,
    "success_hook_source": None,
    "cache_policy": None,
    "run_name": None,
    "schedule": None,
}
STEP_CONFIG_DEFAULTS: dict[str, Any] = {
    "name": None,
    "enable_cache": None,
    "enable_artifact_metadata": None,
    "enable_artifact_visualization": None,
    "enable_step_logs": None,
    "step_operator": None,
    "experiment_tracker": None,
    "parameters": dict,
    "settings": dict,
    "extra": dict,
    "environment": dict,
    "secrets": list,
    "model": None,
    "retry": None,
    "substitutions": dict,
    "cache_policy": None,
    "outputs": dict,
    "failure_hook_source": None,
    "success_hook_source": None,
    "caching_parameters": dict,
    "external_input_artifacts": dict,
}


class InputSpecView(BaseModel):
    """Where a step input came from: `step_name`'s output `output_name`."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    step_name: str
    output_name: str
    chunk_index: int | None = None
    chunk_size: int | None = None


class StepSpecView(BaseModel):
    """A step's place in its pipeline, as compiled: its source, upstream steps, inputs."""

    model_config = ConfigDict(arbitrary_types_allowed=True, defer_build=True)

    source: Source | None
    upstream_steps: list[str]
    inputs: dict[str, InputSpecView]
    invocation_id: str
    enable_heartbeat: bool = True
    parameter_spec: dict[str, Any] = {}

    @classmethod
    def from_spec(cls, step: Mapping[str, Any]) -> StepSpecView:
        inputs = {
            name: InputSpecView(step_name=i["step"], output_name=i["output"])
            for name, i in (step.get("inputs") or {}).items()
            if i.get("step")
        }
        return cls(
            source=Source.from_stored(step.get("source")),
            upstream_steps=list(step.get("upstream") or []),
            inputs=inputs,
            invocation_id=step.get("invocation_id", ""),
            parameter_spec=dict(step.get("parameters") or {}),
        )


class RunMetadataResource(BaseModel):
    """What `Client().create_run_metadata` logs on: an id and its type (pipeline_run,
    step_run or artifact_version)."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    id: UUID
    type: str

    @field_validator("type", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> str:
        return str(getattr(value, "value", value))


class RunMetadataEntry(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    value: Any
    created: datetime | None = None


class ArtifactVisualizationResponse(BaseModel):
    """A visualization file saved with an artifact version: its type and URI."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    type: str
    uri: str
    artifact_version_id: str | None = None


class LoadedVisualization(BaseModel):
    """A visualization's content (text for html/markdown/csv/json, bytes for images)."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    type: str
    value: str | bytes


__all__ = [
    "PIPELINE_CONFIG_DEFAULTS",
    "STEP_CONFIG_DEFAULTS",
    "ArtifactVisualizationResponse",
    "ConfigView",
    "ExceptionInfo",
    "InputSpecView",
    "LoadedVisualization",
    "RunMetadataEntry",
    "RunMetadataResource",
    "StepSpecView",
]
