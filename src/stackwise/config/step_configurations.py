"""`StepConfigurationUpdate`: the per-step options a run config (`steps: {id: ...}`) or
`Pipeline.with_options(steps=...)` may set, as plain data with ZenML's field names.

Hooks are given as sources (`failure_hook_source: my_module.my_hook`); settings, cache policy,
model and retry are kept as plain dicts so the whole object stays JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import did_you_mean

if TYPE_CHECKING:
    from pydantic import BaseModel

STEP_CONFIG_KEYS = (
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "step_operator",
    "experiment_tracker",
    "parameters",
    "settings",
    "environment",
    "secrets",
    "extra",
    "failure_hook_source",
    "success_hook_source",
    "start_hook_source",
    "end_hook_source",
    "model",
    "retry",
    "substitutions",
    "cache_policy",
    "runtime",
    "heartbeat_healthy_threshold",
    "group",
    "outputs",
    "name",
)

GENERAL_SETTINGS_KEYS = ("docker", "resources", "deployment")


def settings_key_problem(key: str) -> str | None:
    """Why `key` is not a valid settings key (ZenML's rule), or None."""
    from stackwise.enums import StackComponentType

    if key in GENERAL_SETTINGS_KEYS:
        return None
    component = key.replace(":", ".").split(".", 1)[0]
    if component in {t.value for t in StackComponentType}:
        return None
    return (
        f"settings key '{key}' is neither a general key ({', '.join(GENERAL_SETTINGS_KEYS)})"
        " nor a component key ('<component_type>', '<component_type>.<flavor>' or "
        f"'<component_type>:<name>', e.g. 'experiment_tracker.mlflow')."
        f"{did_you_mean(key, GENERAL_SETTINGS_KEYS)}"
    )


def general_settings_problem(key: str, fields: Any) -> str | None:
    """Why `fields` do not make the settings class of general key `key` (`resources`,
    `docker`), or None: checked when configured, as ZenML does, not when a remote
    orchestrator finally reads them."""
    settings_class: type[BaseModel]
    if key == "resources":
        from stackwise.config.resource_settings import ResourceSettings

        settings_class = ResourceSettings
    elif key == "docker":
        from stackwise.config.docker_settings import DockerSettings

        settings_class = DockerSettings
    else:
        return None
    from pydantic import ValidationError

    from stackwise.utils.pydantic_problems import describe_validation_error

    known = settings_class.model_fields
    unknown = [name for name in fields if name not in known]
    if unknown:  # ZenML keeps them and nothing reads them; a typo should not pass silently
        hints = "".join(did_you_mean(name, known) for name in unknown)
        return (
            f"settings '{key}' have unknown key(s) {', '.join(map(repr, unknown))}.{hints} "
            f"{settings_class.__name__} fields: {', '.join(known)}."
        )
    try:
        settings_class.model_validate(fields)
    except ValidationError as error:
        problems = describe_validation_error(error, known)
        return f"settings '{key}' are not valid {settings_class.__name__}: {problems}."
    return None


@dataclass(frozen=True)
class StepConfigurationUpdate:
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    step_operator: bool | str | None = None
    experiment_tracker: bool | str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    failure_hook_source: str | None = None
    success_hook_source: str | None = None
    start_hook_source: str | None = None
    end_hook_source: str | None = None
    model: dict[str, Any] | None = None
    retry: dict[str, Any] | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    cache_policy: dict[str, Any] | None = None
    runtime: str | None = None
    heartbeat_healthy_threshold: int | None = None
    group: dict[str, Any] | None = None
    outputs: dict[str, Any] = field(default_factory=dict)

    def uses_experiment_tracker(self, name: str) -> bool:
        return self.experiment_tracker is True or self.experiment_tracker == name

    def uses_step_operator(self, name: str) -> bool:
        return self.step_operator is True or self.step_operator == name

    def to_dict(self) -> dict[str, Any]:
        """Only what is set: None values and empty collections are left out."""
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, [])}
