"""`PipelineRunConfiguration`: everything a run-config YAML file may set for one run, with
ZenML's keys, and the parser that checks it. Every problem (each unknown key with a "did you
mean", each value of the wrong kind, each option stackwise cannot act on yet) is collected and
raised once, before anything runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from stackwise.config.availability import unavailable_problem
from stackwise.config.pipeline_configurations import PIPELINE_CONFIG_KEYS
from stackwise.config.step_configurations import (
    STEP_CONFIG_KEYS,
    StepConfigurationUpdate,
    general_settings_problem,
    settings_key_problem,
)
from stackwise.exceptions import ConfigError, ProblemCollector, SettingsResolvingError, did_you_mean

RUN_CONFIG_KEYS = (*PIPELINE_CONFIG_KEYS, "run_name", "schedule", "build", "steps")
_BOOL = {
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "enable_pipeline_logs",
    "enable_heartbeat",
}
_DICT = {
    "parameters",
    "settings",
    "environment",
    "extra",
    "substitutions",
    "init_hook_kwargs",
    "outputs",
}
_HOOKS = {
    "init_hook_source",
    "cleanup_hook_source",
    "failure_hook_source",
    "success_hook_source",
    "start_hook_source",
    "end_hook_source",
    "pause_hook_source",
    "resume_hook_source",
}


@dataclass(frozen=True)
class PipelineRunConfiguration:
    run_name: str | None = None
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    enable_pipeline_logs: bool | None = None
    enable_heartbeat: bool | None = None
    schedule: dict[str, Any] | None = None
    build: str | None = None
    steps: dict[str, StepConfigurationUpdate] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    retry: dict[str, Any] | None = None
    init_hook_source: str | None = None
    init_hook_kwargs: dict[str, Any] = field(default_factory=dict)
    cleanup_hook_source: str | None = None
    failure_hook_source: str | None = None
    success_hook_source: str | None = None
    start_hook_source: str | None = None
    end_hook_source: str | None = None
    pause_hook_source: str | None = None
    resume_hook_source: str | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    cache_policy: dict[str, Any] | None = None
    execution_mode: str | None = None
    source: str = field(default="run config", compare=False)  # for error messages

    @classmethod
    def from_yaml(cls, path: str | Path) -> PipelineRunConfiguration:
        import yaml

        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"Run config file {path} does not exist.")
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError as error:
            raise ConfigError(f"Run config file {path} is not valid YAML: {error}") from None
        return parse_run_configuration(data, source=str(path))

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if v not in (None, {}, []) and k != "source"}
        if self.steps:
            out["steps"] = {k: v.to_dict() for k, v in self.steps.items()}
        return out

    def yaml(self, sort_keys: bool = False, **kwargs: Any) -> str:
        """The configuration as run-config YAML (what `from_yaml` reads back)."""
        import yaml

        # Any in the stubs: it is None only when a `stream=` is given
        return cast(str, yaml.safe_dump(self.to_dict(), sort_keys=sort_keys, **kwargs))


def hook_source(value: Any) -> str:
    """A hook named in YAML ('pkg.module.func' or 'pkg.module:func') as 'module:qualname'."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"a hook is named by its source, 'package.module.function'; got {value!r}"
        )
    if ":" in value:
        return value
    module, _, name = value.rpartition(".")
    if not module:
        raise ConfigError(f"'{value}' names no module: write 'package.module.{value}'")
    return f"{module}:{name}"


