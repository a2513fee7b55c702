"""`PipelineConfigurationUpdate`: the pipeline-level options `configure()` and run configs set,
as plain data with ZenML's field names, and the `{date}` / `{time}` substitutions every run
name and artifact name template may use."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

PIPELINE_CONFIG_KEYS = (
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "enable_pipeline_logs",
    "enable_heartbeat",
    "settings",
    "environment",
    "secrets",
    "tags",
    "extra",
    "model",
    "parameters",
    "retry",
    "init_hook_source",
    "init_hook_kwargs",
    "cleanup_hook_source",
    "failure_hook_source",
    "success_hook_source",
    "start_hook_source",
    "end_hook_source",
    "pause_hook_source",
    "resume_hook_source",
    "substitutions",
    "cache_policy",
    "execution_mode",
)


def date_time_substitutions(start: datetime | None = None) -> dict[str, str]:
    """`{date}` and `{time}` as ZenML formats them: 2026_12_04 and 17_45_15_490451 (UTC)."""
    start = start or datetime.now(timezone.utc)
    return {"date": start.strftime("%Y_%m_%d"), "time": start.strftime("%H_%M_%S_%f")}


@dataclass(frozen=True)
class PipelineConfigurationUpdate:
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    enable_pipeline_logs: bool | None = None
    enable_heartbeat: bool | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    retry: dict[str, Any] | None = None
    init_hook_source: str | None = None
    init_hook_kwargs: dict[str, Any] | None = None
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

    def finalize_substitutions(
        self, start_time: datetime | None = None, inplace: bool = False
    ) -> dict[str, str]:
        """The substitutions with `date` and `time` of `start_time` (now) added."""
        return {**date_time_substitutions(start_time), **self.substitutions}

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, [])}
