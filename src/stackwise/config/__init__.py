"""Where stackwise keeps its state, and the configuration objects users pass to `@step`,
`@pipeline`, `configure()` and `with_options()` (at ZenML's import paths). The pydantic-based
settings load on first use, so importing this package stays cheap."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stackwise.config.global_config import (
    ActiveStackChoice,
    GlobalConfig,
    find_project_root,
    stackwise_home,
)
from stackwise.config.retry_config import StepRetryConfig

_LAZY = {
    "BaseSettings": "stackwise.config.base_settings",
    "DockerSettings": "stackwise.config.docker_settings",
    "PythonPackageInstaller": "stackwise.config.docker_settings",
    "PythonEnvironmentExportMethod": "stackwise.config.docker_settings",
    "ResourceSettings": "stackwise.config.resource_settings",
    "ByteUnit": "stackwise.config.resource_settings",
    "CachePolicy": "stackwise.config.cache_policy",
    "Schedule": "stackwise.config.schedule",
    "StepConfigurationUpdate": "stackwise.config.step_configurations",
    "PipelineConfigurationUpdate": "stackwise.config.pipeline_configurations",
    "PipelineRunConfiguration": "stackwise.config.pipeline_run_configuration",
}

__all__ = [
    "ActiveStackChoice",
    "BaseSettings",
    "ByteUnit",
    "CachePolicy",
    "DockerSettings",
    "GlobalConfig",
    "PipelineConfigurationUpdate",
    "PipelineRunConfiguration",
    "PythonEnvironmentExportMethod",
    "PythonPackageInstaller",
    "ResourceSettings",
    "Schedule",
    "StepConfigurationUpdate",
    "StepRetryConfig",
    "find_project_root",
    "stackwise_home",
]

if TYPE_CHECKING:
    from stackwise.config.base_settings import BaseSettings
    from stackwise.config.cache_policy import CachePolicy
    from stackwise.config.docker_settings import (
        DockerSettings,
        PythonEnvironmentExportMethod,
        PythonPackageInstaller,
    )
    from stackwise.config.pipeline_configurations import PipelineConfigurationUpdate
    from stackwise.config.pipeline_run_configuration import PipelineRunConfiguration
    from stackwise.config.resource_settings import ByteUnit, ResourceSettings
    from stackwise.config.schedule import Schedule
    from stackwise.config.step_configurations import StepConfigurationUpdate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stackwise.config' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
