"""Run configuration files (YAML) for one run: every key of ZenML's `PipelineRunConfiguration`
(`config/pipeline_run_configuration.py` holds the data and its parser). Unknown keys are errors,
all reported at once with a "did you mean": a typo must not be silently ignored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stackwise.config.pipeline_run_configuration import (
    RUN_CONFIG_KEYS,
    PipelineRunConfiguration,
    parse_run_configuration,
)
from stackwise.config.step_configurations import STEP_CONFIG_KEYS, StepConfigurationUpdate

RunConfig = PipelineRunConfiguration
StepRunConfig = StepConfigurationUpdate
PIPELINE_KEYS = set(RUN_CONFIG_KEYS)
STEP_KEYS = set(STEP_CONFIG_KEYS)

__all__ = [
    "PIPELINE_KEYS",
    "STEP_KEYS",
    "RunConfig",
    "StepRunConfig",
    "load_run_config",
    "parse_run_config",
]


def parse_run_config(data: Any, source: str = "run config") -> RunConfig:
    return parse_run_configuration(data, source)


def load_run_config(path: str | Path) -> RunConfig:
    return PipelineRunConfiguration.from_yaml(path)
