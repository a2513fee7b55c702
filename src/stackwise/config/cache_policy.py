"""`CachePolicy`: which parts make a step's cache key (ZenML's fields and defaults).

`execution/cache.py` acts on it: code, parameters, input artifact ids and/or values, ignored
inputs, extra files and source objects, a custom function's value, and an expiry age.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator

from stackwise.exceptions import ConfigError


def _source_string(value: Any) -> str:
    """A function/class, or a 'module.attr' / 'module:attr' string, as 'module:attr'."""
    if isinstance(value, str):
        if ":" in value:
            return value
        module, _, attr = value.rpartition(".")
        if not module:
            raise ConfigError(f"'{value}' is not a source: write 'package.module.name'.")
        return f"{module}:{attr}"
    from stackwise.utils.source import source_of

    return source_of(value)


class CachePolicy(BaseModel):
    """Which parts of a step make its cache key; `expires_after` (seconds) ages results out."""

    include_step_code: bool = True
    include_step_parameters: bool = True
    include_artifact_values: bool = True
    include_artifact_ids: bool = True
    ignored_inputs: list[str] | None = None
    file_dependencies: list[str] | None = None
    source_dependencies: list[str] | None = None
    cache_func: str | None = None
    expires_after: int | None = None

    @field_validator("source_dependencies", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        return None if value is None else [_source_string(v) for v in value]

    @field_validator("cache_func", mode="before")
    @classmethod
    def _func(cls, value: Any) -> Any:
        return None if value is None else _source_string(value)

    @classmethod
    def default(cls) -> CachePolicy:
        return cls()

    @classmethod
    def from_string(cls, value: str) -> CachePolicy:
        """Only 'default' (any case) names a policy."""
        if value.lower() == "default":
            return cls.default()
        raise ConfigError(f"Invalid cache policy: {value}")

    @classmethod
    def coerce(cls, value: Any) -> CachePolicy | None:
        if value is None or isinstance(value, CachePolicy):
            return value
        if isinstance(value, str):
            return cls.from_string(value)
        if isinstance(value, dict):
            return cls(**value)
        raise ConfigError(
            f"cache_policy takes a CachePolicy, 'default' or a dict, got {type(value).__name__}."
        )
