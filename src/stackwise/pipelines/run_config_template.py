"""A run-config YAML template for a pipeline: every key stackwise accepts, commented out with
what it takes, and the pipeline's parameters and step invocations filled in where known."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from stackwise.config.pipeline_run_configuration import RUN_CONFIG_KEYS
from stackwise.config.step_configurations import STEP_CONFIG_KEYS

if TYPE_CHECKING:
    from stackwise.pipelines.pipeline import Pipeline

_WHAT = {
    "run_name": "str, may use {date}, {time} and substitutions",
    "schedule": "cron_expression / start_time + interval_second / run_once_start_time",
    "build": "not available in stackwise yet",
    "steps": "per step invocation id: the step keys below",
    "tags": "list of tag names",
    "secrets": "list of secret names",
    "model": "name, version, ...",
    "retry": "max_retries, delay, backoff",
    "cache_policy": "include_step_code, include_step_parameters, include_artifact_values, "
    "include_artifact_ids, ignored_inputs, file_dependencies, "
    "source_dependencies, cache_func, expires_after",
    "execution_mode": "continue_on_failure",
}


def _describe(key: str) -> str:
    if key in _WHAT:
        return _WHAT[key]
    if key.startswith("enable_"):
        return "bool"
    if key.endswith("_hook_source"):
        return "package.module.function"
    return (
        "mapping"
        if key
        in (
            "parameters",
            "settings",
            "environment",
            "extra",
            "substitutions",
            "init_hook_kwargs",
            "outputs",
        )
        else "value"
    )


def run_configuration_template(pipeline: Pipeline) -> str:
    lines = [f"# Run configuration for pipeline '{pipeline.name}'. Uncomment what you need."]
    for key in sorted(k for k in RUN_CONFIG_KEYS if k not in ("parameters", "steps")):
        lines.append(f"# {key}: {_describe(key)}")
    params = pipeline.signature.parameters
    if params:
        lines.append("parameters:")
        for name, parameter in params.items():
            default = (
                "  # required"
                if parameter.default is inspect.Parameter.empty
                else f"  # default: {parameter.default!r}"
            )
            lines.append(f"  {name}:{default}")
    invocations = list(pipeline.invocations) if pipeline.is_prepared else []
    lines.append("# steps:")
    for inv in invocations or ["<step invocation id>"]:
        lines.append(f"#   {inv}:")
        lines.extend(f"#     {key}: {_describe(key)}" for key in STEP_CONFIG_KEYS if key != "name")
    return "\n".join(lines) + "\n"
