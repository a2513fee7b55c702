"""Run configuration files (YAML): parameters, caching and run name for one run, per pipeline
and per step invocation. Unknown keys are errors: a typo must not be silently ignored."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackwise.exceptions import ConfigError, did_you_mean

PIPELINE_KEYS = {"parameters", "enable_cache", "run_name", "steps", "extra", "settings"}
STEP_KEYS = {"parameters", "enable_cache", "experiment_tracker", "extra", "settings"}


@dataclass(frozen=True)
class StepRunConfig:
    parameters: dict[str, Any] = field(default_factory=dict)
    enable_cache: bool | None = None
    experiment_tracker: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunConfig:
    parameters: dict[str, Any] = field(default_factory=dict)
    enable_cache: bool | None = None
    run_name: str | None = None
    steps: dict[str, StepRunConfig] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = "run config"


def _check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key '{key}'.{did_you_mean(key, allowed)} "
                              f"Allowed keys: {', '.join(sorted(allowed))}.")


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping, found {type(value).__name__}.")
    return value


def _bool(value: Any, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"{where} must be true or false, found {value!r}.")


def parse_run_config(data: Any, source: str = "run config") -> RunConfig:
    data = _mapping(data, source)
    _check_keys(data, PIPELINE_KEYS, source)
    steps = {}
    for step_id, raw in _mapping(data.get("steps"), f"{source}: steps").items():
        where = f"{source}: steps.{step_id}"
        raw = _mapping(raw, where)
        _check_keys(raw, STEP_KEYS, where)
        steps[str(step_id)] = StepRunConfig(
            parameters=_mapping(raw.get("parameters"), f"{where}.parameters"),
            enable_cache=_bool(raw.get("enable_cache"), f"{where}.enable_cache"),
            experiment_tracker=raw.get("experiment_tracker"),
            extra=_mapping(raw.get("extra"), f"{where}.extra"),
            settings=_mapping(raw.get("settings"), f"{where}.settings"))
    run_name = data.get("run_name")
    if run_name is not None and not isinstance(run_name, str):
        raise ConfigError(f"{source}: run_name must be a string, found {run_name!r}.")
    return RunConfig(
        parameters=_mapping(data.get("parameters"), f"{source}: parameters"),
        enable_cache=_bool(data.get("enable_cache"), f"{source}: enable_cache"),
        run_name=run_name, steps=steps,
        extra=_mapping(data.get("extra"), f"{source}: extra"),
        settings=_mapping(data.get("settings"), f"{source}: settings"), source=source)


def load_run_config(path: str | Path) -> RunConfig:
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Run config file {path} does not exist.")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"Run config file {path} is not valid YAML: {error}") from None
    return parse_run_config(data, source=str(path))
