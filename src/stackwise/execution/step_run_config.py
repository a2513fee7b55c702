"""What a step run records as its configuration, and the names its outputs are recorded and
saved under once the run's substitutions (`{date}`, `{time}`, custom ones) are filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import StepSpec

__all__ = ["artifact_names", "recorded_name", "step_run_config"]


def step_run_config(spec: StepSpec) -> dict[str, Any]:
    """What a step run records as its config (secret names, never their values)."""
    return {
        "parameters": spec.parameters,
        "enable_cache": spec.enable_cache,
        "experiment_tracker": spec.experiment_tracker,
        "step_operator": spec.step_operator,
        "retry": spec.retry,
        "settings": spec.settings,
        "extra": spec.extra,
        "environment": spec.environment,
        "secrets": spec.secrets,
        "substitutions": spec.substitutions,
        "enable_step_logs": spec.enable_step_logs,
        "enable_artifact_metadata": spec.enable_artifact_metadata,
        "enable_artifact_visualization": spec.enable_artifact_visualization,
        "cache_policy": spec.cache_policy,
        "model": spec.model,
        "group": spec.group,
        "step_type": spec.step_type,
        "start_hook_source": spec.on_start,
        "end_hook_source": spec.on_end,
        "failure_hook_source": spec.on_failure,
        "success_hook_source": spec.on_success,
    }


def recorded_name(output: Any, names: dict[str, str]) -> str:
    """The output name a step run records: a templated name (`Annotated[T, "x_{date}"]`)
    is recorded filled in, as its artifact is named."""
    if "{" in output.name and output.name == output.artifact_name:
        return names[output.name]
    return str(output.name)


def artifact_names(spec: StepSpec, run_config: dict[str, Any]) -> dict[str, str]:
    """Each output's artifact name, its `{date}`/`{time}`/custom placeholders filled in from
    the run's substitutions and the step's own."""
    names = {o.name: o.artifact_name for o in spec.outputs}
    if not any("{" in n for n in names.values()):
        return names
    values = {**run_config.get("substitutions", {}), **spec.substitutions}
    return {o: n.format(**values) if "{" in n else n for o, n in names.items()}
