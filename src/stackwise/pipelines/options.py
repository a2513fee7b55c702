"""The options of `@pipeline`, `configure()` and `with_options()`, and how the option layers
of one step combine into what its spec records.

Layers, lowest first: the pipeline's options in code, the run config's top level, the step's
options in code, `with_options(steps={...})`, the run config's `steps.<id>`. A later layer's
value wins; dict options (settings, extra, environment, substitutions) merge key by key and
secrets add up. A pipeline's options are the defaults of its steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackwise.config.pipeline_run_configuration import PipelineRunConfiguration
from stackwise.config.step_configurations import StepConfigurationUpdate
from stackwise.steps.step_options import merge_options, normalize_option

PIPELINE_OPTIONS = (
    "name",
    "dynamic",
    "depends_on",
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "enable_heartbeat",
    "environment",
    "secrets",
    "enable_pipeline_logs",
    "settings",
    "tags",
    "extra",
    "on_failure",
    "on_success",
    "on_start",
    "on_end",
    "on_pause",
    "on_resume",
    "on_init",
    "on_init_kwargs",
    "on_cleanup",
    "model",
    "retry",
    "substitutions",
    "execution_mode",
    "cache_policy",
    "config_path",
    "run_name",
)
PIPELINE_CONFIGURE_OPTIONS = (
    *(
        o
        for o in PIPELINE_OPTIONS
        if o not in ("name", "dynamic", "depends_on", "config_path", "run_name")
    ),
    "parameters",
    "merge",
)
WITH_OPTIONS = (
    "run_name",
    "schedule",
    "build",
    "step_configurations",
    "steps",
    "config_path",
    "unlisted",
    "prevent_build_reuse",
    *PIPELINE_CONFIGURE_OPTIONS,
)
# step-level options a pipeline-level value is the default of
STEP_LEVEL = (
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "experiment_tracker",
    "step_operator",
    "settings",
    "extra",
    "environment",
    "secrets",
    "on_failure",
    "on_success",
    "on_start",
    "on_end",
    "model",
    "retry",
    "substitutions",
    "cache_policy",
    "group",
    "step_type",
)
_HOOK_SOURCES = {
    "failure_hook_source": "on_failure",
    "success_hook_source": "on_success",
    "start_hook_source": "on_start",
    "end_hook_source": "on_end",
    "init_hook_source": "on_init",
    "cleanup_hook_source": "on_cleanup",
}


def normalize_options(options: Mapping[str, Any], owner: str) -> dict[str, Any]:
    return {k: normalize_option(k, v, owner) for k, v in options.items()}


def config_layer(
    update: PipelineRunConfiguration | StepConfigurationUpdate | None,
) -> dict[str, Any]:
    """A run-config object as an option layer: hook sources under the option names."""
    if update is None:
        return {}
    layer = {}
    for key, value in update.to_dict().items():
        if key in ("steps", "run_name", "schedule", "build"):
            continue
        layer[_HOOK_SOURCES.get(key, key)] = value
    if "retry" in layer:
        from stackwise.config.retry_config import StepRetryConfig

        layer["retry"] = StepRetryConfig.coerce(layer["retry"])
    return layer


def combine(*layers: Mapping[str, Any], keys: tuple[str, ...] = STEP_LEVEL) -> dict[str, Any]:
    """The options `layers` (lowest first) give for `keys`."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merge_options(merged, {k: v for k, v in layer.items() if k in keys}, merge=True)
    return merged


def step_updates(value: Any, owner: str) -> dict[str, StepConfigurationUpdate]:
    """`with_options(steps=...)`: invocation id -> StepConfigurationUpdate (or its dict)."""
    from stackwise.config.pipeline_run_configuration import parse_run_configuration
    from stackwise.exceptions import StepInterfaceError

    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise StepInterfaceError(
            f"{owner}: steps= takes a dict of step invocation ids to "
            f"step options, got {type(value).__name__}."
        )
    raw = {
        str(k): (v.to_dict() if isinstance(v, StepConfigurationUpdate) else v)
        for k, v in value.items()
    }
    return parse_run_configuration({"steps": raw}, source=f"{owner} steps=").steps
