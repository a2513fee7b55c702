"""The options of `@step`, `configure()` and `with_options()`: their names, how each given
value becomes plain data (checked when the step is defined, so mistakes surface at import
time), and how a later `configure` merges with earlier ones.

Options stackwise cannot act on yet are refused here with what is missing
(`config/availability.py`); none is accepted and silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from stackwise.config.availability import unavailable_problem
from stackwise.config.step_configurations import general_settings_problem, settings_key_problem
from stackwise.exceptions import SettingsResolvingError, StepInterfaceError, did_you_mean

STEP_OPTIONS = (
    "name",
    "step_type",
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "experiment_tracker",
    "step_operator",
    "output_materializers",
    "environment",
    "secrets",
    "settings",
    "extra",
    "on_failure",
    "on_success",
    "on_start",
    "on_end",
    "model",
    "retry",
    "substitutions",
    "cache_policy",
    "runtime",
    "heartbeat_healthy_threshold",
    "group",
    "timeout",
)
CONFIGURE_OPTIONS = (
    *(o for o in STEP_OPTIONS if o not in ("name", "step_type")),
    "parameters",
    "merge",
)
HOOK_OPTIONS = ("on_failure", "on_success", "on_start", "on_end")
MERGED_DICTS = ("settings", "extra", "environment", "parameters", "substitutions")
_BOOLS = (
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
)


def check_option_names(given: Mapping[str, Any], allowed: tuple[str, ...], owner: str) -> None:
    unknown = [k for k in given if k not in allowed]
    if unknown:
        hints = "".join(did_you_mean(k, allowed) for k in unknown)
        raise StepInterfaceError(
            f"{owner} got unknown option(s) {unknown}.{hints} Options are {', '.join(allowed)}."
        )


def settings_to_dict(settings: Mapping[str, Any] | None, owner: str) -> dict[str, Any]:
    """Settings objects (pydantic models) become plain dicts, keyed as given; keys are checked."""
    out: dict[str, Any] = {}
    for key, value in (settings or {}).items():
        problem = settings_key_problem(str(key))
        if problem:
            raise StepInterfaceError(f"{owner}: {problem}")
        if hasattr(value, "model_dump"):
            value = value.model_dump(mode="json", exclude_unset=True)
        if not isinstance(value, dict):
            raise StepInterfaceError(
                f"{owner}: settings['{key}'] must be a settings object or a dict, got "
                f"{type(value).__name__}."
            )
        problem = general_settings_problem(str(key), value)
        if problem:
            raise SettingsResolvingError(f"{owner}: {problem}")
        out[str(key)] = value
    return out


def _hook(value: object, owner: str, option: str) -> Callable[..., Any] | None:
    if value is None or callable(value):
        return value
    if isinstance(value, str) and ("." in value or ":" in value) and " " not in value:
        from stackwise.config.pipeline_run_configuration import hook_source
        from stackwise.utils.source import load_source

        try:
            return load_source(hook_source(value))  # type: ignore[no-any-return]
        except (ImportError, AttributeError, ValueError) as error:
            raise StepInterfaceError(
                f"{owner}: {option}='{value}' cannot be loaded: {error}."
            ) from None
    raise StepInterfaceError(
        f"{owner}: {option} must be a function (or its source "
        f"'module.function'), got {type(value).__name__}."
    )


def _str_dict(value: Any, owner: str, option: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise StepInterfaceError(
            f"{owner}: {option} must be a dict of names to values, got {type(value).__name__}."
        )
    return {str(k): str(v) for k, v in value.items()}


def normalize_option(option: str, value: Any, owner: str) -> Any:
    """`value` of `option` as stored on a step or pipeline; raises StepInterfaceError."""
    refused = unavailable_problem(option, value, owner)
    if refused:
        raise StepInterfaceError(refused)
    if value is None:
        return None
    if option in _BOOLS or option in ("enable_pipeline_logs", "enable_heartbeat"):
        if not isinstance(value, bool):
            raise StepInterfaceError(f"{owner}: {option} must be True or False, got {value!r}.")
        return value
    if option in HOOK_OPTIONS or option in ("on_init", "on_cleanup"):
        return _hook(value, owner, option)
    if option in ("environment", "substitutions"):
        return _str_dict(value, owner, option)
    if option in ("extra", "parameters", "on_init_kwargs"):
        if not isinstance(value, Mapping):
            raise StepInterfaceError(
                f"{owner}: {option} must be a dict, got {type(value).__name__}."
            )
        if option == "on_init_kwargs":
            from stackwise.utils.jsonable import is_json_value

            if not is_json_value(dict(value)):
                raise StepInterfaceError(
                    f"{owner}: on_init_kwargs must be JSON values (a "
                    "worker process calls the hook with them)."
                )
        return dict(value)
    if option == "secrets":
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set)):
            raise StepInterfaceError(
                f"{owner}: secrets must be a list of secret names, got {value!r}."
            )
        return [str(v) for v in value]
    if option == "settings":
        return settings_to_dict(value, owner)
    if option == "model":
        from stackwise.config.pipeline_run_configuration import plain_model

        try:
            return plain_model(value)
        except ValueError as error:
            raise StepInterfaceError(f"{owner}: model: {error}.") from None
    if option == "tags":
        from stackwise.config.pipeline_run_configuration import tag_names

        try:
            tag_names(value, owner)
        except ValueError as error:
            raise StepInterfaceError(str(error)) from None
        return list(value)
    if option == "cache_policy":
        from stackwise.config.cache_policy import CachePolicy

        try:
            return CachePolicy.coerce(value).model_dump(mode="json")  # type: ignore[union-attr]
        except ValueError as error:
            raise StepInterfaceError(f"{owner}: cache_policy: {error}".replace("\n", " ")) from None
    if option == "retry":
        from stackwise.config.retry_config import StepRetryConfig

        try:
            if hasattr(value, "model_dump"):
                value = value.model_dump()
            return StepRetryConfig.coerce(value)
        except (TypeError, ValueError) as error:
            raise StepInterfaceError(f"{owner}: retry: {error}") from None
    if option in ("step_type", "execution_mode"):
        return str(getattr(value, "value", value))
    if option == "group":
        if isinstance(value, str):
            return {"name": value}
        if hasattr(value, "model_dump"):
            return value.model_dump(mode="json")
        return dict(value) if isinstance(value, Mapping) else {"name": str(value)}
    return value


def merge_options(current: dict[str, Any], update: dict[str, Any], merge: bool) -> None:
    """Apply normalized `update` to `current` in place: with `merge`, dict options are
    updated key by key and secrets added; otherwise each given option replaces the old one."""
    for option, value in update.items():
        if value is None:
            continue
        old = current.get(option)
        if merge and option in MERGED_DICTS and isinstance(old, dict):
            if option == "settings":
                merged = {k: dict(v) for k, v in old.items()}
                for key, fields in value.items():
                    merged[key] = {**merged.get(key, {}), **fields}
                current[option] = merged
            else:
                current[option] = {**old, **value}
        elif merge and option in ("secrets", "tags") and isinstance(old, list):
            current[option] = [*old, *(v for v in value if v not in old)]
        else:
            current[option] = value
