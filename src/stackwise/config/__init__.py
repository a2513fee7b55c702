"""Where stackwise keeps its state, and the settings read from it."""

from stackwise.config.global_config import (
    ActiveStackChoice,
    GlobalConfig,
    find_project_root,
    stackwise_home,
)
from stackwise.config.retry_config import StepRetryConfig

__all__ = [
    "ActiveStackChoice",
    "GlobalConfig",
    "StepRetryConfig",
    "find_project_root",
    "stackwise_home",
]