def plain_model(value: Any) -> dict[str, Any] | None:
    """A `Model` (or a dict, or a model name) as plain JSON data, never the object."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict):
        data = dict(value)
    elif hasattr(value, "model_dump"):
        data = value.model_dump(mode="json")
    else:
        data = {k: v for k, v in vars(value).items() if not k.startswith("_")}
    from stackwise.utils.jsonable import is_json_value

    data = {k: (getattr(v, "value", v) if not is_json_value(v) else v) for k, v in data.items()}
    data = {k: (v if is_json_value(v) else str(v)) for k, v in data.items()}
    if not data.get("name"):
        raise ConfigError(f"a model needs a name, got {value!r}")
    return data


def tag_names(values: Any, owner: str) -> list[str]:
    """Tags as names: strings, or objects / mappings with a `name`."""
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, set)):
        raise ConfigError(f"{owner}: tags must be a list of names, got {values!r}")
    names = []
    for tag in values:
        name = (
            tag
            if isinstance(tag, str)
            else (tag.get("name") if isinstance(tag, dict) else getattr(tag, "name", None))
        )
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{owner}: a tag must be a name or a Tag, got {tag!r}")
        names.append(name)
    return names


def _check_value(key: str, value: Any, where: str) -> Any:
    """`value` of `key` converted to plain data; ValueError says what was expected."""
    if value is None:
        return None
    if key in _BOOL:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}.{key} must be true or false, found {value!r}")
        return value
    if key in _DICT:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}.{key} must be a mapping, found {type(value).__name__}")
        if key == "settings":
            for name, fields in value.items():
                problem = settings_key_problem(str(name))
                if problem:
                    raise ConfigError(problem)
                if not isinstance(fields, dict):
                    raise ConfigError(f"settings '{name}' must be a mapping of fields")
                problem = general_settings_problem(str(name), fields)
                if problem:
                    raise SettingsResolvingError(f"{where}: {problem}")
        if key in ("environment", "substitutions"):
            return {str(k): str(v) for k, v in value.items()}
        return value
    if key in _HOOKS:
        return hook_source(value)
    if key == "secrets":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}.secrets must be a list of secret names, found {value!r}")
        return value
    if key == "tags":
        return tag_names(value, f"{where}.tags")
    if key == "model":
        return plain_model(value)
    if key == "retry":
        from stackwise.config.retry_config import StepRetryConfig

        if not isinstance(value, dict):
            raise ConfigError(f"{where}.retry must be a mapping (max_retries, delay, backoff)")
        return StepRetryConfig(**value).to_dict()
    if key == "cache_policy":
        from stackwise.config.cache_policy import CachePolicy

        return CachePolicy.coerce(value).model_dump(mode="json")  # type: ignore[union-attr]
    if key == "schedule":
        from stackwise.config.schedule import Schedule

        if not isinstance(value, dict):
            raise ConfigError(f"{where}.schedule must be a mapping")
        return Schedule(**value).model_dump(mode="json")
    if key in ("run_name", "runtime", "execution_mode", "build"):
        if not isinstance(value, str):
            raise ConfigError(f"{where}.{key} must be a string, found {value!r}")
        return value
    if key in ("step_operator", "experiment_tracker"):
        if not isinstance(value, (str, bool)):
            raise ConfigError(f"{where}.{key} must be a component name or true, found {value!r}")
        return value
    if key == "heartbeat_healthy_threshold":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}.{key} must be a whole number of minutes")
        return value
    if key == "group":
        return {"name": value} if isinstance(value, str) else dict(value)
    return value


def _parse_keys(
    data: dict[str, Any], allowed: tuple[str, ...], where: str, problems: ProblemCollector
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if key not in allowed:
            problems.add(f"{where}: unknown key '{key}'.{did_you_mean(key, allowed)}")
            continue
        try:
            values[key] = _check_value(key, value, where)
        except (ValueError, TypeError) as error:  # pydantic's ValidationError is a ValueError
            problems.add(f"{where}.{key}: {error}".replace("\n", " "))
            continue
        refused = unavailable_problem(key, values[key], where)
        if refused:
            problems.add(refused)
    return values


def parse_run_configuration(data: Any, source: str = "run config") -> PipelineRunConfiguration:
    """Check a run config's data (YAML loaded, or a dict) and build the configuration."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source} must be a mapping, found {type(data).__name__}.")
    problems = ProblemCollector()
    raw_steps = data.get("steps")
    top = _parse_keys(
        {k: v for k, v in data.items() if k != "steps"}, RUN_CONFIG_KEYS, source, problems
    )
    steps = {}
    if raw_steps is not None and not isinstance(raw_steps, dict):
        problems.add(
            f"{source}.steps must be a mapping of step invocation ids, found "
            f"{type(raw_steps).__name__}."
        )
    for step_id, raw in (raw_steps or {}).items() if isinstance(raw_steps, dict) else ():
        where = f"{source}: steps.{step_id}"
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            problems.add(f"{where} must be a mapping, found {type(raw).__name__}.")
            continue
        values = _parse_keys(raw, STEP_CONFIG_KEYS, where, problems)
        values.pop("name", None)
        steps[str(step_id)] = StepConfigurationUpdate(
            **{k: v for k, v in values.items() if v is not None}
        )
    problems.raise_if_any(ConfigError, f"{source} has problems")
    return PipelineRunConfiguration(
        **{k: v for k, v in top.items() if v is not None}, steps=steps, source=source
    )
