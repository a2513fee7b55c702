"""stackwise: portable ML pipelines. Write steps and pipelines as plain typed Python; choose
where they run with a stack.

Public names load on first use, so `import stackwise` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "step": "stackwise.steps.base_step",
    "pipeline": "stackwise.pipelines.pipeline",
    "get_step_context": "stackwise.steps.step_context",
    "StepContext": "stackwise.steps.step_context",
    "log_metadata": "stackwise.artifacts.metadata_api",
    "log_artifact_metadata": "stackwise.artifacts.metadata_api",
    "log_step_metadata": "stackwise.artifacts.metadata_api",
    "bulk_log_metadata": "stackwise.artifacts.metadata_api",
    "log_model_metadata": "stackwise.artifacts.metadata_api",
    "link_artifact_to_model": "stackwise.artifacts.model_links",
    "add_tags": "stackwise.artifacts.tag_api",
    "remove_tags": "stackwise.artifacts.tag_api",
    "Tag": "stackwise.artifacts.tag_api",
    "get_pipeline_context": "stackwise.pipelines.pipeline_context",
    "register_artifact": "stackwise.artifacts.artifact_api",
    "log_params": "stackwise.artifacts.tracking_api",
    "log_metrics": "stackwise.artifacts.tracking_api",
    "save_artifact": "stackwise.artifacts.artifact_api",
    "load_artifact": "stackwise.artifacts.artifact_api",
    "ArtifactConfig": "stackwise.models.artifact_config",
    "ExternalArtifact": "stackwise.models.artifact_config",
    "Client": "stackwise.client",
    "StepRetryConfig": "stackwise.config.retry_config",
    "Model": "stackwise.model",
    "unmapped": "stackwise.steps.mapping",
    "run_hook": "stackwise.hooks",
    "CommandStep": "stackwise.steps.command_step",
}

__all__ = [
    "ArtifactConfig",
    "Client",
    "CommandStep",
    "ExternalArtifact",
    "Model",
    "StepContext",
    "StepRetryConfig",
    "Tag",
    "__version__",
    "add_tags",
    "bulk_log_metadata",
    "get_pipeline_context",
    "get_step_context",
    "link_artifact_to_model",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "log_metrics",
    "log_model_metadata",
    "log_params",
    "log_step_metadata",
    "pipeline",
    "register_artifact",
    "remove_tags",
    "run_hook",
    "save_artifact",
    "step",
    "unmapped",
]

if TYPE_CHECKING:
    from stackwise.artifacts.artifact_api import load_artifact, register_artifact, save_artifact
    from stackwise.artifacts.metadata_api import (
        bulk_log_metadata,
        log_artifact_metadata,
        log_metadata,
        log_model_metadata,
        log_step_metadata,
    )
    from stackwise.artifacts.model_links import link_artifact_to_model
    from stackwise.artifacts.tag_api import Tag, add_tags, remove_tags
    from stackwise.artifacts.tracking_api import log_metrics, log_params
    from stackwise.client import Client
    from stackwise.config.retry_config import StepRetryConfig
    from stackwise.hooks import run_hook
    from stackwise.model import Model
    from stackwise.models.artifact_config import ArtifactConfig, ExternalArtifact
    from stackwise.pipelines.pipeline import pipeline
    from stackwise.pipelines.pipeline_context import get_pipeline_context
    from stackwise.steps.base_step import step
    from stackwise.steps.command_step import CommandStep
    from stackwise.steps.mapping import unmapped
    from stackwise.steps.step_context import StepContext, get_step_context


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stackwise' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


def _install_traceback_trimming() -> None:
    from stackwise.ui.tracebacks import install_excepthook

    install_excepthook()


_install_traceback_trimming()
